"""Counting into Redis and the flush job, with a real redis-server of the test's own: counts reach DailyCount
exactly once, whether the job runs twice or crashes after its commit; a Redis that fails never fails a page."""

import datetime
import shutil
from unittest import mock

import pytest
from django.utils import timezone

import eucacis.settings as project_settings
from jobs.periodic import Every
from readership import counting, flush
from readership.models import DailyCount, Flush
from tests.conftest import make_interview, make_series
from tests.readership.conftest import SAFARI, counts, reader
from tests.readership.test_counting import pdf_url
from tests.sitecache.test_redis_faults import RedisServer, _free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": project_settings.redis_cache(server.url, key_prefix="readership-test")}
    settings.READERSHIP_REDIS_PREFIX = "readership-test:readership"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def issue():
    return make_interview(make_series(slug="eucacis-in-brief"), number=6)


def flushed():
    """The flush, once Redis has run the counts this process sent it (it sends them without waiting)."""
    counting._sender.send_now()
    return flush.flush()


def waiting(server):
    """The counts waiting in Redis: ``{field: count}``."""
    counting._sender.send_now()
    lines = server.cli("HGETALL", "readership-test:readership:counts").splitlines()
    return {lines[i]: int(lines[i + 1]) for i in range(0, len(lines), 2)}


def test_with_redis_a_view_is_counted_in_redis_once_per_client_and_reaches_the_database_by_the_flush(
    redis_server, issue
):
    client = reader()
    client.get(issue.get_absolute_url())  # rendered
    client.get(issue.get_absolute_url())  # from the page cache, a double click
    reader(user_agent=SAFARI).get(issue.get_absolute_url())  # from the page cache, another reader
    day = timezone.localdate().isoformat()
    assert waiting(redis_server) == {f"{day}|view|6|eucacis-in-brief": 2}
    assert DailyCount.objects.count() == 0  # nothing written by a request

    assert flushed() == 2
    assert counts(issue) == (2, 0) and waiting(redis_server) == {}
    assert flushed() == 0  # nothing new
    assert counts(issue) == (2, 0)


def test_the_salt_is_kept_in_the_shared_cache_only_with_an_expiry_and_never_in_the_database(redis_server, issue):
    reader().get(issue.get_absolute_url())
    counting._sender.send_now()
    key = f"readership-test:readership:salt:{timezone.localdate().isoformat()}"
    salt_keys = [k for k in redis_server.cli("KEYS", "*salt*").splitlines()]
    assert len(salt_keys) == 1 and key in salt_keys[0]
    assert 0 < int(redis_server.cli("TTL", salt_keys[0])) <= 2 * 24 * 3600
    click_keys = redis_server.cli("KEYS", "*:click:*").splitlines()
    assert len(click_keys) == 1 and 0 < int(redis_server.cli("TTL", click_keys[0])) <= 30


def test_a_flush_run_twice_or_crashing_after_its_commit_adds_each_count_once(redis_server, issue):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        reader(address).get(issue.get_absolute_url())
    with mock.patch.object(counting.redis_client(), "delete", side_effect=ConnectionError("worker killed")):
        with pytest.raises(ConnectionError):
            flushed()  # committed, then died before deleting the batch
    assert counts(issue) == (3, 0) and Flush.objects.count() == 1
    assert redis_server.cli("SCARD", "readership-test:readership:batches") == "1"  # still pending
    assert flushed() == 0  # the batch is found added, and only deleted
    assert flushed() == 0
    assert counts(issue) == (3, 0)
    assert redis_server.cli("SCARD", "readership-test:readership:batches") == "0"
    assert redis_server.cli("KEYS", "*:batch:*") == ""


def test_a_flush_crashing_before_its_commit_loses_nothing(redis_server, issue):
    reader("203.0.113.1").get(issue.get_absolute_url())
    with mock.patch("readership.flush.add_to_database", side_effect=RuntimeError("database away")):
        with pytest.raises(RuntimeError):
            flushed()
    assert counts(issue) == (0, 0) and Flush.objects.count() == 0  # rolled back with the Flush row
    reader("203.0.113.2").get(issue.get_absolute_url())  # counted in a new hash meanwhile
    assert flushed() == 2
    assert counts(issue) == (2, 0)


def test_counts_of_an_address_no_issue_has_are_dropped_by_the_flush(redis_server, issue):
    reader().get(issue.get_absolute_url())
    issue.delete()
    assert flushed() == 1 and DailyCount.objects.count() == 0


