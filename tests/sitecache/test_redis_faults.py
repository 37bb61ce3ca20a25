"""The page cache fails closed: with a real Redis stopped, stalled, restarted with old data or full,
readers get correct pages (a withdrawn issue 410, an edit shown), editors' pages work, nothing is lost.

Each test starts its own throwaway redis-server on a free port (never the shared one).
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from unittest import mock

import pytest
import redis
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import eucacis.settings as project_settings
from briefs.workflow import apply_transition
from sitecache import versioning
from sitecache.middleware import _local_pages, _shared_pages
from sitecache.pages import page_store
from tests.conftest import make_interview, make_series

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed (apt-get install redis-server)"
    ),
]

TIMEOUT = 0.25


def test_redis_gives_up_connecting_and_reading_within_a_quarter_second_by_default():
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import eucacis.settings as s; o = s.CACHES['default']['OPTIONS']; "
            "print(o['socket_connect_timeout'], o['socket_timeout'])",
        ],
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [float(value) for value in out] == [TIMEOUT, TIMEOUT]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, on a free port, keeping its saved data (dump.rdb) in ``folder``."""

    def __init__(self, folder):
        self.folder, self.port, self.process = folder, _free_port(), None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *extra):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--dbfilename",
                "dump.rdb",
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.cli("PING") != "PONG":
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)  # a process starting: a bounded wait

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True).stdout.strip()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # in case a test left it stalled
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {"default": project_settings.redis_cache(server.url, key_prefix="fault-test")}
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def site():
    """A public interview, a second one that will be edited, and a chief editor who can withdraw."""
    series = make_series(name="EUCACIS in Brief")
    withdrawn = make_interview(series, title="An interview to be withdrawn")
    edited = make_interview(series, title="The original title")
    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")
    return withdrawn, edited, chief


def _cache_both(withdrawn, edited):
    """Both pages in the page cache, as readers left them."""
    reader = Client()
    for issue in (withdrawn, edited):
        assert reader.get(issue.get_absolute_url()).status_code == 200


def _pages_in(server):
    return len([key for key in server.cli("KEYS", "*").splitlines() if "sitecache:page" in key])


def _withdraw_and_edit(withdrawn, edited, chief):
    apply_transition(withdrawn, "withdraw", by=chief, comment="Checking a source.")
    edited.title = "A corrected title"
    edited.save()


def _as_a_new_process():
    """What a worker started now would have: no pages of its own in memory."""
    _local_pages.clear()
    _shared_pages.clear()


def _readers_get_the_truth(withdrawn, edited):
    reader = Client()
    gone = reader.get(withdrawn.get_absolute_url())
    assert gone.status_code == 410
    page = reader.get(edited.get_absolute_url())
    assert page.status_code == 200 and "A corrected title" in page.content.decode()
    assert "The original title" not in page.content.decode()


def _editors_page_works(chief, issue):
    editor = Client()
    editor.force_login(chief)
    started = time.monotonic()
    response = editor.get(reverse("admin:briefs_issue_change", args=[issue.pk]))
    assert response.status_code == 200
    return time.monotonic() - started


def test_redis_stopped_readers_get_rendered_pages_and_the_admin_works(redis_server, site):
    withdrawn, edited, chief = site
    _cache_both(withdrawn, edited)
    redis_server.stop()  # connection refused from now on
    _withdraw_and_edit(withdrawn, edited, chief)  # the renewal is in the database: nothing to refuse it
    _readers_get_the_truth(withdrawn, edited)
    _as_a_new_process()
    _readers_get_the_truth(withdrawn, edited)
    _editors_page_works(chief, edited)  # who else has it open: the notice is simply absent


def test_redis_stalled_reads_give_up_within_the_timeout_and_pages_are_rendered(redis_server, site):
    withdrawn, edited, chief = site
    _cache_both(withdrawn, edited)
    os.kill(redis_server.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        for cache in (versioning.cache(), page_store()):  # Django's cache (presence, citations) and the pages'
            started = time.monotonic()
            with pytest.raises(Exception):
                cache.get("anything")
            assert time.monotonic() - started < TIMEOUT + 0.2
        _withdraw_and_edit(withdrawn, edited, chief)
        _as_a_new_process()
        started = time.monotonic()
        _readers_get_the_truth(withdrawn, edited)
        # The first page pays one timeout, after which this process leaves Redis alone for a while
        # (PAGE_CACHE_RETRY_SECONDS); the citations' cache pays its own. Never the ~10 s of old.
        assert time.monotonic() - started < 8 * TIMEOUT + 1.5
        assert _editors_page_works(chief, edited) < 4 * TIMEOUT + 1.5
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)


def test_redis_restarted_with_old_data_never_serves_the_old_pages(redis_server, site):
    withdrawn, edited, chief = site
    _cache_both(withdrawn, edited)
    assert redis_server.cli("SAVE") == "OK"  # the saved data: both pages as they were
    _withdraw_and_edit(withdrawn, edited, chief)
    _readers_get_the_truth(withdrawn, edited)  # (and the edited page is cached anew)
    redis_server.stop()
    redis_server.start()  # loads dump.rdb: the old pages are back in Redis
    assert _pages_in(redis_server) == 2
    _as_a_new_process()
    _readers_get_the_truth(withdrawn, edited)
    with mock.patch("reader.views.render", wraps=__import__("reader.views", fromlist=["render"]).render) as render:
        Client().get(edited.get_absolute_url())
    assert render.call_count == 0  # the fresh page, cached after the restart, is served from the cache again


def test_redis_full_refuses_writes_and_readers_still_get_the_truth(redis_server, site):
    withdrawn, edited, chief = site
    _cache_both(withdrawn, edited)
    assert _pages_in(redis_server) == 2
    redis_server.cli("CONFIG", "SET", "maxmemory-policy", "noeviction")
    redis_server.cli("CONFIG", "SET", "maxmemory", "1mb")
    client = redis.Redis.from_url(redis_server.url)
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        for n in range(10_000):
            client.set(f"filler:{n}", b"x" * 10_000)
    _withdraw_and_edit(withdrawn, edited, chief)  # renewed in the database: Redis is not asked
    _as_a_new_process()
    _readers_get_the_truth(withdrawn, edited)
    _readers_get_the_truth(withdrawn, edited)  # rendered again: the new pages could not be stored
    _editors_page_works(chief, edited)
