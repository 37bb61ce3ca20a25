"""Search at scale: 10,000 generated issues in a scratch test database, searched through the real view.

Generates the issues with ``generate_issues`` (which indexes them), then prints,
for a few typical queries, how many issues match, the page's number of queries
and the median time of the whole request through Django's test client (the
page cache off, so every request searches and renders), and on PostgreSQL the
plan of the commonest query. Goal: a median under 50 ms on PostgreSQL.

Usage: DATABASE_URL=postgres://… .venv/bin/python scripts/bench_search.py   (PostgreSQL)
       .venv/bin/python scripts/bench_search.py                           (SQLite)
       ISSUES=1000 … for a quicker run.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eucacis.settings")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import get_runner, override_settings  # noqa: E402

ISSUES = int(os.environ.get("ISSUES", 10_000))
RUNS = 21
GOAL_MS = 50

QUERIES = [
    ("a common word", {"q": "cooperation"}),
    ("the same, page 100", {"q": "cooperation", "page": "100"}),
    ("two words", {"q": "hydropower drought"}),
    ("a phrase", {"q": '"water energy"'}),
    ("a name, accents folded", {"q": "Muller"}),
    ("a rare word", {"q": "brief 4321"}),
    ("no match", {"q": "Dostyk"}),
    ("a hostile query", {"q": "'; DROP TABLE -- %_\\ " + "x" * 300}),
]


def measure(client, params):
    client.get("/search/", params)  # warm
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        response = client.get("/search/", params)
    assert response.status_code == 200, (params, response.status_code)
    status = re.search(r'role="status">(.*?)</p>', response.content.decode(), re.S).group(1)
    matches = status.split()[0] if status[0].isdigit() else "0"
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get("/search/", params)
        times.append((time.perf_counter() - started) * 1000)
    return matches, len(queries), statistics.median(times)


def plan(query_text):
    from search.index import prefer_the_index, search_issues
    from search.text import clean_query

    if connection.vendor != "postgresql":
        return None
    with prefer_the_index():  # as the view asks it
        return search_issues(clean_query(query_text))[:12].explain(analyze=True)


def main():
    from demo.generate import generate_issues
    from search.models import IssueSearch

    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()  # a test database: a real DATABASE_URL is never touched
    try:
        with override_settings(PAGE_CACHE_ENABLED=False, ALLOWED_HOSTS=["testserver"]):
            started = time.perf_counter()
            generate_issues(ISSUES, seed=10)
            with connection.cursor() as cursor:
                # As autovacuum leaves a site between writes: dead rows gone, visibility known.
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(
                f"{connection.vendor}: generated and indexed {ISSUES} issues ({IssueSearch.objects.count()} index rows) "
                f"in {time.perf_counter() - started:.1f} s; median of {RUNS} requests each, page cache off"
            )
            client = Client()
            print(f"{'query':26}{'matches':>9}{'queries':>9}{'median ms':>11}")
            medians = []
            for name, params in QUERIES:
                matches, count, ms = measure(client, params)
                medians.append(ms)
                flag = "" if ms < GOAL_MS else f"   over the {GOAL_MS} ms goal"
                print(f"{name:26}{matches:>9}{count:>9}{ms:>11.1f}{flag}")
            print(f"median over these queries: {statistics.median(medians):.1f} ms")
            explained = plan("cooperation")
            if explained:
                print("plan of the page query for “cooperation”:\n  " + explained.replace("\n", "\n  "))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
