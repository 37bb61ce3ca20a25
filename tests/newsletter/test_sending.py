"""Sending an issue's mails through a real SMTP server: refusals, retries, and never a mail twice."""

import datetime
import smtplib

import pytest
from django.core.mail import get_connection
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from briefs.models import Issue
from briefs.workflow import apply_transition
from briefs.working_copies import start
from newsletter import mailings
from newsletter.models import Delivery, DeliveryState, Mailing, MailingState, Subscriber, Subscription
from newsletter.sending import ConnectionFailed, Outcome, deliver
from tests.conftest import make_interview
from tests.newsletter.test_opt_in_flow import SITE, run_jobs, smtp  # noqa: F401  (fixtures)
from tests.smtp_server import free_port


def subscribers(count, *, prefix="reader"):
    made = Subscriber.objects.bulk_create(Subscriber(email=f"{prefix}{n}@example.org") for n in range(count))
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, scope="all", consent_wording="test", confirmed_at=timezone.now()) for s in made
    )
    return made


def publish_new(series=None, **fields):
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None, **fields)
    apply_transition(issue, "publish", by=None, check_permission=False)
    return issue


def states(issue):
    return sorted(Delivery.objects.filter(mailing__issue=issue).values_list("state", flat=True))


def test_a_server_that_refuses_for_now_then_accepts_gets_each_mail_once(db, smtp, run_jobs):  # noqa: F811
    subscribers(5)
    smtp.handler.refuse_next(3)
    with override_settings(NEWSLETTER_RETRY_DELAYS=[0, 0, 0]):
        issue = run_jobs(publish_new)
    assert smtp.handler.refused == 3
    assert sorted(m.to for m in smtp.received) == [f"reader{n}@example.org" for n in range(5)]
    assert states(issue) == ["sent"] * 5
    assert Mailing.objects.get(issue=issue).state == MailingState.DONE
    retried = Delivery.objects.filter(mailing__issue=issue, attempts=2)
    assert retried.count() == 3


def test_a_refusal_for_now_waits_for_its_delay(db, smtp, run_jobs):  # noqa: F811
    subscribers(1)
    smtp.handler.refuse_next(1)
    with override_settings(NEWSLETTER_RETRY_DELAYS=[60]):
        issue = run_jobs(publish_new)
    (delivery,) = Delivery.objects.filter(mailing__issue=issue)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.error == "The mail server refused it for now: 451 4.3.0 Try again later"
    assert 55 < (delivery.next_try_at - timezone.now()).total_seconds() <= 60
    assert smtp.received == []


def test_an_address_the_server_refuses_for_good_fails_with_its_words_and_the_others_go(db, smtp, run_jobs):  # noqa: F811
    subscribers(3)
    smtp.handler.refused_addresses.add("reader1@example.org")
    issue = run_jobs(publish_new)
    assert sorted(m.to for m in smtp.received) == ["reader0@example.org", "reader2@example.org"]
    failed = Delivery.objects.get(mailing__issue=issue, state=DeliveryState.FAILED)
    assert failed.subscriber.email == "reader1@example.org"
    assert failed.error == "The mail server refused it: 550 5.1.1 No such mailbox here"
    assert Mailing.objects.get(issue=issue).state == MailingState.DONE


