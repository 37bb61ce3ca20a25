"""Publishing an issue whose printed date is after today asks which is meant (issue 16).

The printed ``publication_date`` does not hide an issue: ``public_from`` decides
(``Issue.is_public_now``). So the publish confirmation offers, by default, to
schedule such an issue for the start of its printed day (site time zone), or to
publish it now with the date as printed; a plain “now” is refused for it. “Today”
is the site's: the tests run in Europe/Berlin, an hour ahead of UTC in March.
"""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue, IssueTransition
from tests.conftest import make_interview, start_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
TOMORROW = TODAY + datetime.timedelta(days=1)
TICK = datetime.timedelta(microseconds=1)


@pytest.fixture(autouse=True)
def _berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def last_moment_of(day):
    return start_of(day + datetime.timedelta(days=1)) - TICK


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def approved(**fields):
    return make_interview(status=Issue.Status.APPROVED, public_from=None, **fields)


def publish_url(*issues):
    return reverse("admin:briefs_issue_transition", args=["publish"]) + "?ids=" + ",".join(str(i.pk) for i in issues)


def post_publish(client, *issues, **data):
    return client.post(publish_url(*issues), {"ids": ",".join(str(i.pk) for i in issues), "comment": "", **data})


def fresh(issue):
    return Issue.objects.get(pk=issue.pk)


def public_page(issue, moment):
    with at(moment):
        return Client().get(issue.get_absolute_url()).status_code == 200


# -- the boundary: dated today is published now, dated tomorrow is asked ------


def test_an_issue_dated_today_is_published_now_without_a_question_up_to_the_last_moment_of_the_day(editor_client):
    issue = approved(publication_date=TODAY)
    moment = last_moment_of(TODAY)
    with at(moment):
        html = editor_client.get(publish_url(issue)).content.decode()
        response = post_publish(editor_client, issue, when="now")
    assert 'value="now"' in html and 'value="on_printed_date"' not in html and "after today" not in html
    assert response.status_code == 302
    assert fresh(issue).public_from == moment and public_page(issue, moment)


def test_an_issue_dated_tomorrow_is_offered_the_start_of_its_printed_day_by_default(editor_client):
    issue = approved(publication_date=TOMORROW)
    moment = last_moment_of(TODAY)
    with at(moment):
        html = editor_client.get(publish_url(issue)).content.decode()
    assert f"No. {issue.number} is dated 3 March 2026, after today (2 March 2026)." in html
    assert "On its printed date (default): scheduled, public from 3 March 2026, 00:00 (Europe/Berlin time)" in html
    assert "Now, with the date as printed: public at once, dated 3 March 2026" in html
    assert 'value="on_printed_date" required checked' in html.replace('id="id_when_0" ', "")
    with at(moment):
        assert post_publish(editor_client, issue, when="on_printed_date").status_code == 302
    issue = fresh(issue)
    assert issue.status == "published" and issue.public_from == start_of(TOMORROW)
    assert issue.public_from == datetime.datetime(2026, 3, 2, 23, 0, tzinfo=datetime.UTC)
    assert not public_page(issue, moment) and public_page(issue, start_of(TOMORROW))


def test_today_is_the_site_time_zones_not_utcs(editor_client):
    """At 00:30 in Berlin on 3 March it is still 2 March in UTC: an issue dated 3 March is dated today."""
    issue = approved(publication_date=TOMORROW)
    moment = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)
    with at(moment):
        assert "after today" not in editor_client.get(publish_url(issue)).content.decode()
        assert post_publish(editor_client, issue, when="now").status_code == 302
    assert fresh(issue).public_from == moment


def test_a_form_opened_the_evening_before_and_sent_at_midnight_publishes_at_once(editor_client):
    """The printed day's start has come: scheduling for it is publishing now."""
    issue = approved(publication_date=TOMORROW)
    with at(last_moment_of(TODAY)):
        assert 'value="on_printed_date"' in editor_client.get(publish_url(issue)).content.decode()
    with at(start_of(TOMORROW)):
        assert post_publish(editor_client, issue, when="on_printed_date").status_code == 302
    assert fresh(issue).public_from == start_of(TOMORROW) and public_page(issue, start_of(TOMORROW))


# -- a plain “now” is refused; “now, with the date as printed” is honoured -----


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"when": "now"},
            "is dated 1 May 2031, after today: choose whether it becomes public at the start of its printed date, "
            "or now with the date as printed.",
        ),
        ({}, "This field is required."),
        ({"when": "whenever"}, "Select a valid choice."),
    ],
    ids=["plain now", "no choice", "an unknown choice"],
)
def test_a_crafted_post_without_the_explicit_choice_gets_a_form_error_and_changes_nothing(editor_client, data, message):
    issue = approved(publication_date=datetime.date(2031, 5, 1))
    with at(last_moment_of(TODAY)):
        response = post_publish(editor_client, issue, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert fresh(issue).status == "approved" and not IssueTransition.objects.exists()


def test_what_the_form_says_of_the_printed_date_is_what_the_site_does(editor_client):
    """An issue dated 2031 published “now, with the date as printed” is public at once, in its page and feeds."""
    help_text = Issue._meta.get_field("publication_date").help_text
    assert "It does not decide when readers see the issue: publishing does." in help_text
    assert "hidden" not in help_text
    with at(last_moment_of(TODAY)):
        assert help_text in editor_client.get(reverse("admin:briefs_issue_add")).content.decode()
    issue = approved(publication_date=datetime.date(2031, 5, 1), title="Dated 2031")
    moment = last_moment_of(TODAY)
    with at(moment):
        assert post_publish(editor_client, issue, when="now_as_printed").status_code == 302
        reader = Client()
        assert reader.get(issue.get_absolute_url()).status_code == 200
        assert "Dated 2031" in reader.get(reverse("reader:site_feed_atom")).content.decode()
    assert fresh(issue).public_from == moment


# -- several issues at once -----------------------------------------------------


def test_publishing_several_schedules_each_dated_ahead_for_its_own_day_and_the_rest_now(editor_client):
    soon, later, past = (
        approved(publication_date=TOMORROW),
        approved(publication_date=datetime.date(2031, 5, 1)),
        approved(publication_date=TODAY - datetime.timedelta(days=30)),
    )
    moment = timezone.make_aware(datetime.datetime(2026, 3, 2, 15, 0))
    with at(moment):
        html = editor_client.get(publish_url(soon, later, past)).content.decode()
        refused = post_publish(editor_client, soon, later, past, when="now")
        assert post_publish(editor_client, soon, later, past, when="on_printed_date").status_code == 302
    assert f"No. {later.number} is dated 1 May 2031, No. {soon.number} is dated 3 March 2026: after today" in html
    assert "On their printed dates (default)" in html and "Now, with the dates as printed" in html
    assert f"No. {later.number} and No. {soon.number} are dated after today" in refused.content.decode()
    assert [fresh(i).public_from for i in (soon, later, past)] == [
        start_of(TOMORROW),
        start_of(later.publication_date),
        moment,
    ]


def test_a_chosen_time_still_wins_over_the_printed_date(editor_client):
    issue = approved(publication_date=datetime.date(2031, 5, 1))
    with at(timezone.make_aware(datetime.datetime(2026, 3, 2, 15, 0))):
        assert post_publish(editor_client, issue, when="at", at="2026-03-10T09:30").status_code == 302
    assert fresh(issue).public_from == timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 30))
