"""DOIs in the admin: the issue page says where its deposit stands; those who publish can deposit again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue
from briefs.workflow import apply_transition
from crossref.models import Deposit
from tests.conftest import make_interview, make_series

CHANGELIST = "admin:briefs_issue_changelist"


@pytest.fixture
def chief(user_in_role):
    return user_in_role("Editor-in-chief")


@pytest.fixture
def series(db):
    return make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org")


def _published(series, chief, **fields):
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None, **fields)
    apply_transition(issue, "publish", by=chief)
    issue.refresh_from_db()
    return issue


def _page(client, issue):
    return client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()


def _deposit_again(client, *issues):
    return client.post(
        reverse(CHANGELIST),
        {"action": "deposit_with_crossref", "_selected_action": [str(i.pk) for i in issues]},
        follow=True,
    )


def test_the_issue_page_shows_its_doi_and_where_its_deposit_stands(client, chief, series):
    issue = _published(series, chief)
    Deposit.objects.filter(issue=issue).update(
        state="failed", message="Crossref refused the login (HTTP 401). Check CROSSREF_LOGIN."
    )
    client.force_login(chief)
    page = _page(client, issue)
    assert f'href="https://doi.org/{issue.doi}"' in page
    assert "Failed." in page and "Crossref refused the login (HTTP 401)" in page
    assert f"?issue__id__exact={issue.pk}" in page
    # The box's other labels keep their words.
    assert "Printed PDF:" in page and "DOI:" in page


def test_an_issue_of_a_series_without_a_prefix_says_why_it_has_no_doi(client, chief):
    issue = _published(make_series(), chief)
    client.force_login(chief)
    assert "The series has no DOI prefix" in _page(client, issue)


def test_the_chief_deposits_an_issue_again_from_the_list(client, chief, series):
    issue = _published(series, chief)
    client.force_login(chief)
    response = _deposit_again(client, issue)
    assert "Queued 1 deposit with Crossref" in response.content.decode()
    latest = Deposit.objects.filter(issue=issue).first()
    assert (latest.reason, latest.state, latest.requested_by) == ("request", "queued", chief)


def test_an_issue_published_before_its_series_had_a_prefix_gets_its_doi_when_deposited(client, chief):
    plain = make_series(slug="eucacis-in-brief")
    issue = _published(plain, chief, number=4)
    assert issue.doi == ""
    plain.doi_prefix, plain.crossref_depositor_email = "10.5555", "doi@example.org"
    plain.save()
    client.force_login(chief)
    _deposit_again(client, issue)
    issue.refresh_from_db()
    assert issue.doi == "10.5555/eucacis-in-brief.4"
    assert Deposit.objects.filter(issue=issue, doi=issue.doi, state="queued").exists()


def test_drafts_are_not_deposited_and_the_editor_is_told(client, chief, series):
    draft = make_interview(series, status=Issue.Status.DRAFT, public_from=None)
    client.force_login(chief)
    response = _deposit_again(client, draft)
    assert "1 of the chosen issues was not deposited" in response.content.decode()
    assert not Deposit.objects.exists()


def test_a_doi_that_another_issue_holds_stops_the_whole_action_with_the_reason(client, chief, series):
    holder = _published(series, chief, number=7)
    Issue.objects.filter(pk=holder.pk).update(number=70)
    plain_then = make_interview(series, number=7, status=Issue.Status.APPROVED, public_from=None)
    Issue.objects.filter(pk=plain_then.pk).update(status=Issue.Status.PUBLISHED, public_from=holder.public_from)
    before = Deposit.objects.count()
    client.force_login(chief)
    response = _deposit_again(client, holder, plain_then)
    assert "a DOI is never given twice" in response.content.decode()
    assert Deposit.objects.count() == before
    assert Issue.objects.get(pk=plain_then.pk).doi == ""


def test_an_editor_who_cannot_publish_neither_sees_nor_can_post_the_action(client, user_in_role, chief, series):
    issue = _published(series, chief)
    editor = user_in_role("Editor")
    client.force_login(editor)
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "deposit_with_crossref" not in listing
    before = Deposit.objects.count()
    _deposit_again(client, issue)
    assert Deposit.objects.count() == before
    # They see the deposits, read-only.
    assert client.get(reverse("admin:crossref_deposit_changelist")).status_code == 200


def test_deposits_are_read_only_for_everyone(client, chief, series):
    issue = _published(series, chief)
    deposit = Deposit.objects.get(issue=issue)
    Deposit.objects.filter(pk=deposit.pk).update(xml="<doi_batch>…</doi_batch>")
    client.force_login(chief)
    assert client.get(reverse("admin:crossref_deposit_add")).status_code == 403
    change = reverse("admin:crossref_deposit_change", args=[deposit.pk])
    page = client.get(change).content.decode()
    assert "&lt;doi_batch&gt;" in page and 'name="state"' not in page
    client.post(change, {"state": "accepted", "message": "forged"})
    deposit.refresh_from_db()
    assert deposit.state == "queued" and deposit.message != "forged"
    assert client.post(reverse("admin:crossref_deposit_delete", args=[deposit.pk]), {"post": "yes"}).status_code == 403
    assert Deposit.objects.filter(pk=deposit.pk).exists()


def test_a_deposit_waiting_long_past_its_time_asks_whether_the_worker_runs(client, chief, series):
    issue = _published(series, chief)
    client.force_login(chief)
    assert "check that the background worker runs" not in _page(client, issue)
    Deposit.objects.filter(issue=issue).update(queued_at=timezone.now() - datetime.timedelta(minutes=6))
    assert "check that the background worker runs" in _page(client, issue)
    # Not while it waits, as it should, for a retry.
    Deposit.objects.filter(issue=issue).update(next_try_at=timezone.now() + datetime.timedelta(minutes=1))
    assert "check that the background worker runs" not in _page(client, issue)


def test_a_deposit_whose_sending_stopped_says_to_deposit_again(client, chief, series):
    issue = _published(series, chief)
    client.force_login(chief)
    Deposit.objects.filter(issue=issue).update(sending_since=timezone.now())
    assert "Being sent since" in _page(client, issue)
    Deposit.objects.filter(issue=issue).update(sending_since=timezone.now() - datetime.timedelta(hours=2))
    assert "stopped before Crossref" in _page(client, issue)
