"""A real worker process (``manage.py jobs_worker``) killed with SIGKILL mid-build: the next worker finishes the job.

The worker and the setup run as subprocesses, as a deployment would run them,
against a database of their own: a SQLite file (which every subprocess can
open), or, when the suite runs on PostgreSQL, a throwaway PostgreSQL database on
the same server (so the builds' advisory locks are exercised too).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from printing.models import IssuePdf

ROOT = Path(__file__).resolve().parents[2]
JOBS = DBTaskResult._meta.db_table
PDFS = IssuePdf._meta.db_table

SETUP = """
from jobs.queue import one_job_per_issue
from tests.conftest import make_interview
with one_job_per_issue():
    big = make_interview(questions=40, footnotes=60, authors=3)
    small = make_interview(big.series, questions=2)
print(big.pk, small.pk)
"""

EDIT = """
import os, signal, time
from jobs.queue import one_job_per_issue
from briefs.models import Issue
with one_job_per_issue():
    issue = Issue.objects.get(pk={pk})
    issue.title = "Published again"
    issue.save()
print(time.time(), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the web process dies the instant after the commit
"""


class Database:
    """The subprocesses' database, and a connection of the test's own to watch it."""

    def __init__(self, tmp_path):
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            params = connection.settings_dict
            self.name = f"{params['NAME']}_worker"[:60]
            self.server = {
                "host": params["HOST"] or "127.0.0.1",
                "port": params["PORT"] or 5432,
                "user": params["USER"],
                "password": params["PASSWORD"],
            }
            with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
            password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
            self.url = f"postgres://{params['USER']}{password}@{self.server['host']}:{self.server['port']}/{self.name}"
        else:
            self.path = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.path}"
        self._conn = None

    def one(self, sql, params=()):
        if self._conn is None:
            if self.postgres:
                self._conn = psycopg.connect(dbname=self.name, autocommit=True, **self.server)
            else:
                self._conn = sqlite3.connect(self.path, timeout=20)
        if self.postgres:
            sql = sql.replace("?", "%s")
            params = [str(p) if not isinstance(p, str) else p for p in params]
        return self._conn.execute(sql, params).fetchone()

    def drop(self):
        if self._conn is not None:
            self._conn.close()
        if self.postgres:
            with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def site(tmp_path):
    db = Database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "PDF_ROOT": str(tmp_path / "pdfs"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "JOBS_HEARTBEAT_SECONDS": "0.5",
        "JOBS_WORKER_LOST_AFTER": "2",
        "JOBS_POLL_SECONDS": "0.1",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    workers = []

    def run(*args, check=True):
        return subprocess.run(
            [*manage, *args], env=env, cwd=ROOT, check=check, timeout=300, capture_output=True, text=True
        )

    def start_worker():
        worker = subprocess.Popen([*manage, "jobs_worker", "-v0"], env=env, cwd=ROOT)
        workers.append(worker)
        return worker

    try:
        run("migrate", "--noinput", "-v0")
        yield run, start_worker, db, tmp_path / "pdfs"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait(timeout=30)
        db.drop()


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


def test_a_worker_killed_mid_build_leaves_the_job_to_the_next_worker_which_finishes_it(site):
    run, start_worker, db, pdf_root = site
    big, small = (int(n) for n in run("shell", "-c", SETUP).stdout.strip().splitlines()[-1].split())
    job = lambda: db.one(  # noqa: E731
        f"SELECT status, CAST(worker_ids AS TEXT) FROM {JOBS} WHERE task_path = ? AND CAST(args_kwargs AS TEXT) LIKE ?",
        ["printing.pdf_files.build_issue_pdf", f"%[{big}]%"],
    )
    built = lambda pk: db.one(f"SELECT file, version FROM {PDFS} WHERE issue_id = ? AND file != ''", [pk])  # noqa: E731

    first = start_worker()
    wait_for(lambda: job() and job()[0] == "RUNNING", 120)
    time.sleep(0.3)  # into the build (the 40-question issue takes seconds)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert job()[0] == "RUNNING" and built(big) is None, "killed mid-build: nothing stored"
    leftovers = [p for p in pdf_root.rglob("*.pdf")] if pdf_root.exists() else []
    assert all(built(small) and p.name in built(small)[0] for p in leftovers), (
        f"no partial file of the big issue: {leftovers}"
    )

    second = start_worker()
    wait_for(lambda: built(big) and job()[0] == "SUCCESSFUL", 240)
    status, worker_ids = job()
    assert status == "SUCCESSFUL" and worker_ids.count(",") == 1, f"run again by a second worker: {worker_ids}"
    assert second.poll() is None

    # The PDF follows a publication within seconds of its commit, even if the process that
    # committed it is killed the instant after: the job was written in the same transaction.
    wait_for(lambda: built(small), 120)  # its first build, queued with the setup, is done
    before = built(small)
    edit = run("shell", "-c", EDIT.format(pk=small), check=False)
    assert edit.returncode == -signal.SIGKILL
    committed_at = float(edit.stdout.strip().splitlines()[-1])
    wait_for(lambda: built(small) != before, 30)
    delay = time.time() - committed_at
    build_seconds = db.one(f"SELECT build_seconds FROM {PDFS} WHERE issue_id = ?", [small])[0]
    print(f"PDF of a 2-question issue stored {delay:.2f} s after the commit (its build: {build_seconds:.2f} s)")
    # The goal is 2 s (0.1-1.4 s measured); a loaded shared test machine gets slack, the figure is printed.
    assert delay < 10, f"the PDF came {delay:.1f} s after the commit"

    second.send_signal(signal.SIGTERM)  # stops cleanly
    assert second.wait(timeout=30) == 0
