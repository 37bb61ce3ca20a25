import threading
import time
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _RequestsInFlight:
    """Counts the live server's requests through Django's request signals.

    A page can still be talking to the server when its test ends: the issue
    form's presence beacon goes out on pagehide, when the context closes, and
    autocompletes may still be loading. If such a request runs while the test
    database is flushed, the flush fails (SQLite's in-memory database is shared
    with the server's thread) and the next test starts on the last one's rows.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.last_change = time.monotonic()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1
            self.last_change = time.monotonic()

    def wait_until_idle(self, quiet=0.15, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.count <= 0 and time.monotonic() - self.last_change >= quiet:
                    return
            time.sleep(0.02)


_in_flight = _RequestsInFlight()
request_started.connect(_in_flight.started, dispatch_uid="browser-tests-in-flight-started")
request_finished.connect(_in_flight.finished, dispatch_uid="browser-tests-in-flight-finished")


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request):
    """Let the live server finish what the browser sent before the database is flushed.

    It asks for the database fixture itself, so that it is torn down first:
    after the test's pages have closed and before the flush.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _in_flight.wait_until_idle()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while it
    # is open, and Django then refuses ORM calls (the test's own, and the test
    # database's teardown). They are plain synchronous code, so allow them for
    # exactly as long as Playwright runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
