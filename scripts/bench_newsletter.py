"""The newsletter's speed goal: 10,000 subscribers mailed through a local SMTP server, readers' pages unslowed.

Makes a scratch PostgreSQL database (dropped afterwards) with the demo and 10,000
confirmed subscribers, and runs what production runs: gunicorn (2 workers, DEBUG
off, the page cache in Redis), one background worker (``manage.py jobs_worker``)
and a real SMTP server (aiosmtpd, tests/smtp_server.py) in processes of their own.
Then it publishes an issue and measures:

* the mailing: from the publication's commit to the last mail the SMTP server
  accepted, the rate, and that every address got exactly one mail;
* readers' pages: No. 6's page (from the page cache) asked by one reader after
  another (wrk, 1 connection), before the mailing and while it runs.

The worker and the SMTP server run with ``nice -n 10``, as docs/operations.md asks of
the worker in production.

    .venv/bin/python scripts/bench_newsletter.py [--server postgres://root@127.0.0.1:5432] [--subscribers 10000]
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench import PY, free_port, redis_for_bench, start_gunicorn, wait_for, wrk  # noqa: E402

SETUP = """
from django.utils import timezone
from newsletter.models import Subscriber, Subscription
made = Subscriber.objects.bulk_create(
    (Subscriber(email=f"reader{{n}}@example.org") for n in range({count})), batch_size=2000
)
Subscription.objects.bulk_create(
    (Subscription(subscriber=s, scope="all", consent_wording="bench", confirmed_at=timezone.now()) for s in made),
    batch_size=2000,
)
"""

PUBLISH = """
import time
from briefs.models import Issue
from briefs.workflow import apply_transition
from tests.conftest import make_interview
issue = make_interview(status=Issue.Status.APPROVED, public_from=None, questions=4, footnotes=3)
apply_transition(issue, "publish", by=None, check_permission=False)
print(time.time())
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgres://root@127.0.0.1:5432", help="a PostgreSQL server (trust auth)")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5, help="length of each readers' measurement")
    args = parser.parse_args()

    database = f"eucacis_bench_newsletter_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="eucacis-bench-newsletter-"))
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    smtp_port, site_port = free_port(), free_port()
    redis_url, redis_server = redis_for_bench(work)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{args.server}/{database}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "PDF_ROOT": str(work / "pdfs"),
        "PHOTO_ORIGINALS_ROOT": str(work / "photo-originals"),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "SITE_URL": f"http://127.0.0.1:{site_port}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    manage = lambda *a, debug=False: subprocess.run(  # noqa: E731
        [PY, "manage.py", *a], cwd=ROOT, env=env | ({"DEBUG": "1"} if debug else {}), check=True, capture_output=True
    )
    processes = []
    try:
        manage("migrate", "--noinput")
        manage("load_demo", debug=True)
        manage("build_pdfs")
        manage("collectstatic", "--noinput")
        report = work / "smtp.json"
        # The mail server stands for another machine's, and the worker runs below the web workers' priority, as
        # docs/operations.md asks (systemd's Nice=10): both yield the two cores to readers' requests.
        processes.append(
            subprocess.Popen(
                ["nice", "-n", "10", PY, "-m", "tests.smtp_server", str(smtp_port), str(report)], cwd=ROOT, env=env
            )
        )
        processes.append(
            subprocess.Popen(["nice", "-n", "10", PY, "manage.py", "jobs_worker", "-v0"], cwd=ROOT, env=env)
        )
        # The worker does the demo's own jobs first (No. 6's announcement, to nobody yet).
        with psycopg.connect(f"{args.server}/{database}", autocommit=True) as db:
            while db.execute(
                "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()[0]:
                time.sleep(0.2)
        manage("shell", "--no-imports", "-c", SETUP.format(count=args.subscribers), debug=True)
        processes.append(start_gunicorn(env, site_port))
        base = f"http://127.0.0.1:{site_port}"
        wait_for(base)
        page = (
            base
            + "/series/eucacis-in-brief/6/recent-changes-in-the-kazakh-uzbek-relations-interview-with-erkin-baydarov/"
        )
        wrk(page, 2, 1)  # fills the page cache
        before = wrk(page, args.seconds, 1)
        published_at = float(manage("shell", "--no-imports", "-c", PUBLISH, debug=True).stdout.split()[-1])
        during = wrk(page, args.seconds, 1)
        deadline = time.time() + 600
        state = {}
        while time.time() < deadline:
            state = json.loads(report.read_text()) if report.exists() else {}
            if state.get("mails", 0) >= args.subscribers:
                break
            time.sleep(0.5)
        time.sleep(2)  # any mail sent twice would arrive now
        state = json.loads(report.read_text())
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        if redis_server:
            redis_server.terminate()
        with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    elapsed = state["last"] - published_at
    print(
        f"{state['mails']} mails to {state['recipients']} distinct addresses ({args.subscribers} subscribers); "
        f"first accepted {state['first'] - published_at:.2f} s after the publication's commit, the last "
        f"{elapsed:.1f} s after it: {state['mails'] / elapsed:.0f} mails/s"
    )
    print(
        "No. 6's page from the cache, one reader after another: "
        f"before {before[0]:.0f} req/s, median {before[1]:.2f} ms, p99 {before[2]:.2f} ms; "
        f"while mailing {during[0]:.0f} req/s, median {during[1]:.2f} ms, p99 {during[2]:.2f} ms"
    )
    if state["mails"] != args.subscribers or state["recipients"] != args.subscribers:
        raise SystemExit("not every subscriber got exactly one mail")


if __name__ == "__main__":
    main()