def test_an_unreachable_server_leaves_every_mail_waiting_then_sends_each_once(db, run_jobs, settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.NEWSLETTER_RETRY_DELAYS = [60, 300]
    subscribers(3)
    issue = run_jobs(publish_new)
    mailing = Mailing.objects.get(issue=issue)
    # An outage longer than every delay: the mailing keeps waiting, and no address is charged with it.
    for attempt in range(1, 5):
        if attempt > 1:
            run_jobs(mailings.send_batch.call, mailing.pk)
        mailing.refresh_from_db()
        assert mailing.state == MailingState.SENDING
        assert mailing.server_failures == attempt
        assert "to reach the mail server): the mail server could not be reached" in mailing.message
        assert states(issue) == ["pending"] * 3
        assert not Delivery.objects.filter(mailing=mailing, attempts__gt=0).exists()

    from tests.smtp_server import SmtpServer

    server = SmtpServer().start()
    try:
        settings.EMAIL_PORT = server.port
        run_jobs(mailings.send_batch.call, mailing.pk)
        assert sorted(m.to for m in server.received) == [f"reader{n}@example.org" for n in range(3)]
    finally:
        server.stop()
    mailing.refresh_from_db()
    assert (mailing.state, mailing.server_failures, mailing.message) == (MailingState.DONE, 0, "")


def test_a_mail_that_cannot_be_made_fails_with_why_and_does_not_stall_the_others(db, smtp, run_jobs, settings):  # noqa: F811
    settings.NEWSLETTER_FROM_EMAIL = "Briefs <news@example.org>\nBcc: everyone@example.org"
    subscribers(2)
    issue = run_jobs(publish_new)
    assert smtp.received == []
    assert states(issue) == ["failed", "failed"]
    assert Delivery.objects.filter(error__startswith="The mail could not be made: Invalid address").count() == 2
    assert Mailing.objects.get(issue=issue).state == MailingState.DONE


def test_a_title_with_line_breaks_makes_a_one_line_subject(db, smtp, run_jobs):  # noqa: F811
    subscribers(1)
    issue = run_jobs(publish_new, title="Line one\r\nBcc: x@evil.example <b>bold</b>")
    (mail,) = smtp.received
    assert mail.message["Subject"].endswith(": Line one Bcc: x@evil.example <b>bold</b>")
    assert mail.recipients == ["reader0@example.org"]
    assert states(issue) == ["sent"]


def test_a_claim_is_taken_only_of_rows_still_due(db, smtp, settings):  # noqa: F811
    """Between the SELECT of due rows and the UPDATE that claims them, another job may claim them: not taken twice."""
    settings.NEWSLETTER_CLAIM_SECONDS = 60
    subscribers(2)
    issue = publish_new()
    mailing = Mailing.objects.get(issue=issue)
    mailings.start_mailing.call(mailing.pk)
    now = timezone.now()
    ids = list(Delivery.objects.filter(mailing=mailing).values_list("pk", flat=True))
    taken_by_b = mailings._take(mailing.pk, ids[:1], "run-b", now)
    assert [d.pk for d in taken_by_b] == ids[:1]
    taken_by_a = mailings._take(mailing.pk, ids, "run-a", now)  # it saw both rows due a moment ago
    assert [d.pk for d in taken_by_a] == ids[1:]
    assert Delivery.objects.get(pk=ids[0]).claimed_by == "run-b"


def test_an_issue_published_before_the_newsletter_is_not_announced_by_its_corrections_or_republication(
    db,
    smtp,
    run_jobs,  # noqa: F811
):
    subscribers(1)
    issue = run_jobs(publish_new)
    Mailing.objects.all().delete()  # as if it had been published before the newsletter existed
    received = len(smtp.received)
    with transaction.atomic():
        copy = start(issue, by=None)
    copy.title = "A corrected title"
    copy.save()
    run_jobs(apply_transition, issue, "publish_change", by=None, check_permission=False, comment="Fixed.")
    apply_transition(Issue.objects.get(pk=issue.pk), "withdraw", by=None, check_permission=False, comment="Error.")
    run_jobs(apply_transition, Issue.objects.get(pk=issue.pk), "republish", by=None, check_permission=False)
    assert not Mailing.objects.exists()
    assert len(smtp.received) == received


def test_a_mail_left_before_its_last_line_is_dropped_by_the_server_and_can_be_sent_again(db, smtp):  # noqa: F811
    [subscriber] = subscribers(1)
    issue = publish_new()  # no job runs: nothing is sent here
    message = mailings.announcement_for(Mailing(issue=issue, kind="publication"), _document(issue), subscriber)
    connection = get_connection()

    class Died(Exception):
        pass

    def die():
        raise Died()  # the job's process ends here: the mail's last line was never sent

    with pytest.raises(Died):
        deliver(connection, message, die)
    connection.connection.sock.close()  # what the kernel does to a dead process's socket
    connection.connection = None
    assert smtp.received == []
    assert deliver(get_connection(), message, lambda: True) == (Outcome.SENT, "")
    assert len(smtp.received) == 1


def test_a_job_that_lost_its_claim_sends_nothing(db, smtp):  # noqa: F811
    [subscriber] = subscribers(1)
    issue = publish_new()
    message = mailings.announcement_for(Mailing(issue=issue, kind="publication"), _document(issue), subscriber)
    connection = get_connection()
    assert deliver(connection, message, lambda: False) == (Outcome.LOST_CLAIM, "")
    assert connection.connection is None  # closed without the last line
    assert smtp.received == []


def test_a_claim_left_by_a_dead_job_is_taken_over_and_its_job_can_no_longer_mark_it_sent(db, smtp, settings):  # noqa: F811
    settings.NEWSLETTER_CLAIM_SECONDS = 60
    subscribers(2)
    issue = publish_new()
    mailing = Mailing.objects.get(issue=issue)
    mailings.start_mailing.call(mailing.pk)
    now = timezone.now()
    first = mailings._claim(mailing.pk, "run-a", now, 1)
    assert len(first) == 1
    assert mailings._claim(mailing.pk, "run-b", now, 5)[0].pk != first[0].pk  # another job gets the other one
    assert mailings._claim(mailing.pk, "run-c", now, 5) == []  # nothing left to claim
    later = now + datetime.timedelta(seconds=61)
    taken = mailings._claim(mailing.pk, "run-c", later, 5)
    assert {d.pk for d in taken} == set(Delivery.objects.filter(mailing=mailing).values_list("pk", flat=True))
    # The job that held it first can no longer mark it sent: it drops its mail before the last line.
    assert not mailings._mine(first[0], "run-a").filter(state=DeliveryState.SENDING).update(state=DeliveryState.SENT)


def test_withdrawn_before_its_turn_no_mail_goes(db, smtp, settings):  # noqa: F811
    subscribers(2)
    issue = publish_new()
    mailing = Mailing.objects.get(issue=issue)
    mailings.start_mailing.call(mailing.pk)
    apply_transition(Issue.objects.get(pk=issue.pk), "withdraw", by=None, check_permission=False, comment="Withdrawn.")
    mailings.send_batch.call(mailing.pk)
    assert smtp.received == []
    assert states(issue) == ["skipped", "skipped"]
    assert Mailing.objects.get(pk=mailing.pk).state == MailingState.CANCELLED


def test_an_address_that_unsubscribed_after_the_mailing_started_is_skipped(db, smtp):  # noqa: F811
    a, b = subscribers(2)
    issue = publish_new()
    mailing = Mailing.objects.get(issue=issue)
    mailings.start_mailing.call(mailing.pk)
    Subscription.objects.filter(subscriber=a).delete()
    mailings.send_batch.call(mailing.pk)
    assert [m.to for m in smtp.received] == [b.email]
    assert states(issue) == ["sent", "skipped"]


def test_a_correction_sends_nothing_unless_an_editor_announces_it(db, smtp, run_jobs):  # noqa: F811
    subscribers(1)
    issue = run_jobs(publish_new, title="First title")
    assert len(smtp.received) == 1
    with transaction.atomic():
        copy = start(issue, by=None)
    copy.title = "A corrected title"
    copy.save()
    run_jobs(
        apply_transition,
        issue,
        "publish_change",
        by=None,
        check_permission=False,
        comment="The date of the treaty was 2017, not 2018.",
    )
    assert len(smtp.received) == 1
    run_jobs(mailings.announce_correction, Issue.objects.get(pk=issue.pk))
    assert len(smtp.received) == 2
    mail = smtp.received[1]
    assert mail.message["Subject"] == f"Corrected: {issue.series.name} No. {issue.number}: A corrected title"
    assert "CORRECTED: The date of the treaty was 2017, not 2018." in mail.part("text/plain")


def test_republication_after_withdrawal_does_not_announce_again(db, smtp, run_jobs):  # noqa: F811
    subscribers(1)
    issue = run_jobs(publish_new)
    apply_transition(Issue.objects.get(pk=issue.pk), "withdraw", by=None, check_permission=False, comment="Error.")
    run_jobs(apply_transition, Issue.objects.get(pk=issue.pk), "republish", by=None, check_permission=False)
    assert len(smtp.received) == 1


def test_without_a_site_address_nothing_is_sent_and_the_mailing_says_why(db, smtp, run_jobs, settings):  # noqa: F811
    settings.SITE_URL = ""
    subscribers(2)
    issue = run_jobs(publish_new)
    assert smtp.received == []
    mailing = Mailing.objects.get(issue=issue)
    assert mailing.message == ("Not sent: the site's public address is not set (SITE_URL): mails need absolute links.")
    assert states(issue) == ["failed", "failed"]


def test_a_lost_answer_after_the_last_line_counts_as_sent_and_is_never_sent_again(db, smtp, monkeypatch):  # noqa: F811
    [subscriber] = subscribers(1)
    issue = publish_new()
    message = mailings.announcement_for(Mailing(issue=issue, kind="publication"), _document(issue), subscriber)
    connection = get_connection()
    connection.open()

    smtp_connection = connection.connection
    send, getreply = smtp_connection.send, smtp_connection.getreply
    last_line_sent = []

    def send_and_note(data):
        send(data)
        last_line_sent.append(data == b".\r\n")

    def lose_the_answer_to_the_last_line():
        if last_line_sent and last_line_sent[-1]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return getreply()

    monkeypatch.setattr(smtp_connection, "send", send_and_note)
    monkeypatch.setattr(smtp_connection, "getreply", lose_the_answer_to_the_last_line)
    outcome, detail = deliver(connection, message, lambda: True)
    assert outcome == Outcome.SENT
    assert detail.startswith("The server's answer was lost")
    assert len(smtp.wait_for(1)) == 1  # it had reached the server


def test_an_unreachable_server_raises_connection_failed(db):
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port()
    ):
        with pytest.raises(ConnectionFailed, match="could not be reached"):
            deliver(get_connection(), _any_message(), lambda: True)


