"""Scale-out: two app servers share one PostgreSQL, one Redis and one S3, and keep no state of their own.

Two gunicorn instances on different ports serve a scratch copy of the demo site,
each with local folders of its own (``MEDIA_ROOT``, ``PDF_ROOT``,
``PHOTO_ORIGINALS_ROOT``), as two machines would have; their files are in one
S3 bucket (a SeaweedFS started for the tests, see tests/s3_server.py). An
editor's change saved through one is seen at once by a reader of the other, a
session started on one is valid on the other, and a photo uploaded through one
and the PDF built after it are served by both. Runs in the PostgreSQL run of the
suite, against the machine's PostgreSQL and Redis (a Redis is started when none
answers).
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.http_helpers import Browser, Form
from tests.people.test_photos import encoded, picture

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if _answers(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    if not shutil.which("redis-server"):
        pytest.skip("no Redis answers on 127.0.0.1:6379 and redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path_factory.mktemp("redis")),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if _answers(port):
            break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def start_pdf_builders(env, folders):
    """The one background worker both app servers share (``manage.py jobs_worker``): it builds the PDFs.

    It has local folders of its own, as on a third machine: what it builds reaches
    the servers through S3 only.
    """
    worker_env = env | {
        folder: str(folders / folder.lower()) for folder in ("MEDIA_ROOT", "PDF_ROOT", "PHOTO_ORIGINALS_ROOT")
    }
    return [subprocess.Popen([sys.executable, "manage.py", "jobs_worker"], cwd=ROOT, env=worker_env)]


@pytest.fixture
def scratch_site(redis_url, seaweedfs, tmp_path, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL run of the suite: two servers need one shared database")
    import psycopg

    config = connection.settings_dict
    name = f"scaleout_{secrets.token_hex(4)}"
    admin_dsn = dict(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname=config["NAME"],
        autocommit=True,
    )
    with psycopg.connect(**admin_dsn) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    user = urllib.parse.quote(config["USER"] or "")
    password = f":{urllib.parse.quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_COMPRESS": "0",
        "DATABASE_URL": f"postgres://{user}{password}@{admin_dsn['host']}:{admin_dsn['port']}/{name}",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": name,
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SUPERUSER_PASSWORD": "a-long-scale-out-password",
        **seaweedfs.environment(prefix=name),  # one bucket, this site's files under a prefix of their own
    }
    # Each server its own local folders, as on two machines: nothing may be shared through them.
    envs = [
        env
        | {
            folder: str(tmp_path / server / folder.lower())
            for folder in ("MEDIA_ROOT", "PDF_ROOT", "PHOTO_ORIGINALS_ROOT")
        }
        for server in ("a", "b")
    ]
    servers = []
    try:
        for command in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
            ["load_demo"],
            ["createsuperuser", "--noinput", "--username", "editor", "--email", "e@example.org"],
        ):
            # The demo app (load_demo) is installed only with DEBUG: the content is loaded so, and served without.
            run_env = envs[0] | {"DEBUG": "1"} if command == ["load_demo"] else envs[0]
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=run_env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        ports = [_free_port(), _free_port()]
        for port, server_env in zip(ports, envs):
            servers.append(
                subprocess.Popen(
                    [
                        str(GUNICORN),
                        "eucacis.wsgi",
                        "--workers",
                        "1",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--log-level",
                        "warning",
                    ],
                    cwd=ROOT,
                    env=server_env,
                )
            )
        servers += start_pdf_builders(env, tmp_path / "worker")
        for port in ports:
            for _ in range(100):
                if _answers(port):
                    break
                time.sleep(0.1)
        yield [f"http://127.0.0.1:{port}" for port in ports]
        # Nothing was written to the servers' own folders: every file is in S3.
        assert not [path for path in tmp_path.glob("[ab]/**/*") if path.is_file()]
        assert not [path for path in tmp_path.glob("worker/**/*") if path.is_file()]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        with psycopg.connect(**admin_dsn) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_edit_saved_through_one_server_is_seen_at_once_through_the_other(scratch_site):
    a, b = scratch_site
    issue_url = f"{b}/series/eucacis-in-brief/6/"
    reader = Browser()
    status, before = reader.get(issue_url)
    assert status == 200 and "Fabian Weber" in before
    reader.get(issue_url)  # now in the shared page cache

    editor = Browser()
    _status, login = editor.get(f"{a}/admin/login/")
    form = Form("login-form")
    form.feed(login)
    editor.post(
        f"{a}/admin/login/?next=/admin/",
        dict(form.fields) | {"username": "editor", "password": "a-long-scale-out-password"},
    )
    # The session started on A is valid on B: sessions live in the database.
    status, admin_on_b = editor.get(f"{b}/admin/")
    assert status == 200 and "Series, issues and people" in admin_on_b and 'id="login-form"' not in admin_on_b

    _status, people = editor.get(f"{a}/admin/people/person/?q=Weber")
    path = re.search(r'href="(/admin/people/person/\d+/change/)', people).group(1)
    _status, page = editor.get(f"{a}{path}")
    form = Form("person_form")
    form.feed(page)
    fields = [[name, "Weber-Lindqvist" if name == "family_name" else value] for name, value in form.fields]
    status, saved = editor.post(f"{a}{path}", fields)
    assert status == 200 and "errorlist" not in saved

    status, after = reader.get(issue_url)
    assert status == 200 and "Fabian Weber-Lindqvist" in after
    status, team = reader.get(f"{b}/series/eucacis-in-brief/team/")
    assert "Fabian Weber-Lindqvist" in team


def _sign_in(a):
    editor = Browser()
    _status, login = editor.get(f"{a}/admin/login/")
    form = Form("login-form")
    form.feed(login)
    editor.post(
        f"{a}/admin/login/?next=/admin/",
        dict(form.fields) | {"username": "editor", "password": "a-long-scale-out-password"},
    )
    return editor


def _served_by_both(url_path, servers, timeout=60):
    """The file at ``url_path`` as each server serves it, once both serve it (a bounded wait for the build)."""
    reader = Browser()
    deadline = time.monotonic() + timeout
    while True:
        answers = [reader.get_bytes(f"{server}{url_path}") for server in servers]
        if all(status == 200 for status, _data in answers) or time.monotonic() > deadline:
            return answers
        time.sleep(0.2)


def test_a_photo_uploaded_through_one_server_and_the_pdf_built_after_it_are_served_by_both(scratch_site):
    a, b = scratch_site
    editor = _sign_in(a)
    _status, people = editor.get(f"{a}/admin/people/person/?q=Weber")
    path = re.search(r'href="(/admin/people/person/\d+/change/)', people).group(1)
    _status, page = editor.get(f"{a}{path}")
    form = Form("person_form")
    form.feed(page)
    fields = [[name, "Weber-Lindqvist" if name == "family_name" else value] for name, value in form.fields]
    photo = encoded(picture((600, 750)), "JPEG")
    status, saved = editor.post_multipart(f"{a}{path}", fields, {"photo": ("portrait.jpg", photo, "image/jpeg")})
    assert status == 200 and "errorlist" not in saved

    # The photo: uploaded through A, on B's pages and served by both, byte for byte.
    _status, person_page = Browser().get(f"{b}/people/fabian-weber/")
    photo_path = re.search(r'<img[^>]+src="(/media/people/display/[^"]+\.jpg)"', person_page).group(1)
    (status_a, photo_a), (status_b, photo_b) = _served_by_both(photo_path, scratch_site)
    assert status_a == status_b == 200 and photo_a == photo_b and photo_a.startswith(b"\xff\xd8")

    # The PDF of No. 6, rebuilt for the new name, served by both: the same file.
    (status_a, pdf_a), (status_b, pdf_b) = _served_by_both("/series/eucacis-in-brief/6/pdf/", scratch_site)
    assert status_a == status_b == 200 and pdf_a == pdf_b and pdf_a.startswith(b"%PDF-")
    assert b"Weber-Lindqvist" in pdf_a or _pdf_text_has(pdf_a, "Weber-Lindqvist")


def _pdf_text_has(data, text):
    import io

    from pypdf import PdfReader

    return text in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
