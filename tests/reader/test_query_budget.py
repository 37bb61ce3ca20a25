"""Pages cost a fixed number of queries, whatever the size of the issue or archive."""

import datetime

import pytest
from django.urls import reverse

from briefs.models import Contribution, Place, Topic
from tests.conftest import (
    VERSION_QUERIES,
    make_about,
    make_fellowship,
    make_interview,
    make_issue,
    make_membership,
    make_person,
    make_series,
    settle_content_version,
)

pytestmark = pytest.mark.django_db

# The issue, its contributors, questions, notes, corrections, topics, places (one query each), and the
# series' front matter (about sections, team, the programme's organisers); and the content version.
ISSUE_PAGE_QUERIES = 10 + VERSION_QUERIES
LISTING_QUERIES = 3 + VERSION_QUERIES
#: The archive's filters: one count of each filter's choices (year, kind, topic, place, author).
FILTER_QUERIES = 5
#: The issue document, without the issue itself: what the issue page reads but the issue and the version.
DOCUMENT_QUERIES = ISSUE_PAGE_QUERIES - 1 - VERSION_QUERIES
#: The home page: the series; the latest issue and its document (kept per content version, and shared with
#: the issue's page); the cards with their contributors and topics; the topics and places with their counts.
HOME_QUERIES = 1 + 1 + DOCUMENT_QUERIES + 3 + 2 + VERSION_QUERIES
#: The same once the latest issue's document is kept (its page, or the home page, was read in this version).
HOME_QUERIES_DOCUMENT_KEPT = HOME_QUERIES - DOCUMENT_QUERIES


def _big_interview():
    series = make_series()
    for i in range(8):
        make_about(series, f"About {i}", order=i)
        make_membership(series, role=["publisher", "editor", "layout"][i % 3])
    issue = make_interview(series, questions=40, footnotes=60, authors=5)
    for _ in range(3):
        Contribution.objects.create(issue=issue, person=make_person(), role="interviewee", speaker_label="X")
    return issue


def test_the_issue_page_query_count_does_not_grow_with_its_size(client, django_assert_num_queries):
    small = make_interview(questions=1, footnotes=1)
    settle_content_version()
    with django_assert_num_queries(ISSUE_PAGE_QUERIES):
        assert client.get(small.get_absolute_url()).status_code == 200
    big = _big_interview()
    settle_content_version()
    with django_assert_num_queries(ISSUE_PAGE_QUERIES):
        response = client.get(big.get_absolute_url())
    assert response.content.decode().count('<li id="fn-') == 60


def test_the_archive_and_home_query_counts_do_not_grow_with_the_number_of_issues(client, django_assert_max_num_queries):
    series = make_series()
    for n in range(1, 40):
        issue = make_issue(series, number=n)
        for _ in range(3):
            Contribution.objects.create(issue=issue, person=make_person(), role="author")
    settle_content_version()
    with django_assert_max_num_queries(LISTING_QUERIES + FILTER_QUERIES):
        assert client.get(reverse("reader:archive")).status_code == 200
    with django_assert_max_num_queries(LISTING_QUERIES + FILTER_QUERIES):
        assert client.get(reverse("reader:archive"), {"page": 3}).status_code == 200
    with django_assert_max_num_queries(HOME_QUERIES):
        assert client.get("/").status_code == 200
    # The series with its about sections, the filters, the count, the page, the authors.
    with django_assert_max_num_queries(5 + VERSION_QUERIES + FILTER_QUERIES):
        assert client.get(series.get_absolute_url(), {"page": 2}).status_code == 200


def test_the_person_page_is_paginated_with_a_fixed_query_count(client, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here
    person = make_person()
    for year in range(2000, 2010):
        make_fellowship(person=person, start_year=year, end_year=year + 2, listed_publicly=True)
    for _ in range(60):
        Contribution.objects.create(issue=make_issue(), person=person, role="author")
    # The person, the count, the page of issues, the count per part, the editorial roles, the fellowships.
    with django_assert_max_num_queries(6):
        html = client.get(person.get_absolute_url()).content.decode()
    assert html.count('<li><a href="/series/') == 25 and "Page 1 of 3" in html
    with django_assert_max_num_queries(6):
        html = client.get(person.get_absolute_url(), {"page": 3}).content.decode()
    assert html.count('<li><a href="/series/') == 10


def test_listings_read_only_the_columns_their_cards_show(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False
    issue = make_interview(questions=2, footnotes=1)
    older = make_interview(issue.series, questions=2, footnotes=1, publication_date=datetime.date(2018, 1, 1))
    for url in ["/", reverse("reader:archive"), issue.series.get_absolute_url()]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert issue.title in html and older.title in html
        sql = " ".join(q["sql"] for q in queries.captured_queries).replace('"', "")
        if url == "/":
            # The latest issue, featured with its standfirst, is read whole, with LIMIT 1; the cards are not.
            texts = [
                q["sql"] for q in queries.captured_queries if "briefs_issue.introduction" in q["sql"].replace('"', "")
            ]
            assert len(texts) == 1 and "LIMIT 1" in texts[0], texts
            sql = sql.replace(texts[0].replace('"', ""), "")
        unshown = [
            "briefs_issue.introduction",
            "briefs_issue.body",
            "briefs_contribution.printed_biography",
            "people_person.biography",
            "people_person.email",
        ]
        assert not [column for column in unshown if column in sql], url


def test_the_home_page_query_count_does_not_grow_with_the_issues_their_contributors_or_topics(
    client, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here
    series = make_series()
    for n in range(1, 25):
        issue = make_interview(series, number=n, questions=3, footnotes=2, authors=2)
        for k in range(3):
            issue.topics.add(Topic.objects.create(name=f"Topic {n} {k}"))
        issue.places.add(Place.objects.create(name=f"Region {n}", kind=Place.Kind.REGION))
    settle_content_version()
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.content.decode().count('class="issue-card"') == 6
    # The latest issue's document is kept under this content version, as for its own page.
    with django_assert_num_queries(HOME_QUERIES_DOCUMENT_KEPT):
        assert client.get("/").status_code == 200
