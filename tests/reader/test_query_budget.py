"""Pages cost a fixed number of queries, whatever the size of the issue or archive."""

import pytest
from django.urls import reverse

from briefs.models import Contribution
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
    with django_assert_max_num_queries(LISTING_QUERIES):
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
    for url in ["/", reverse("reader:archive"), issue.series.get_absolute_url()]:
        with CaptureQueriesContext(connection) as queries:
            assert issue.title in client.get(url).content.decode()
        sql = " ".join(q["sql"] for q in queries.captured_queries).replace('"', "")
        unshown = [
            "briefs_issue.introduction",
            "briefs_issue.body",
            "briefs_contribution.printed_biography",
            "people_person.biography",
            "people_person.email",
        ]
        assert not [column for column in unshown if column in sql], url
