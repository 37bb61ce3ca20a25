"""Each answer costs a fixed number of queries, whatever the page or the number of issues."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.oai.conftest import Answer

pytestmark = pytest.mark.django_db

#: ListRecords: the page (with its datestamps and series), the list's size (first page only),
#: the topics, the contributors, the places.
LIST_RECORDS_QUERIES = 5
#: ListIdentifiers: the page, the size (first page only), the topics.
LIST_IDENTIFIERS_QUERIES = 3


def add_issues(count, seed):
    from demo.generate import _generate, generated_series

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        with transaction.atomic():
            _generate(count, series=generated_series(), seed=seed, people=None)


def queries_per_page(client, verb, pages):
    """The queries of each of the first ``pages`` answers of a list."""
    counts, arguments = [], {"verb": verb, "metadataPrefix": "oai_dc"}
    for _ in range(pages):
        with CaptureQueriesContext(connection) as queries:
            answer = Answer(client.get("/oai/", arguments))
        counts.append(len(queries))
        arguments = {"verb": verb, "resumptionToken": answer.xpath("string(//o:resumptionToken)")}
        assert len(answer.xpath("//o:header")) == 100
    return counts


@pytest.mark.parametrize(
    "verb, budget", [("ListRecords", LIST_RECORDS_QUERIES), ("ListIdentifiers", LIST_IDENTIFIERS_QUERIES)]
)
def test_the_queries_do_not_grow_with_the_page_or_the_number_of_issues(client, clock, verb, budget):
    clock(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    add_issues(350, seed=21)
    few = queries_per_page(client, verb, 3)
    add_issues(700, seed=22)
    many = queries_per_page(client, verb, 5)
    assert few == many[:3]
    assert many == [budget] + [budget - 1] * 4  # the list's size is counted on its first page only


def test_get_record_costs_four_queries(client, demo_issue):
    from oai.records import identifier_of

    with CaptureQueriesContext(connection) as queries:
        Answer(
            client.get(
                "/oai/", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": identifier_of(demo_issue.pk)}
            )
        )
    assert len(queries) == 4  # the issue, its topics, contributors and places
