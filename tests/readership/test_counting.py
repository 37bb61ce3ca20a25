"""What is counted (issue 20, part 2): views of an issue's page and downloads of its PDF, per issue and day;
page-cache hits and 304s too; one client's repeats within 30 seconds once; robots never."""

import datetime
from unittest import mock

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from readership.models import DailyCount
from tests.conftest import make_interview, make_issue, make_series, make_staff
from tests.readership.conftest import SAFARI, counts, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    return make_interview(make_series(slug="eucacis-in-brief"), number=6, publication_date=datetime.date(2019, 2, 1))


def pdf_url(issue):
    return reverse("reader:issue_pdf", kwargs={"series_slug": issue.series.slug, "number": issue.number})


def test_a_readers_view_is_counted_for_the_issue_and_the_day(issue):
    assert reader().get(issue.get_absolute_url()).status_code == 200
    row = DailyCount.objects.get(issue=issue)
    assert (row.day, row.views, row.downloads) == (timezone.localdate(), 1, 0)


def test_the_same_client_twice_within_30_seconds_counts_once_and_again_after_30_seconds(issue):
    client = reader()
    now = 1_800_000_000.0  # the double-click keys expire by the cache's clock
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=now):
        client.get(issue.get_absolute_url())
        client.get(issue.get_absolute_url())
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=now + 29):
        client.get(issue.get_absolute_url())
    assert counts(issue) == (1, 0)
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=now + 31):
        client.get(issue.get_absolute_url())
    assert counts(issue) == (2, 0)


def test_another_user_agent_or_address_is_another_reader(issue):
    reader().get(issue.get_absolute_url())
    reader(user_agent=SAFARI).get(issue.get_absolute_url())
    reader(address="198.51.100.3").get(issue.get_absolute_url())
    assert counts(issue) == (3, 0)


def test_a_view_and_a_download_by_one_client_are_two_items(issue):
    client = reader()
    client.get(issue.get_absolute_url())
    client.get(pdf_url(issue))  # the PDF is being prepared (503): not counted
    assert counts(issue) == (1, 0)
    with mock.patch("reader.views._stored_pdf_response", return_value=HttpResponse(b"%PDF-1.7")):
        assert client.get(pdf_url(issue)).status_code == 200
        client.get(pdf_url(issue))
    assert counts(issue) == (1, 1)


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
        "Chrome/116.0.1938.76 Safari/537.36",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Wget/1.21.4",
        "",
    ],
)
def test_robots_and_machines_of_the_counter_list_are_not_counted(issue, user_agent):
    assert reader(user_agent=user_agent).get(issue.get_absolute_url()).status_code == 200
    assert counts(issue) == (0, 0)


def test_a_page_cache_hit_is_counted(issue):
    first = reader("203.0.113.1")
    first.get(issue.get_absolute_url())
    with mock.patch("reader.views.render", side_effect=AssertionError("rendered, not served from the cache")):
        hit = reader("203.0.113.2").get(issue.get_absolute_url())
    assert hit.status_code == 200 and hit.content == first.get(issue.get_absolute_url()).content
    assert counts(issue) == (2, 0)  # the first reader's second request is a double click


def test_a_304_is_counted(issue):
    etag = reader("203.0.113.1").get(issue.get_absolute_url())["ETag"]
    response = reader("203.0.113.2").get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert counts(issue) == (2, 0)


def test_other_pages_heads_posts_and_errors_are_not_counted(issue):
    client = reader()
    client.head(issue.get_absolute_url())
    client.get(issue.series.get_absolute_url())
    client.get(reverse("reader:issue_short_url", kwargs={"series_slug": issue.series.slug, "number": 6}))  # 301
    client.get(reverse("reader:issue_detail", kwargs={"series_slug": issue.series.slug, "number": 99, "slug": "x"}))
    assert DailyCount.objects.count() == 0


def test_a_draft_is_404_for_readers_and_not_counted_and_staff_previews_are_not_counted(issue):
    draft = make_issue(issue.series, status="draft", number=7)
    assert reader().get(draft.get_absolute_url()).status_code == 404
    staff = reader()
    staff.force_login(make_staff("briefs.view_issue"))
    assert staff.get(draft.get_absolute_url()).status_code == 200
    assert staff.get(issue.get_absolute_url()).status_code == 200
    assert DailyCount.objects.count() == 0


def test_counting_sets_no_cookie_and_stores_no_address(issue):
    response = reader("203.0.113.99").get(issue.get_absolute_url())
    assert not response.cookies
    row = DailyCount.objects.get()
    assert "203.0.113.99" not in str([getattr(row, f.attname) for f in row._meta.fields])


def test_a_counting_failure_never_fails_the_page(issue, caplog):
    with mock.patch("readership.counting.add_counts", side_effect=RuntimeError("database away")):
        assert reader().get(issue.get_absolute_url()).status_code == 200
    assert "Could not count" in caplog.text
