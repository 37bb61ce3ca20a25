"""Deposits with Crossref: queued by the workflow step that calls for them, sent by the worker, followed to a result.

The deposit address is a local HTTP server that answers as Crossref's deposit
endpoints do (tests/crossref/fake_crossref.py): these machines cannot reach Crossref.
The jobs are called as the worker calls them (``Task.call``).
"""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from lxml import etree

from briefs.models import Issue
from briefs.workflow import apply_transition
from briefs.working_copies import start
from crossref.deposits import check_deposit, deposit_again, issues_to_deposit, send_deposit
from crossref.models import Deposit
from tests.conftest import make_interview, make_series
from tests.crossref import fake_crossref

SITE = "https://briefs.example.org"


@pytest.fixture
def crossref():
    fake = fake_crossref.start()
    # The stand-in's address is, for these tests, one of the addresses the server sends its login to.
    with override_settings(CROSSREF_DEPOSIT_URLS=[fake.deposit_url]):
        yield fake
    fake.server.shutdown()


@pytest.fixture(autouse=True)
def _crossref_settings():
    with override_settings(
        SITE_URL=SITE,
        CROSSREF_LOGIN=fake_crossref.LOGIN,
        CROSSREF_PASSWORD=fake_crossref.PASSWORD,
        CROSSREF_TIMEOUT=0.3,
        CROSSREF_RETRY_DELAYS=[60, 300],
        CROSSREF_CHECK_DELAYS=[60, 120],
    ):
        yield


@pytest.fixture
def chief(user_in_role):
    return user_in_role("Editor-in-chief")


def _draft(crossref, **fields):
    series = make_series(
        doi_prefix="10.5555",
        crossref_depositor_name="Editorial Office",
        crossref_depositor_email="doi@example.org",
        crossref_deposit_url=crossref.deposit_url,
    )
    return make_interview(series, status=Issue.Status.APPROVED, public_from=None, **fields)


def _published(crossref, chief, **fields):
    issue = _draft(crossref, **fields)
    apply_transition(issue, "publish", by=chief)
    return issue


def _only_deposit(issue):
    (deposit,) = Deposit.objects.filter(issue=issue)
    return deposit


def _sent_doi(received):
    return etree.fromstring(received.xml).findtext(".//{*}doi_data/{*}doi")


# -- what is queued, and when --------------------------------------------------


def test_publishing_gives_the_issue_its_doi_and_queues_its_deposit_in_the_same_step(crossref, chief):
    issue = _published(crossref, chief)
    issue.refresh_from_db()
    assert issue.doi == f"10.5555/{issue.series.slug}.{issue.number}"
    deposit = _only_deposit(issue)
    assert (deposit.state, deposit.reason, deposit.doi, deposit.requested_by) == (
        "queued",
        "publication",
        issue.doi,
        chief,
    )
    assert crossref.deposits == []  # nothing is sent by the request: the worker sends it


def test_a_step_that_fails_queues_no_deposit_and_gives_no_doi(crossref, chief):
    issue = _draft(crossref)
    issue.questions.all().delete()  # an interview with no question cannot be published
    with pytest.raises(Exception):
        apply_transition(issue, "publish", by=chief)
    issue.refresh_from_db()
    assert issue.doi == "" and not Deposit.objects.exists()


def test_an_issue_in_a_series_without_a_prefix_gets_no_doi_and_no_deposit(crossref, chief):
    issue = make_interview(status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief)
    issue.refresh_from_db()
    assert issue.doi == "" and not Deposit.objects.exists()


# -- the job: send, then ask for the result ------------------------------------


def test_the_job_sends_the_record_and_crossref_accepts_it(crossref, chief):
    issue = _published(crossref, chief)
    deposit = _only_deposit(issue)
    assert send_deposit.call(deposit.pk) == "submitted"
    deposit.refresh_from_db()
    assert deposit.state == "submitted" and deposit.submitted_at is not None and deposit.attempts == 1
    assert "successfully received" in deposit.message
    (received,) = crossref.deposits
    assert received.fields["operation"] == "doMDUpload"
    assert received.fields["login_id"] == fake_crossref.LOGIN
    assert received.filename == f"{deposit.batch_id}.xml"
    assert received.xml.decode() == deposit.xml and _sent_doi(received) == issue.doi

    assert check_deposit.call(deposit.pk) == "accepted"
    deposit.refresh_from_db()
    assert (deposit.state, deposit.message) == ("accepted", "Successfully added")
    assert deposit.finished_at is not None
    assert crossref.result_requests[0]["doi_batch_id"] == deposit.batch_id


