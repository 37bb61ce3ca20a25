"""How the search reads: on PostgreSQL through its index, on SQLite without taking the write lock."""

import pytest
from django.db import connection

from search.index import prefer_the_index


@pytest.mark.django_db(transaction=True)
def test_the_search_opens_a_transaction_only_on_postgresql_where_it_tells_the_planner_to_read_the_index():
    with prefer_the_index():
        if connection.vendor == "postgresql":
            assert connection.in_atomic_block
            with connection.cursor() as cursor:
                cursor.execute("SHOW enable_seqscan")
                assert cursor.fetchone()[0] == "off"
        else:
            # SQLite's transactions begin IMMEDIATE here: one for a read would take the write lock.
            assert not connection.in_atomic_block
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"  # for that transaction only
