"""Issue 17's long issue in Chromium: an interview with 200 questions and 500 notes opened and saved in the admin.

Serves a scratch SQLite site with gunicorn (2 workers, DEBUG off), signs in as an editor in Debian's
Chromium (1,280 px), and prints the median of each:

- open: from asking for the change page to the page loaded and idle (its visible editors made);
- save: from the click on "Save and continue editing" to the server's answer (the redirect);
- save and reopen: from that click to the reopened page loaded and idle.

    .venv/bin/python scripts/bench_long_issue.py [--rounds 5]
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import PY, ROOT, free_port, start_gunicorn, wait_for

SETUP = """
from briefs.models import Issue
from django.contrib.auth import get_user_model
from tests.conftest import make_interview
get_user_model().objects.create_superuser("bench", "bench@example.org", "a-long-bench-password")
print(make_interview(questions=200, footnotes=500, status=Issue.Status.DRAFT, public_from=None).pk)
"""

IDLE = "() => new Promise((done) => requestIdleCallback(done, {timeout: 5000}))"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eucacis-bench-long-"))
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PDF_ROOT": str(work / "pdfs"),
        "PHOTO_ORIGINALS_ROOT": str(work / "photo-originals"),
    }
    manage = lambda *a: subprocess.run(  # noqa: E731
        [PY, "manage.py", *a], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    issue = manage("shell", "-c", SETUP).stdout.split()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port)
    try:
        wait_for(base)
        opened, saved, reopened = measure(base, issue, args.rounds)
    finally:
        server.terminate()
        server.wait()
    print(
        f"An interview with 200 questions and 500 notes, Chromium 1,280 px, gunicorn 2 workers, {args.rounds} rounds:"
    )
    for name, times in (("open", opened), ("save", saved), ("save and reopen", reopened)):
        print(f"  {name:16} median {statistics.median(times):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")


def measure(base, issue, rounds):
    from playwright.sync_api import sync_playwright

    opened, saved, reopened = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "bench")
        page.fill("#id_password", "a-long-bench-password")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        address = f"{base}/admin/briefs/issue/{issue}/change/"
        page.goto(address)  # a first visit fills the browser's cache, as an editor's has been
        for _round in range(rounds):
            started = time.perf_counter()
            page.goto(address, wait_until="load")
            page.evaluate(IDLE)
            opened.append(time.perf_counter() - started)
        for _round in range(rounds):
            answer = {}
            started = time.perf_counter()
            page.once("response", lambda _response, answer=answer: answer.setdefault("at", time.perf_counter()))
            page.click("input[name=_continue]")
            page.wait_for_load_state("load")
            page.evaluate(IDLE)
            reopened.append(time.perf_counter() - started)
            saved.append(answer["at"] - started)
            if not page.locator(".messagelist .success").count():
                raise SystemExit("the save was refused: " + page.locator(".errornote, .errorlist").first.inner_text())
        browser.close()
    return opened, saved, reopened


if __name__ == "__main__":
    sys.exit(main())
