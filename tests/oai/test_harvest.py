"""A real harvester (Sickle) harvests the repository over HTTP, through every resumption token."""

import datetime
import time

import pytest
from django.core.management import call_command
from sickle import Sickle

from briefs.models import Issue
from briefs.workflow import apply_transition
from oai.records import PAGE_SIZE, identifier_of


def ten_thousand_issues():
    """demo.generate's issues, fast: without the search index and the PDF builds that follow a
    write (the tests run jobs at once; the endpoint reads neither)."""
    from django.db import transaction
    from django.test import override_settings

    from demo.generate import _generate, generated_series

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        series = generated_series()
        with transaction.atomic():
            return _generate(10_000, series=series, seed=11, people=None)


def harvest(live_server, verb, **arguments):
    sickle = Sickle(live_server.url + "/oai/", max_retries=0, timeout=60)
    return list(getattr(sickle, verb)(metadataPrefix="oai_dc", ignore_deleted=False, **arguments))


@pytest.mark.django_db(transaction=True)
def test_sickle_harvests_the_demo_and_ten_thousand_issues_completely(live_server, clock):
    set_up = time.perf_counter()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    six = Issue.objects.get(series__slug="eucacis-in-brief", number=6)
    ids = ten_thousand_issues()
    # All public whatever today is (the generator spreads them up to 2026); one withdrawn.
    clock(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    withdrawn = Issue.objects.get(pk=ids[5000])
    apply_transition(withdrawn, "withdraw", by=None, comment="Withdrawn.", check_permission=False)

    print(f"\nset up in {time.perf_counter() - set_up:.1f} s")
    started = time.perf_counter()
    records = harvest(live_server, "ListRecords")
    took = time.perf_counter() - started
    expected = {identifier_of(pk) for pk in [six.pk, *ids]}
    harvested = [record.header.identifier for record in records]
    assert len(harvested) == len(set(harvested)) == 10_001
    assert set(harvested) == expected
    deleted = {record.header.identifier for record in records if record.header.deleted}
    assert deleted == {identifier_of(withdrawn.pk)}
    by_id = {record.header.identifier: record for record in records}
    assert by_id[identifier_of(six.pk)].metadata["creator"] == ["Muratbekova, Albina"]
    assert all(record.metadata.get("title") for record in records if not record.header.deleted)
    print(f"\nListRecords: 10,001 records in {len(harvested) // PAGE_SIZE + 1} responses, {took:.1f} s")

    started = time.perf_counter()
    headers = harvest(live_server, "ListIdentifiers")
    print(f"ListIdentifiers: {len(headers)} headers, {time.perf_counter() - started:.1f} s")
    assert {header.identifier for header in headers} == expected

    # A selective harvest: one series, through its tokens.
    generated = harvest(live_server, "ListIdentifiers", set="series:generated-briefs")
    assert len(generated) == 10_000