def test_a_deposit_is_sent_once_whatever_runs_its_job_again(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    send_deposit.call(deposit.pk)
    assert send_deposit.call(deposit.pk) == "nothing to do"
    assert len(crossref.deposits) == 1


def test_a_record_crossref_rejects_fails_with_crossrefs_message(crossref, chief):
    crossref.mode = "reject"
    deposit = _only_deposit(_published(crossref, chief))
    send_deposit.call(deposit.pk)
    assert check_deposit.call(deposit.pk) == "rejected"
    deposit.refresh_from_db()
    assert deposit.state == "failed"
    assert "less or equal to previously submitted version (DOI match). Correct it" in deposit.message
    assert "deposit the issue again" in deposit.message


def test_a_file_crossref_refuses_on_upload_fails_at_once_without_retry(crossref, chief):
    crossref.mode = "refuse"
    deposit = _only_deposit(_published(crossref, chief))
    assert send_deposit.call(deposit.pk) == "failed"
    deposit.refresh_from_db()
    assert deposit.state == "failed" and deposit.next_try_at is None
    assert "FAILURE" in deposit.message and "no doi_batch element" in deposit.message


def test_a_result_not_ready_yet_is_asked_for_again_later(crossref, chief):
    crossref.mode = "pending"
    deposit = _only_deposit(_published(crossref, chief))
    send_deposit.call(deposit.pk)
    assert check_deposit.call(deposit.pk) == "pending"
    deposit.refresh_from_db()
    assert deposit.state == "submitted" and deposit.checks == 1
    assert "not processed the file yet (queued)" in deposit.message and "Asking again at" in deposit.message
    assert deposit.next_try_at > timezone.now() + datetime.timedelta(seconds=100)  # the second delay, 120 s


@pytest.mark.parametrize("mode", ["timeout", "error"])
def test_a_timeout_or_a_server_error_is_retried_with_backoff_then_given_up(crossref, chief, mode):
    crossref.mode, crossref.sleep = mode, 1.0  # the client waits 0.3 s
    deposit = _only_deposit(_published(crossref, chief))

    assert send_deposit.call(deposit.pk) == "retrying"
    deposit.refresh_from_db()
    assert deposit.state == "queued" and deposit.attempts == 1
    wait = deposit.next_try_at - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(seconds=60)
    expected = "did not answer within 0.3 s" if mode == "timeout" else "HTTP 503"
    assert expected in deposit.message and "attempt 2 of 3" in deposit.message

    assert send_deposit.call(deposit.pk) == "retrying"
    assert send_deposit.call(deposit.pk) == "failed"
    deposit.refresh_from_db()
    assert deposit.state == "failed" and deposit.attempts == 3 and deposit.next_try_at is None
    assert "Gave up after 3 attempts" in deposit.message


def test_a_refused_login_fails_with_what_to_check_and_is_not_retried(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    with override_settings(CROSSREF_PASSWORD="wrong"):
        assert send_deposit.call(deposit.pk) == "failed"
    deposit.refresh_from_db()
    assert "refused the login (HTTP 401)" in deposit.message and "CROSSREF_PASSWORD" in deposit.message
    assert crossref.deposits == []


def test_without_a_login_on_the_server_nothing_is_sent_and_the_admin_is_told(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    with override_settings(CROSSREF_LOGIN="", CROSSREF_PASSWORD=""):
        assert send_deposit.call(deposit.pk) == "failed"
    deposit.refresh_from_db()
    assert "no Crossref login" in deposit.message and crossref.deposits == []
    assert deposit.xml  # the record was made and checked: it can be read in the admin


def test_without_the_sites_address_nothing_is_sent(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    with override_settings(SITE_URL=""):
        send_deposit.call(deposit.pk)
    deposit.refresh_from_db()
    assert deposit.state == "failed" and "SITE_URL" in deposit.message and crossref.deposits == []


def test_a_record_that_breaks_the_schema_is_never_sent_and_the_reason_is_kept(crossref, chief):
    issue = _published(crossref, chief)
    Issue.objects.filter(pk=issue.pk).update(doi="not-a-doi")  # what no form allows, as a broken record
    deposit = _only_deposit(issue)
    assert send_deposit.call(deposit.pk) == "invalid"
    deposit.refresh_from_db()
    assert deposit.state == "failed" and crossref.deposits == []
    assert deposit.message.startswith("Not sent: the record does not follow Crossref's deposit schema 5.3.1.")
    assert "not-a-doi" in deposit.message


# -- scheduled, corrected, withdrawn -------------------------------------------


def test_a_scheduled_issues_record_waits_for_its_minute(crossref, chief):
    issue = _draft(crossref)
    at = timezone.now() + datetime.timedelta(hours=2)
    apply_transition(issue, "publish", by=chief, at=at)
    deposit = _only_deposit(issue)
    assert deposit.send_after == at and "Waiting for the issue's publication" in deposit.message
    assert send_deposit.call(deposit.pk) == "waiting"
    assert crossref.deposits == []
    # Its minute comes.
    Issue.objects.filter(pk=issue.pk).update(public_from=timezone.now() - datetime.timedelta(seconds=1))
    Deposit.objects.filter(pk=deposit.pk).update(send_after=timezone.now() - datetime.timedelta(seconds=1))
    assert send_deposit.call(deposit.pk) == "submitted"


def test_unscheduling_cancels_the_waiting_deposit(crossref, chief):
    issue = _draft(crossref)
    apply_transition(issue, "publish", by=chief, at=timezone.now() + datetime.timedelta(hours=2))
    apply_transition(issue, "unschedule", by=chief)
    deposit = _only_deposit(issue)
    assert deposit.state == "cancelled" and "publication was cancelled" in deposit.message
    assert send_deposit.call(deposit.pk) == "nothing to do"


def test_a_published_correction_deposits_again_with_the_new_title_and_the_same_doi(crossref, chief):
    issue = _published(crossref, chief)
    first = _only_deposit(issue)
    with transaction.atomic():
        copy = start(issue, by=chief)
    copy.title = "A corrected title"
    copy.save()
    apply_transition(issue, "publish_change", by=chief, comment="The title named the wrong year.")
    issue.refresh_from_db()
    latest = Deposit.objects.filter(issue=issue).first()
    assert latest.reason == "correction" and latest.doi == issue.doi
    first.refresh_from_db()
    assert first.state == "cancelled" and "replaced" in first.message  # only the newest is sent
    send_deposit.call(latest.pk)
    sent = etree.fromstring(crossref.deposits[-1].xml)
    assert sent.findtext(".//{*}report-paper_series_metadata/{*}titles/{*}title") == "A corrected title"
    assert _sent_doi(crossref.deposits[-1]) == issue.doi


def test_a_withdrawal_deposits_again_keeping_the_doi_and_page_without_the_pdf(crossref, chief, client):
    issue = _published(crossref, chief)
    send_deposit.call(_only_deposit(issue).pk)
    apply_transition(issue, "withdraw", by=chief, comment="Withdrawn at the interviewee's request.")
    issue.refresh_from_db()
    latest = Deposit.objects.filter(issue=issue).first()
    assert latest.reason == "withdrawal"
    assert send_deposit.call(latest.pk) == "submitted"
    sent = etree.fromstring(crossref.deposits[-1].xml)
    assert sent.findtext(".//{*}doi_data/{*}doi") == issue.doi
    assert sent.findtext(".//{*}doi_data/{*}resource") == SITE + issue.get_absolute_url()
    assert sent.find(".//{*}collection") is None
    # The DOI's page stays, with the notice.
    page = client.get(issue.get_absolute_url())
    assert page.status_code == 410 and "Withdrawn at the interviewee" in page.content.decode()
    assert f'<a href="https://doi.org/{issue.doi}">' in page.content.decode()


def test_republishing_deposits_again(crossref, chief):
    issue = _published(crossref, chief)
    apply_transition(issue, "withdraw", by=chief, comment="Withdrawn for a check.")
    apply_transition(issue, "republish", by=chief)
    reasons = list(Deposit.objects.filter(issue=issue).values_list("reason", "state"))
    assert reasons == [("republication", "queued"), ("withdrawal", "cancelled"), ("publication", "cancelled")]


def test_the_login_goes_only_to_an_allowed_crossref_address(crossref, chief):
    issue = _published(crossref, chief)
    deposit = _only_deposit(issue)
    with override_settings(CROSSREF_DEPOSIT_URLS=["https://doi.crossref.org/servlet/deposit"]):
        assert send_deposit.call(deposit.pk) == "failed"
    deposit.refresh_from_db()
    assert "is not one of the Crossref addresses this server sends its login to" in deposit.message
    assert crossref.deposits == [] and crossref.result_requests == []


def test_nor_is_the_result_asked_of_another_address(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    send_deposit.call(deposit.pk)
    with override_settings(CROSSREF_DEPOSIT_URLS=["https://doi.crossref.org/servlet/deposit"]):
        assert check_deposit.call(deposit.pk) == "failed"
    assert crossref.result_requests == []


# -- one job sends a deposit; a newer one waits its turn -----------------------


def _while_sending(monkeypatch, during):
    """Run ``during()`` while the job is sending (after its claim, before Crossref answers)."""
    from crossref import client

    real = client.send

    def send(*args, **kwargs):
        during()
        return real(*args, **kwargs)

    monkeypatch.setattr(client, "send", send)


def test_a_second_job_finds_the_deposit_being_sent_and_leaves_it(crossref, chief, monkeypatch):
    deposit = _only_deposit(_published(crossref, chief))
    seen = []
    _while_sending(monkeypatch, lambda: seen.append(send_deposit.call(deposit.pk)))
    assert send_deposit.call(deposit.pk) == "submitted"
    assert seen == ["busy"] and len(crossref.deposits) == 1


def test_a_deposit_being_sent_is_not_cancelled_by_a_newer_one_which_follows_it(crossref, chief, monkeypatch):
    issue = _published(crossref, chief)
    first = _only_deposit(issue)
    _while_sending(monkeypatch, lambda: deposit_again(issues_to_deposit(Issue.objects.filter(pk=issue.pk)), by=chief))
    assert send_deposit.call(first.pk) == "submitted"
    states = list(Deposit.objects.filter(issue=issue).values_list("reason", "state"))
    assert states == [("request", "queued"), ("publication", "submitted")]


def test_a_timeout_while_a_newer_deposit_waits_gives_way_to_it_instead_of_retrying(crossref, chief, monkeypatch):
    crossref.mode, crossref.sleep = "timeout", 1.0
    issue = _published(crossref, chief)
    first = _only_deposit(issue)
    _while_sending(monkeypatch, lambda: deposit_again(issues_to_deposit(Issue.objects.filter(pk=issue.pk)), by=chief))
    assert send_deposit.call(first.pk) == "replaced"
    first.refresh_from_db()
    assert first.state == "cancelled" and first.next_try_at is None and first.sending_since is None
    assert Deposit.objects.filter(issue=issue, state="queued").count() == 1


def test_a_deposit_whose_sending_job_died_is_taken_over(crossref, chief):
    deposit = _only_deposit(_published(crossref, chief))
    Deposit.objects.filter(pk=deposit.pk).update(sending_since=timezone.now() - datetime.timedelta(seconds=5))
    assert send_deposit.call(deposit.pk) == "busy"  # still within the time a send may take
    Deposit.objects.filter(pk=deposit.pk).update(sending_since=timezone.now() - datetime.timedelta(hours=1))
    assert send_deposit.call(deposit.pk) == "submitted"
    deposit.refresh_from_db()
    assert deposit.state == "submitted" and deposit.sending_since is None


# -- what the record says changed elsewhere -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda issue: _set(issue.series, issn="2627-7190" if issue.series.issn != "2627-7190" else ""),
        lambda issue: _set(issue.series, name="EUCACIS Briefs"),
        lambda issue: _set(issue.series, licence="CC-BY-4.0"),
        lambda issue: _set(issue.series.programme, name="A renamed programme"),
        lambda issue: _set(issue.contributions.first().person, family_name="Muratbekova-Renamed"),
        lambda issue: _set(issue.contributions.first().person, affiliation="Another institute"),
    ],
    ids=["issn", "series name", "licence", "programme", "a contributor's name", "a contributor's affiliation"],
)
def test_a_change_to_what_the_record_says_deposits_the_issue_again(crossref, chief, change):
    issue = _published(crossref, chief)
    change(Issue.objects.select_related("series__programme").get(pk=issue.pk))
    latest = Deposit.objects.filter(issue=issue).first()
    assert latest.reason == "update" and latest.state == "queued"


def test_a_change_the_record_does_not_show_deposits_nothing(crossref, chief):
    issue = _published(crossref, chief)
    _set(issue.series, hashtag="#Elsewhere")
    _set(issue.contributions.first().person, biography="<p>A new biography.</p>")
    assert Deposit.objects.filter(issue=issue).count() == 1


def test_issues_without_a_doi_are_not_deposited_when_their_series_changes(crossref, chief):
    draft = _draft(crossref)
    _set(draft.series, name="Renamed")
    assert not Deposit.objects.exists()


def _set(obj, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