def test_the_worker_enqueues_the_flush_every_readership_flush_seconds(
    redis_server, issue, settings, django_capture_on_commit_callbacks
):
    assert ("readership.flush.flush_counts", settings.READERSHIP_FLUSH_SECONDS) in settings.JOBS_EVERY
    now = [0.0]
    every = Every([("readership.flush.flush_counts", 60)], clock=lambda: now[0])
    reader().get(issue.get_absolute_url())
    counting._sender.send_now()
    with django_capture_on_commit_callbacks(execute=True):  # the tests' ImmediateBackend runs the job on commit
        assert every.enqueue_due() == ["readership.flush.flush_counts"]  # at once when the worker starts
    assert counts(issue) == (1, 0)
    reader("198.51.100.1").get(issue.get_absolute_url())
    now[0] = 59
    counting._sender.send_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert every.enqueue_due() == []
    assert counts(issue) == (1, 0)
    now[0] = 60
    counting._sender.send_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert every.enqueue_due() == ["readership.flush.flush_counts"]
    assert counts(issue) == (2, 0)


def test_with_redis_stopped_the_page_is_served_and_counted_into_the_database(redis_server, issue, caplog, settings):
    settings.READERSHIP_SEND_SECONDS = 0  # each count sent at once
    reader("203.0.113.1").get(issue.get_absolute_url())
    redis_server.stop()
    client = reader("203.0.113.2")
    assert client.get(issue.get_absolute_url()).status_code == 200
    assert client.get(issue.get_absolute_url()).status_code == 200  # a double click, remembered in memory
    assert "counting into the database" in caplog.text
    assert counts(issue) == (1, 0)  # the second reader; the first one's count waits in the stopped Redis


def test_with_redis_at_a_closed_port_pages_are_served_and_counted(settings, issue):
    settings.READERSHIP_SEND_SECONDS = 0
    url = f"redis://127.0.0.1:{_free_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {"default": project_settings.redis_cache(url, key_prefix="readership-test")}
    assert reader().get(issue.get_absolute_url()).status_code == 200
    assert reader(user_agent=SAFARI).get(issue.get_absolute_url()).status_code == 200
    assert counts(issue) == (2, 0)
    assert DailyCount.objects.get().day == timezone.localdate()
    assert isinstance(DailyCount.objects.get().day, datetime.date)


def test_counts_wait_in_the_process_until_a_batch_is_full(redis_server, issue, settings):
    settings.READERSHIP_SEND_BATCH, settings.READERSHIP_SEND_SECONDS = 3, 3600
    reader("203.0.113.1").get(issue.get_absolute_url())
    reader("203.0.113.2").get(issue.get_absolute_url())
    assert redis_server.cli("HGETALL", "readership-test:readership:counts") == "" and len(counting._sender.pending) == 2
    reader("203.0.113.3").get(issue.get_absolute_url())
    assert counting._sender.pending == []
    assert waiting(redis_server) == {f"{timezone.localdate().isoformat()}|view|6|eucacis-in-brief": 3}


def test_counts_that_waited_long_enough_go_with_the_next_request_whatever_it_is(redis_server, issue, settings):
    settings.READERSHIP_SEND_BATCH, settings.READERSHIP_SEND_SECONDS = 100, 60
    reader("203.0.113.1").get(issue.get_absolute_url())
    reader("203.0.113.2").get("/")  # not counted, and the count has not waited 60 s
    assert len(counting._sender.pending) == 1
    counting._sender.since -= 60
    reader("203.0.113.2").get("/")
    assert counting._sender.pending == []
    assert waiting(redis_server) == {f"{timezone.localdate().isoformat()}|view|6|eucacis-in-brief": 1}


def test_counts_waiting_when_redis_stops_go_to_the_database(redis_server, issue, settings):
    settings.READERSHIP_SEND_BATCH, settings.READERSHIP_SEND_SECONDS = 100, 3600
    reader("203.0.113.1").get(issue.get_absolute_url())
    reader("203.0.113.1").get(issue.get_absolute_url())  # a double click, judged when sent
    reader("203.0.113.2").get(pdf_url(issue))  # "being prepared" (503): not counted
    counting._sender.send_now()  # Redis was reached: connection made
    reader("203.0.113.3").get(issue.get_absolute_url())
    redis_server.stop()
    counting._send_at_exit()  # the process stops: what waits cannot reach Redis
    assert counts(issue) == (1, 0) and counting._sender.pending == []
