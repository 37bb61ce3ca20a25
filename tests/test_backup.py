"""Backup and restore, with the commands docs/operations.md gives: No. 6 comes back intact.

A scratch copy of the demo site is backed up (SQLite's ``.backup``, or
``pg_dump`` in the PostgreSQL run), restored into a fresh database, and No. 6's
issue document, the digest of everything a reader sees of it, is compared.
"""

import os
import secrets
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = (
    "from briefs.document import issue_document; from briefs.models import Issue; "
    "issue = Issue.objects.select_related('series__programme').get(series__slug='eucacis-in-brief', number=6); "
    "d = issue_document(issue); print(d.version, len(d.questions), len(d.notes), d.imprint.issn)"
)

pytestmark = pytest.mark.django_db


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _env(tmp_path, database_url):
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PDF_ROOT": str(tmp_path / "pdfs"),
    }


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, result.stderr
    return result


def test_a_sqlite_backup_restored_into_a_fresh_file_has_no6_intact(tmp_path):
    if not shutil.which("sqlite3"):
        pytest.skip("the sqlite3 command is not installed (apt-get install sqlite3)")
    live, backup, restored = tmp_path / "db.sqlite3", tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    env = _env(tmp_path, f"sqlite:///{live}")
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_demo")
    original = _manage(env, "shell", "--no-imports", "-c", DOCUMENT)
    _run(["sqlite3", str(live), f".backup '{backup}'"])  # the operations guide's command, safe while the site runs
    shutil.copy(backup, restored)
    assert _manage(_env(tmp_path, f"sqlite:///{restored}"), "shell", "--no-imports", "-c", DOCUMENT) == original
    assert original.split()[1:] == ["4", "4", "2627-7190"]


def test_a_pg_dump_restored_into_a_fresh_database_has_no6_intact(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of the suite")
    import psycopg

    config = connection.settings_dict
    host, port = config["HOST"] or "127.0.0.1", str(config["PORT"] or 5432)
    user = config["USER"] or ""
    live, restored = f"backup_{secrets.token_hex(4)}", f"restored_{secrets.token_hex(4)}"
    dsn = dict(host=host, port=port, user=user, password=config["PASSWORD"], dbname=config["NAME"], autocommit=True)
    url = lambda name: f"postgres://{urllib.parse.quote(user)}@{host}:{port}/{name}"  # noqa: E731
    pg_env = {**os.environ, "PGPASSWORD": config["PASSWORD"] or ""}
    with psycopg.connect(**dsn) as db:
        db.execute(f'CREATE DATABASE "{live}"')
        db.execute(f'CREATE DATABASE "{restored}"')
    try:
        env = _env(tmp_path, url(live))
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo")
        original = _manage(env, "shell", "--no-imports", "-c", DOCUMENT)
        dump = tmp_path / "eucacis.dump"
        _run(["pg_dump", "--format=custom", f"--file={dump}", url(live)], env=pg_env)
        _run(["pg_restore", "--no-owner", f"--dbname={url(restored)}", str(dump)], env=pg_env)
        assert _manage(_env(tmp_path, url(restored)), "shell", "--no-imports", "-c", DOCUMENT) == original
        assert original.split()[1:] == ["4", "4", "2627-7190"]
    finally:
        with psycopg.connect(**dsn) as db:
            for name in (live, restored):
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
