"""Load test: 200 connections for 60 s on the issue page, the archive and the fellows
directory, while an editor saves the issue through the admin every second.

Serves a scratch copy of the demo site with gunicorn (DEBUG off, the page cache in
Redis) on PostgreSQL when one answers (or DATABASE_URL names one), else SQLite.
Prints wrk's totals, errors and latency percentiles, and the editor's saves.
Target: 0 errors.

Usage: .venv/bin/python scripts/load.py [--connections 200] [--seconds 60] [--workers 2]
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable

from scripts.bench import free_port, redis_for_bench, wait_for  # noqa: E402
from tests.http_helpers import Browser, Form  # noqa: E402

MIX = """
paths = {"/series/eucacis-in-brief/6/ISSUE_SLUG/", "/issues/", "/fellows/"}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


def database(work):
    """A scratch database URL, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", 5432)) == 0:
                url = "postgres://postgres@127.0.0.1:5432/postgres"
    if url.startswith("postgres"):
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = f"load_{secrets.token_hex(4)}"
        admin = psycopg.connect(url, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        return parts._replace(path=f"/{name}").geturl(), lambda: admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    return f"sqlite:///{work / 'load.sqlite3'}", lambda: None


def editor_saves(base, stop, results):
    """Log in and, once a second, save No. 6 through the admin and publish the change; record each round's time and outcome."""
    editor = Browser()
    _status, login = editor.get(f"{base}/admin/login/")
    form = Form("login-form")
    form.feed(login)
    editor.post(
        f"{base}/admin/login/?next=/admin/",
        dict(form.fields) | {"username": "editor", "password": "a-long-load-password"},
    )
    _status, issues = editor.get(f"{base}/admin/briefs/issue/")
    path = re.search(r'href="(/admin/briefs/issue/\d+/change/)', issues).group(1)
    count = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            _status, page = editor.get(f"{base}{path}")
            form = Form("issue_form")
            form.feed(page)
            count += 1
            fields = [
                [n, f"Recent changes in the Kazakh-Uzbek relations (edit {count})" if n == "title" else v]
                for n, v in form.fields
            ]
            status, saved = editor.post(f"{base}{path}", fields)
            ok = status == 200 and "errorlist" not in saved and "saved as a prepared change" in saved
            if ok:
                # No. 6 is public, so the save prepared a change: publish it, so that readers
                # get a new version every second, as a correction (the title changed).
                token = dict(form.fields)["csrfmiddlewaretoken"]
                issue_id = re.search(r"/issue/(\d+)/change/", path).group(1)
                status, saved = editor.post(
                    f"{base}/admin/briefs/issue/step/publish_change/",
                    {"csrfmiddlewaretoken": token, "ids": issue_id, "comment": f"Title changed (edit {count})."},
                )
                ok = status == 200 and "Publish the prepared change: done" in saved
            results.append((time.perf_counter() - started, ok, "" if ok else saved[:300]))
        except Exception as error:  # noqa: BLE001 - reported below
            results.append((time.perf_counter() - started, False, repr(error)))
        stop.wait(max(0.0, 1.0 - (time.perf_counter() - started)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eucacis-load-"))
    database_url, drop = database(work)
    redis_url, redis_server = redis_for_bench(work)
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"load-{secrets.token_hex(4)}",
        "STATIC_ROOT": str(work / "static"),
        "STATIC_COMPRESS": "0",
        "MEDIA_ROOT": str(work / "media"),
        "PDF_ROOT": str(work / "pdfs"),
        "DJANGO_SUPERUSER_PASSWORD": "a-long-load-password",
    }
    server = None
    try:
        for command in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
            ["load_demo"],
            ["createsuperuser", "--noinput", "--username", "editor", "--email", "e@example.org"],
        ):
            # The demo app (load_demo) is installed only with DEBUG: the content is loaded so, and served without.
            subprocess.run(
                [PY, "manage.py", *command],
                cwd=ROOT,
                env=env | {"DEBUG": "1"} if command == ["load_demo"] else env,
                check=True,
                capture_output=True,
            )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "eucacis.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        wait_for(base)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/series/eucacis-in-brief/6/")
        issue_path = connection.getresponse().getheader("Location")  # the short address redirects to the page
        script = work / "mix.lua"
        script.write_text(MIX.replace("/series/eucacis-in-brief/6/ISSUE_SLUG/", issue_path))
        stop, saves = threading.Event(), []
        editor = threading.Thread(target=editor_saves, args=(base, stop, saves))
        editor.start()
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        stop.set()
        editor.join(timeout=30)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if redis_server is not None:
            redis_server.terminate()
        drop()
        shutil.rmtree(work, ignore_errors=True)

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0) + (
        int(non_2xx.group(1)) if non_2xx else 0
    )
    latency = {p: re.search(rf"^\s+{p}%\s+(\S+)", out, re.M).group(1) for p in ("50", "90", "99")}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    print(
        f"gunicorn {args.workers} workers, DEBUG off, {database_url.split(':')[0]}, page cache in Redis; "
        f"wrk {args.connections} connections for {args.seconds} s on the issue page, the archive and the directory"
    )
    print(
        f"requests: {requests} ({rps} req/s); errors: {errors}"
        + (f" ({socket_errors.group(0)})" if socket_errors else "")
        + (f" ({non_2xx.group(0)})" if non_2xx else "")
    )
    print(f"latency: median {latency['50']}, p90 {latency['90']}, p99 {latency['99']}")
    failed = [s for s in saves if not s[1]]
    times = [s[0] for s in saves]
    print(
        f"editor: {len(saves)} saves, {len(failed)} failed; save time median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s"
        if saves
        else "editor: no saves"
    )
    for _time, _ok, why in failed[:3]:
        print(f"  failed save: {why}")
    if errors or failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
