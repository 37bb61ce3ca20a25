"""The editor's side of issue 15's speed goals, in-process on a scratch SQLite demo site.

Saves No. 6 through the admin as an editor does (the change form read back and
posted) with no change to publish, then makes a change and publishes it, and
prints the median time and the queries of each. The PDF that follows is the
worker's (not run here): nothing is built in these requests.

    DEBUG=1 .venv/bin/python scripts/bench_admin.py [--rounds 21]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = Path(tempfile.mkdtemp(prefix="eucacis-bench-admin-"))
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
os.environ.update(MEDIA_ROOT=str(work / "media"), PDF_ROOT=str(work / "pdfs"), PHOTO_ORIGINALS_ROOT=str(work / "orig"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eucacis.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from briefs.models import Issue  # noqa: E402
from tests.http_helpers import Form  # noqa: E402


def fields_of(html):
    form = Form("issue_form")
    form.feed(html)
    return form.fields


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.create_superuser("bench", "bench@example.org", "a-long-bench-password"))
    issue = Issue.objects.get(series__slug="eucacis-in-brief", number=6)
    change = f"/admin/briefs/issue/{issue.pk}/change/"
    saves, publishes = [], []
    for round_ in range(args.rounds + 1):  # the first round warms the process
        fields = fields_of(client.get(change).content.decode())
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(change, _multi(fields) | {"_continue": "1"}, follow=False)
            elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        if round_:
            saves.append((elapsed, len(queries)))
        fields = fields_of(client.get(change).content.decode())
        edited = [
            (n, f"Recent changes in the Kazakh-Uzbek relations (edit {round_})" if n == "title" else v)
            for n, v in fields
        ]
        response = client.post(change, _multi(edited) | {"_continue": "1"})
        assert response.status_code == 302, response.content.decode()[:2000]
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(
                "/admin/briefs/issue/step/publish_change/",
                {"csrfmiddlewaretoken": token, "ids": str(issue.pk), "comment": f"Title corrected ({round_})."},
            )  # answered with a redirect to the list, which is not part of the publication

            elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert Issue.objects.get(pk=issue.pk).title.endswith(f"(edit {round_})"), "the change was not published"
        if round_:
            publishes.append((elapsed, len(queries)))
    for name, runs, goal in (
        ("save, nothing to publish", saves, "300 ms, 40 queries"),
        ("publish a change", publishes, "500 ms"),
    ):
        times = sorted(t for t, _ in runs)
        print(
            f"{name:26} median {statistics.median(times) * 1000:6.0f} ms (min {times[0] * 1000:.0f}, "
            f"max {times[-1] * 1000:.0f}), queries {statistics.median(q for _, q in runs):.0f}   goal {goal}"
        )


def _multi(fields):
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


if __name__ == "__main__":
    main()
