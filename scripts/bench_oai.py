"""OAI-PMH's speed goal: each answer under 100 ms, in a fixed number of queries, at 10,000 issues.

Makes a scratch PostgreSQL database (dropped afterwards), loads the demo and
10,000 generated issues, then asks each verb through Django's WSGI handler
in-process (no network) and prints the median time and the queries of each:
the first page of a list, a page in its middle and its last page (reached
through the resumption tokens, as a harvester does), a set, a date range.

    DEBUG=1 .venv/bin/python scripts/bench_oai.py [--server postgres://root@127.0.0.1:5432] [--rounds 15]
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
parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--server", default="postgres://root@127.0.0.1:5432", help="a PostgreSQL server (trust auth)")
parser.add_argument("--rounds", type=int, default=15)
parser.add_argument("--issues", type=int, default=10_000)
args = parser.parse_args()

DATABASE = f"eucacis_bench_oai_{os.getpid()}"
work = Path(tempfile.mkdtemp(prefix="eucacis-bench-oai-"))
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = f"{args.server}/{DATABASE}"
os.environ.update(MEDIA_ROOT=str(work / "media"), PDF_ROOT=str(work / "pdfs"), PHOTO_ORIGINALS_ROOT=str(work / "orig"))
# Nothing runs the jobs a write asks for (PDFs, the search index): the endpoint reads neither.
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eucacis.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from lxml import etree  # noqa: E402

OAI = {"o": "http://www.openarchives.org/OAI/2.0/"}


def admin(sql):
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as server:
        server.execute(sql)


def token_of(content):
    return etree.fromstring(content).xpath("string(//o:resumptionToken)", namespaces=OAI)


def measure(client, label, arguments):
    times, counts = [], set()
    for round_ in range(args.rounds + 1):  # the first round warms the process
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/oai/", arguments)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200 and b"<error" not in response.content, response.content[:500]
        if round_:
            times.append(elapsed)
            counts.add(len(queries))
    records = response.content.count(b"<header")
    print(
        f"{label:<44} {statistics.median(times) * 1000:7.1f} ms (max {max(times) * 1000:6.1f})"
        f"  {'/'.join(map(str, sorted(counts)))} queries  {records:>3} records  {len(response.content) // 1024:>4} KB"
    )
    return response


def tokens_for(client, arguments, pages):
    """The resumption tokens of ``arguments``' list, for pages 2 to ``pages``."""
    found, response = [], client.get("/oai/", arguments)
    for _ in range(pages - 1):
        token = token_of(response.content)
        if not token:
            break
        found.append(token)
        response = client.get("/oai/", {"verb": arguments["verb"], "resumptionToken": token})
    return found


def main():
    admin(f'CREATE DATABASE "{DATABASE}"')
    try:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))
        from demo.generate import _generate, generated_series

        started = time.perf_counter()
        with transaction.atomic():
            ids = _generate(args.issues, series=generated_series(), seed=1, people=None)
        # Public by now whatever today is: the generator spreads publication up to 2026.
        from briefs.models import Issue

        Issue.objects.filter(pk__in=ids).update(public_from=Issue.objects.get(pk=ids[0]).created_at)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"{args.issues} issues generated in {time.perf_counter() - started:.1f} s; PostgreSQL {connection.pg_version}"
        )
        client = Client(HTTP_HOST="127.0.0.1")
        six = Issue.objects.get(series__slug="eucacis-in-brief", number=6)
        from oai.records import identifier_of

        measure(client, "Identify", {"verb": "Identify"})
        measure(client, "ListMetadataFormats", {"verb": "ListMetadataFormats"})
        measure(client, "ListSets", {"verb": "ListSets"})
        measure(
            client,
            "GetRecord (No. 6)",
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": identifier_of(six.pk)},
        )
        pages = args.issues // 100 + 1
        for verb in ("ListIdentifiers", "ListRecords"):
            first = {"verb": verb, "metadataPrefix": "oai_dc"}
            tokens = tokens_for(client, first, pages)
            measure(client, f"{verb}, page 1 of {pages}", first)
            measure(
                client,
                f"{verb}, page {len(tokens) // 2 + 2} (token)",
                {"verb": verb, "resumptionToken": tokens[len(tokens) // 2]},
            )
            measure(
                client, f"{verb}, page {len(tokens) + 1} (token, last)", {"verb": verb, "resumptionToken": tokens[-1]}
            )
        measure(
            client,
            "ListRecords, set=topic:security",
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "topic:security"},
        )
        measure(
            client,
            "ListRecords, set=kind:interview",
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "kind:interview"},
        )
        measure(
            client,
            "ListRecords, from=2000-01-01",
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2000-01-01"},
        )
    finally:
        connections.close_all()
        admin(f'DROP DATABASE IF EXISTS "{DATABASE}"')


if __name__ == "__main__":
    main()
