"""A site made before the apps were split migrates forward with nothing lost.

``tests/migration_data`` holds a database made on main at 66f9e81 (the last commit
before the split) with ``migrate`` and ``load_demo``, dumped by ``sqlite3 .dump`` and
by ``pg_dump``, and No. 6's issue document as that code built it from that database
(``no6-document.json``, printed by ``dump_document.py``). Today's code migrates the
database and must build exactly the same document from it.
"""

import gzip
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "migration_data"
BEFORE = "main-66f9e81"
AFTER = (
    "from django.contrib.contenttypes.models import ContentType as C; from django.contrib.auth.models import Permission as P; "
    "from printing.models import IssuePdf; from search.models import IssueSearch; "
    "print(sorted(f'{c.app_label}.{c.model}' for c in C.objects.filter(model__in=['issuepdf', 'issuesearch'])), "
    "IssuePdf.objects.count(), IssueSearch.objects.count(), P.objects.filter(content_type__app_label='printing').count())"
)

pytestmark = pytest.mark.django_db


def _manage(database_url, tmp_path, *args):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1", "DATABASE_URL": database_url, "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"), "PDF_ROOT": str(tmp_path / "pdfs"),
    }  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _migrates_and_keeps_no6(database_url, tmp_path):
    _manage(database_url, tmp_path, "migrate", "--noinput")
    script = (DATA / "dump_document.py").read_text()
    document = json.loads(_manage(database_url, tmp_path, "shell", "--no-imports", "-c", script))
    expected = json.loads((DATA / "no6-document.json").read_text())
    # What later issues added to the document, as a migrated series has it: issue 18's licence, none set,
    # and issue 19's DOI, none given (a series has no DOI prefix until an editor sets one).
    expected["imprint"] |= {"licence": "", "licence_url": ""}
    expected["doi"] = ""
    assert document == expected
    assert document["number"] == 6 and len(document["questions"]) == 4 and len(document["notes"]) == 4
    # The PDF's record and the search index came along with their apps, content types and permissions.
    moved = _manage(database_url, tmp_path, "shell", "--no-imports", "-c", AFTER)
    assert moved.strip() == "['printing.issuepdf', 'search.issuesearch'] 1 1 4"
    # Nothing is left for makemigrations to do, and the migrations can be shown in order.
    _manage(database_url, tmp_path, "makemigrations", "--check", "--dry-run")


def test_an_sqlite_site_made_before_the_split_migrates_with_no6_unchanged(tmp_path):
    database = tmp_path / "before.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript(gzip.decompress((DATA / f"{BEFORE}.sqlite.sql.gz").read_bytes()).decode())
    _migrates_and_keeps_no6(f"sqlite:///{database}", tmp_path)


def test_a_postgresql_site_made_before_the_split_migrates_with_no6_unchanged(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of the suite")
    import psycopg

    config = connection.settings_dict
    host, port, user = config["HOST"] or "127.0.0.1", str(config["PORT"] or 5432), config["USER"] or ""
    name = f"before_split_{secrets.token_hex(4)}"
    dsn = dict(host=host, port=port, user=user, password=config["PASSWORD"], dbname=config["NAME"], autocommit=True)
    url = f"postgres://{urllib.parse.quote(user)}@{host}:{port}/{name}"
    with psycopg.connect(**dsn) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        sql = gzip.decompress((DATA / f"{BEFORE}.postgres.sql.gz").read_bytes())
        loaded = subprocess.run(
            ["psql", "--quiet", "--set", "ON_ERROR_STOP=1", "--dbname", url],
            input=sql,
            capture_output=True,
            timeout=300,
            env={**os.environ, "PGPASSWORD": config["PASSWORD"] or ""},
        )
        assert loaded.returncode == 0, loaded.stderr.decode()
        _migrates_and_keeps_no6(url, tmp_path)
    finally:
        with psycopg.connect(**dsn) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
