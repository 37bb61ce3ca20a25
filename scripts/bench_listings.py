"""Listing pages at scale: 10,000 issues and 5,000 fellowships, on a scratch test database.

Prints, for each listing page, the number of queries and the median time of
rendering it (the page cache off, so every request renders), and on PostgreSQL
whether the archive's query walks its index instead of sorting the table.

Usage: .venv/bin/python scripts/bench_listings.py           (SQLite)
       DATABASE_URL=postgres://… .venv/bin/python scripts/bench_listings.py
"""

import datetime
import os
import random
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
from django.test.utils import CaptureQueriesContext, get_runner, override_settings  # noqa: E402

ISSUES, FELLOWSHIPS, PEOPLE, RUNS = 10_000, 5_000, 3_000, 15
GOAL_MS = 20


def generate():
    from briefs.models import Contribution, Issue, Series
    from people.models import Fellowship, Person, Programme

    rng = random.Random(6)
    programme = Programme.objects.create(name="Programme", short_name="P", slug="p")
    series = [Series.objects.create(name=f"Series {k}", slug=f"series-{k}", programme=programme) for k in range(3)]
    people = Person.objects.bulk_create(
        Person(given_name=f"Given{k}", family_name=f"Family{k}", slug=f"person-{k}", biography="<p>Bio.</p>" * 20)
        for k in range(PEOPLE)
    )
    start = datetime.date(1995, 1, 1)
    issues = Issue.objects.bulk_create(
        Issue(
            series=series[k % 3],
            number=k // 3 + 1,
            title=f"Generated issue {k}",
            slug=f"generated-issue-{k}",
            kind="article",
            publication_date=start + datetime.timedelta(days=k),
            status="published",
            introduction="<p>Introduction text.</p>" * 40,
            body="<p>Body text.</p>" * 400,
        )
        for k in range(ISSUES)
    )
    prolific = people[0]
    Contribution.objects.bulk_create(
        Contribution(
            issue=issue,
            person=prolific if k % 20 == 0 else rng.choice(people),
            role="author",
            printed_biography="<p>Bio.</p>" * 20,
        )
        for k, issue in enumerate(issues)
    )
    countries = ["KZ", "UZ", "KG", "TJ", "GE", "AM", "AZ", "AF"]
    Fellowship.objects.bulk_create(
        Fellowship(
            person=people[k % PEOPLE],
            programme=programme,
            start_year=1990 + (k // PEOPLE) * 3 + k % 25,
            end_year=1992 + (k // PEOPLE) * 3 + k % 25,
            country=countries[k % 8],
            home_institution=f"University {k % 40}",
            **({"listed_publicly": True} if hasattr(Fellowship, "listed_publicly") else {}),
        )
        for k in range(FELLOWSHIPS)
    )
    return series[0], prolific


def measure(client, url):
    client.get(url)  # warm
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return len(queries.captured_queries), statistics.median(times)


def archive_plan():
    from briefs.models import Issue

    if connection.vendor != "postgresql":
        return None
    query = Issue.objects.published().newest_first().for_listing()[:12]
    return query.explain()


def main():
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()  # a test database: a real DATABASE_URL is never touched
    try:
        with override_settings(PAGE_CACHE_ENABLED=False, ALLOWED_HOSTS=["testserver"]):
            started = time.perf_counter()
            series, prolific = generate()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            print(
                f"{connection.vendor}: generated {ISSUES} issues, {FELLOWSHIPS} fellowships in "
                f"{time.perf_counter() - started:.1f} s; medians of {RUNS} renders, page cache off"
            )
            client = Client()
            pages = [
                ("home", "/"),
                ("archive, page 1", "/issues/"),
                ("archive, page 300", "/issues/?page=300"),
                ("archive, last page", f"/issues/?page={-(-ISSUES // 12)}"),
                ("series, page 1", series.get_absolute_url()),
                ("series, page 250", series.get_absolute_url() + "?page=250"),
                ("fellows, page 1", "/fellows/"),
                ("fellows, last page", f"/fellows/?page={-(-FELLOWSHIPS // 50)}"),
                ("fellows, filtered", "/fellows/?country=KZ&status=alumni"),
                ("person, 500 issues", prolific.get_absolute_url()),
                ("person, page 20", prolific.get_absolute_url() + "?page=20"),
            ]
            print(f"{'page':22}{'queries':>9}{'median ms':>11}")
            for name, url in pages:
                count, ms = measure(client, url)
                flag = "" if ms < GOAL_MS else f"   over the {GOAL_MS} ms goal"
                print(f"{name:22}{count:>9}{ms:>11.1f}{flag}")
            plan = archive_plan()
            if plan is not None:
                walks = "issue_archive_order" in plan and "Sort" not in plan.split("Index")[0]
                print(f"archive query on PostgreSQL walks the index issue_archive_order: {'yes' if walks else 'NO'}")
                print("  " + plan.replace("\n", "\n  "))
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