def _document(issue):
    from briefs.document import issue_document

    return issue_document(Issue.objects.get(pk=issue.pk))


def _any_message():
    from django.core.mail import EmailMessage

    return EmailMessage("s", "b", "a@example.org", ["b@example.org"])


def test_an_issue_withdrawn_before_its_mailing_starts_is_not_mailed(db, smtp):  # noqa: F811
    subscribers(2)
    issue = publish_new()  # its start job has not run yet (no worker here)
    apply_transition(Issue.objects.get(pk=issue.pk), "withdraw", by=None, check_permission=False, comment="Error.")
    mailing = Mailing.objects.get(issue=issue)
    mailings.start_mailing.call(mailing.pk)
    mailing.refresh_from_db()
    assert mailing.state == MailingState.CANCELLED
    assert mailing.message == "Not sent: the issue was not public when its mail was due."
    assert not Delivery.objects.filter(mailing=mailing).exists() and smtp.received == []


def test_a_start_job_that_runs_before_the_issues_minute_chooses_nobody_yet(db, smtp):  # noqa: F811
    subscribers(1)
    issue = make_interview(status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=None, check_permission=False, at=timezone.now() + datetime.timedelta(hours=1))
    mailing = Mailing.objects.get(issue=issue)
    assert mailing.send_after == Issue.objects.get(pk=issue.pk).public_from
    mailings.start_mailing.call(mailing.pk)  # a worker's clock ahead of the database's, say
    mailing.refresh_from_db()
    assert mailing.state == MailingState.WAITING
    assert not Delivery.objects.filter(mailing=mailing).exists() and smtp.received == []
