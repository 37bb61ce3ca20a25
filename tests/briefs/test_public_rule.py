"""The one rule for “public”: published, and ``public_from`` at or before now.

``IssueQuerySet.published()`` asks it of the database, ``Issue.is_public_now`` of an
issue in memory; the workflow, the admin and the public views all follow it, at its
boundary to the microsecond. The printed ``publication_date`` plays no part.
"""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from briefs.models import Issue
from briefs.workflow import TRANSITIONS, applies_to, describe_status
from briefs.working_copies import current_copy
from tests.conftest import make_interview, make_issue, make_series
from tests.editorial.test_edit_conflicts import open_form, save

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
TICK = datetime.timedelta(microseconds=1)

#: (public_from relative to NOW, public at NOW)
BOUNDARY = [
    pytest.param(-TICK, True, id="a microsecond ago"),
    pytest.param(datetime.timedelta(0), True, id="exactly now"),
    pytest.param(TICK, False, id="in a microsecond"),
]


def issue_public_from(offset, **fields):
    return make_issue(public_from=NOW + offset, **fields)


@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_an_issue_is_public_from_its_public_from_to_the_microsecond_in_memory_and_in_the_database(offset, public):
    issue = issue_public_from(offset)
    assert issue.is_public_now(now=NOW) is public
    assert Issue.objects.published(at=NOW).filter(pk=issue.pk).exists() is public
    assert issue.is_scheduled_now(now=NOW) is not public


@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_without_a_moment_both_forms_of_the_rule_ask_the_clock(offset, public):
    issue = issue_public_from(offset)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert issue.is_public_now() is public
        assert Issue.objects.published().filter(pk=issue.pk).exists() is public
        assert issue.is_scheduled is not public


@pytest.mark.parametrize(
    "status", [Issue.Status.DRAFT, Issue.Status.IN_REVIEW, Issue.Status.APPROVED, Issue.Status.WITHDRAWN]
)
def test_only_a_published_issue_is_public_whatever_its_public_from(status):
    issue = make_issue(status=status, public_from=NOW - datetime.timedelta(days=400))
    assert not issue.is_public_now(now=NOW) and not issue.is_scheduled_now(now=NOW)
    assert not Issue.objects.published(at=NOW).filter(pk=issue.pk).exists()


def test_a_published_issue_without_a_public_from_is_neither_public_nor_scheduled():
    issue = make_issue(public_from=None)
    assert not issue.is_public_now(now=NOW) and not issue.is_scheduled_now(now=NOW)
    assert not Issue.objects.published(at=NOW).filter(pk=issue.pk).exists()
    assert describe_status(issue, now=NOW) == "Published"


@pytest.mark.parametrize(
    "printed", [datetime.date(2031, 1, 1), datetime.date(2001, 1, 1)], ids=["printed in the future", "printed long ago"]
)
@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_the_printed_date_plays_no_part(printed, offset, public):
    issue = issue_public_from(offset, publication_date=printed)
    assert issue.is_public_now(now=NOW) is public
    assert Issue.objects.published(at=NOW).filter(pk=issue.pk).exists() is public


@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_the_workflow_withdraws_what_is_public_and_unschedules_what_is_not_yet(offset, public):
    issue = issue_public_from(offset)
    assert applies_to(TRANSITIONS["withdraw"], issue, now=NOW) is public
    assert applies_to(TRANSITIONS["unschedule"], issue, now=NOW) is not public
    if public:
        assert describe_status(issue, now=NOW) == "Published"
    else:
        assert describe_status(issue, now=NOW) == "Scheduled for 2 March 2026, 10:00"


@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_an_edit_is_prepared_exactly_when_readers_see_the_issue(editor_client, offset, public):
    """Saving the form of an issue readers see keeps their text (a working copy); of one not public yet, not."""
    issue = make_interview(public_from=NOW + offset, title="The title as published")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert save(editor_client, issue, open_form(editor_client, issue) | {"title": "A new title"}).status_code == 302
    issue.refresh_from_db()
    assert (current_copy(issue) is not None) is public
    assert issue.title == ("The title as published" if public else "A new title")


# -- every public view agrees ---------------------------------------------------


def _sitemap_locations(client):
    response = client.get(reverse("sitemap_section", kwargs={"section": "issues"}))
    assert response.status_code == 200
    return {loc.text for loc in etree.fromstring(response.content).iter("{*}loc")}


def _shows(client, issue):
    """What each public view says of ``issue``: whether it is there."""
    origin = "http://testserver"
    return {
        "page": client.get(issue.get_absolute_url()).status_code == 200,
        "short address": client.get(reverse("reader:issue_short_url", args=[issue.series.slug, issue.number])).get(
            "Location"
        )
        == issue.get_absolute_url(),
        "atom feed": issue.title in client.get(reverse("reader:site_feed_atom")).content.decode(),
        "rss feed": issue.title in client.get(reverse("reader:site_feed_rss")).content.decode(),
        "series feed": issue.title
        in client.get(reverse("reader:series_feed_atom", args=[issue.series.slug])).content.decode(),
        "sitemap": origin + issue.get_absolute_url() in _sitemap_locations(client),
        "archive": issue.title in client.get(reverse("reader:archive")).content.decode(),
        "series page": issue.title
        in client.get(reverse("reader:series_detail", args=[issue.series.slug])).content.decode(),
        "home page": issue.title in client.get(reverse("reader:home")).content.decode(),
    }


@pytest.mark.parametrize(
    "printed", [datetime.date(2031, 1, 1), datetime.date(2019, 2, 1)], ids=["printed in 2031", "printed in 2019"]
)
@pytest.mark.parametrize("offset, public", BOUNDARY)
def test_the_page_the_feeds_the_sitemap_and_the_archive_follow_the_rule_at_its_boundary(offset, public, printed):
    issue = issue_public_from(offset, series=make_series(), title="Boundary issue", publication_date=printed)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        shown = _shows(Client(), issue)
        assert issue.is_public_now() is public
    assert shown == dict.fromkeys(shown, public)
