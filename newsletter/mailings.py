"""Announcing an issue to its subscribers: queued with its publication, sent by the worker in batches.

**When.** An issue's publication queues its :class:`~newsletter.models.Mailing` in the
workflow step's own transaction (a rolled-back step queues nothing), to start at the
issue's public moment: now, or a scheduled issue's minute. Unscheduling removes it. A
published correction sends nothing; an editor may choose to announce the latest
correction from the issues list (:func:`announce_correction`). Republication after a
withdrawal does not announce the issue again.

**Who.** When the mailing starts, the confirmed subscribers whose subscriptions cover
the issue (every issue, its series, or one of its topics) get one :class:`Delivery`
row each, unique per mailing and address. Before each mail is sent its address is
checked again: an address that unsubscribed meanwhile is skipped.

**How.** :func:`send_batch` claims pending deliveries a few at a time with a
conditional update (so two jobs never hold one), sends up to
``NEWSLETTER_BATCH_SIZE`` over one connection, and queues the next batch. A mail the
server refuses for now, or that could not be handed over, waits for
``NEWSLETTER_RETRY_DELAYS``; one refused for good fails with the server's words. A
row held by a job that died is taken over after ``NEWSLETTER_CLAIM_SECONDS``. No
address gets a mailing twice: see :mod:`newsletter.sending`.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_save
from django.utils import timezone
from django_tasks import task

from briefs.document import issue_document
from briefs.models import Issue, IssueTransition
from common.dates import moment_text
from common.reversing import url_for
from jobs import queue
from newsletter import mails, tokens
from newsletter.models import (
    Delivery,
    DeliveryState,
    Mailing,
    MailingKind,
    MailingState,
    Subscriber,
    Subscription,
)
from newsletter.sending import ConnectionFailed, MailNotMade, Outcome, deliver

logger = logging.getLogger(__name__)

#: Deliveries claimed at once: a job that dies leaves at most these to be taken over.
CLAIM_SIZE = 20


# -- queueing ------------------------------------------------------------------


def queue_mailing(issue, kind, *, correction=None, by=None, now=None):
    """Queue the announcement of ``issue`` (or of its ``correction``) with the current transaction; returns it."""
    now = now or timezone.now()
    send_after = issue.public_from if issue.public_from and issue.public_from > now else None
    with transaction.atomic():
        mailing = Mailing.objects.create(
            issue=issue,
            kind=kind,
            correction=correction,
            note=correction.note if correction else "",
            created_at=now,
            send_after=send_after,
            requested_by=by,
        )
        if send_after is not None:
            queue.enqueue(start_mailing, mailing.pk, run_after=send_after)
        else:
            queue.enqueue(start_mailing, mailing.pk)
    return mailing


def _step_taken(sender, instance, created=False, raw=False, **kwargs):
    if not created or raw or instance.issue.working_copy_of_id is not None:
        return
    issue = instance.issue
    if instance.name == "unschedule":
        # Nothing was sent: the mailing goes, so that the issue's publication, when it comes, announces it.
        Mailing.objects.filter(issue=issue, kind=MailingKind.PUBLICATION, state=MailingState.WAITING).delete()
    elif instance.name == "publish" and not Mailing.objects.filter(issue=issue, kind=MailingKind.PUBLICATION).exists():
        queue_mailing(issue, MailingKind.PUBLICATION, by=instance.by)


def connect():
    post_save.connect(_step_taken, sender=IssueTransition, dispatch_uid="newsletter-step-taken")


def latest_correction(issue):
    return issue.corrections.order_by("-corrected_at", "-pk").first()


def announce_correction(issue, *, by=None):
    """Queue a mail announcing ``issue``'s latest public correction; returns it, or None if it has none or that
    correction was announced already (each correction is announced once)."""
    correction = latest_correction(issue)
    if correction is None or Mailing.objects.filter(correction=correction).exists():
        return None
    try:
        with transaction.atomic():
            return queue_mailing(issue, MailingKind.CORRECTION, correction=correction, by=by)
    except IntegrityError:  # announced by another editor at the same moment
        return None


# -- who gets it ---------------------------------------------------------------


def covering(issue):
    """The confirmed subscriptions that cover ``issue``: every issue, its series, or one of its topics."""
    return Subscription.objects.filter(confirmed_at__isnull=False).filter(
        Q(scope=Subscription.Scope.ALL) | Q(series_id=issue.series_id) | Q(topic_id__in=issue.topics.values("pk"))
    )


def audience(issue):
    """How many addresses a mailing of ``issue`` would go to now."""
    return covering(issue).values("subscriber_id").distinct().count()


# -- the mail ------------------------------------------------------------------


def absolute(path):
    if not settings.SITE_URL:
        raise ValueError("the site's public address is not set (SITE_URL): mails need absolute links")
    return settings.SITE_URL + path


def links_for(document, email, subscriber_pk):
    return mails.Links(
        page=absolute(document.url),
        pdf=absolute(url_for("reader:issue_pdf", series_slug=document.series_slug, number=document.number)),
        unsubscribe=absolute(
            url_for("newsletter:unsubscribe", token=tokens.make(tokens.UNSUBSCRIBE, subscriber_pk, email))
        ),
        manage=absolute(url_for("newsletter:manage_request")),
    )


def announcement_for(mailing, document, subscriber, *, test=False):
    return mails.announcement(
        document,
        links_for(document, subscriber.email, subscriber.pk),
        subscriber.email,
        correction_note=mailing.note if mailing.kind == MailingKind.CORRECTION else "",
        test=test,
    )


# -- the jobs ------------------------------------------------------------------


@task()
def start_mailing(mailing_id):
    """At the issue's public moment: choose the addresses, one delivery each, and start sending."""
    now = timezone.now()
    mailing = Mailing.objects.select_related("issue").filter(pk=mailing_id).first()
    if mailing is None:
        return
    if mailing.state == MailingState.SENDING:
        queue.enqueue(send_batch, mailing.pk)  # a retried job: sending goes on
        return
    if mailing.state != MailingState.WAITING:
        return
    issue = mailing.issue
    if not Issue.objects.published(at=now).filter(pk=issue.pk).exists():
        if issue.public_from and issue.public_from > now and issue.status == Issue.Status.PUBLISHED:
            queue.enqueue(start_mailing, mailing.pk, run_after=issue.public_from)  # moved later: wait for it
        else:
            Mailing.objects.filter(pk=mailing.pk, state=MailingState.WAITING).update(
                state=MailingState.CANCELLED,
                finished_at=now,
                message="Not sent: the issue was not public when its mail was due.",
            )
        return
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, state=MailingState.WAITING).update(
            state=MailingState.SENDING, started_at=now
        ):
            return
        subscribers = covering(issue).values_list("subscriber_id", flat=True).distinct().order_by("subscriber_id")
        Delivery.objects.bulk_create(
            (Delivery(mailing_id=mailing.pk, subscriber_id=pk) for pk in subscribers.iterator(chunk_size=2000)),
            batch_size=1000,
            ignore_conflicts=True,
        )
        queue.enqueue(send_batch, mailing.pk)


def _claim(mailing_id, run, now, limit):
    """Claim up to ``limit`` deliveries due now for the job run ``run``; returns them with their subscribers."""
    stale = now - datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
    due = Delivery.objects.filter(mailing_id=mailing_id).filter(
        Q(state=DeliveryState.PENDING, next_try_at__isnull=True)
        | Q(state=DeliveryState.PENDING, next_try_at__lte=now)
        | Q(state=DeliveryState.SENDING, claimed_at__lt=stale)
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    return _take(mailing_id, ids, run, now) if ids else []


def _take(mailing_id, ids, run, now):
    """Claim those of ``ids`` still due for the run ``run``: a row another job claimed since it was seen is not taken."""
    stale = now - datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
    Delivery.objects.filter(pk__in=ids).filter(
        Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, claimed_at__lt=stale)
    ).update(state=DeliveryState.SENDING, claimed_by=run, claimed_at=now)
    return list(
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING, claimed_by=run)
        .select_related("subscriber")
        .order_by("pk")
    )


def _mine(delivery, run):
    return Delivery.objects.filter(pk=delivery.pk, claimed_by=run)


def _retry_later(delivery, run, error, now):
    attempts = delivery.attempts + 1
    next_try = queue.backoff(attempts, settings.NEWSLETTER_RETRY_DELAYS, after=now)
    if next_try is None:
        _mine(delivery, run).update(
            state=DeliveryState.FAILED, attempts=attempts, error=f"{error} Given up after {attempts} attempts."
        )
    else:
        _mine(delivery, run).update(
            state=DeliveryState.PENDING, attempts=attempts, next_try_at=next_try, error=error, claimed_by=""
        )


@task()
def send_batch(mailing_id):
    """Send up to ``NEWSLETTER_BATCH_SIZE`` of the mailing's mails, then queue the next batch (or a retry)."""
    run = uuid.uuid4().hex
    mailing = Mailing.objects.select_related("issue").filter(pk=mailing_id).first()
    if mailing is None or mailing.state != MailingState.SENDING:
        return
    issue = mailing.issue
    now = timezone.now()
    if not Issue.objects.published(at=now).filter(pk=issue.pk).exists():
        _stop(mailing, "Not sent: the issue stopped being public (withdrawn or unpublished) before its turn.")
        return
    document = issue_document(issue)
    covered_ids = None
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    handled = 0
    server_down = None
    try:
        while handled < settings.NEWSLETTER_BATCH_SIZE and server_down is None:
            now = timezone.now()
            claimed = _claim(mailing.pk, run, now, min(CLAIM_SIZE, settings.NEWSLETTER_BATCH_SIZE - handled))
            if not claimed:
                break
            covered_ids = set(
                covering(issue)
                .filter(subscriber_id__in=[d.subscriber_id for d in claimed if d.subscriber_id])
                .values_list("subscriber_id", flat=True)
            )
            for index, delivery in enumerate(claimed):
                handled += 1
                if delivery.subscriber_id not in covered_ids:
                    _mine(delivery, run).update(
                        state=DeliveryState.SKIPPED, error="Unsubscribed before the mail's turn.", claimed_by=""
                    )
                    continue
                try:
                    message = announcement_for(mailing, document, delivery.subscriber)
                except ValueError as error:  # no SITE_URL: nothing can be sent; said once on the mailing
                    _release(claimed[index:], run)
                    _stop(mailing, f"Not sent: {error}.", failed=True)
                    return
                server_down = _send_one(connection, message, delivery, run)
                if server_down is not None:
                    _release(claimed[index + 1 :], run)
                    break
    finally:
        connection.close()
    _after_batch(mailing, server_down)


def _send_one(connection, message, delivery, run):
    """Send one delivery's mail; returns an error if the server could not be reached (the batch stops)."""
    sent_at = timezone.now()

    def mark_sent():
        return bool(
            _mine(delivery, run)
            .filter(state=DeliveryState.SENDING)
            .update(state=DeliveryState.SENT, sent_at=sent_at, attempts=delivery.attempts + 1, error="")
        )

    try:
        outcome, detail = deliver(connection, message, mark_sent)
    except MailNotMade as error:
        _mine(delivery, run).update(
            state=DeliveryState.FAILED, error=f"The mail could not be made: {error}", claimed_by=""
        )
        return None
    except ConnectionFailed as error:
        # The server's fault, not this address's: the mail waits, and the mailing tries again later.
        _release([delivery], run, error=f"Not sent yet: {error}.")
        return str(error)
    except Exception as error:  # a backend's own failure (no mail server configured…): the mails wait
        logger.exception("Newsletter delivery %s failed", delivery.pk)
        _release([delivery], run, error=f"Not sent yet: {error}")
        return str(error)
    if outcome == Outcome.SENT and detail:
        _mine(delivery, run).update(error=detail)
    elif outcome == Outcome.RETRY:
        _retry_later(delivery, run, detail, timezone.now())
    elif outcome == Outcome.FAILED:
        _mine(delivery, run).update(state=DeliveryState.FAILED, attempts=delivery.attempts + 1, error=detail)
    return None


def _release(deliveries, run, *, error=None):
    """Give back deliveries this run claimed but did not send (not counted as attempts)."""
    if deliveries:
        fields = {"error": error} if error is not None else {}
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], state=DeliveryState.SENDING, claimed_by=run).update(
            state=DeliveryState.PENDING, claimed_by="", claimed_at=None, **fields
        )


def _stop(mailing, message, *, failed=False):
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(mailing=mailing, state__in=[DeliveryState.PENDING, DeliveryState.SENDING]).update(
            state=DeliveryState.FAILED if failed else DeliveryState.SKIPPED, error=message, claimed_by=""
        )
        Mailing.objects.filter(pk=mailing.pk, state=MailingState.SENDING).update(
            state=MailingState.DONE if failed else MailingState.CANCELLED, finished_at=now, message=message
        )


def _after_batch(mailing, server_down):
    """Queue what comes next: another batch now, a retry later, or nothing (the mailing is done)."""
    now = timezone.now()
    with transaction.atomic():
        open_rows = Delivery.objects.filter(mailing=mailing, state__in=[DeliveryState.PENDING, DeliveryState.SENDING])
        summary = open_rows.aggregate(
            rows=Count("pk"),
            due=Count(
                "pk",
                filter=Q(state=DeliveryState.PENDING) & (Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)),
            ),
            next_try=Min("next_try_at"),
            claimed_since=Min("claimed_at", filter=Q(state=DeliveryState.SENDING)),
        )
        if not summary["rows"]:
            Mailing.objects.filter(pk=mailing.pk, state=MailingState.SENDING).update(
                state=MailingState.DONE, finished_at=now, message="", server_failures=0
            )
            return
        if server_down is not None:
            # The server is away: the whole mailing waits, longer each time, and never gives up on its own.
            failures = Mailing.objects.get(pk=mailing.pk).server_failures + 1
            delays = settings.NEWSLETTER_RETRY_DELAYS
            when = now + datetime.timedelta(seconds=delays[min(failures, len(delays)) - 1])
            Mailing.objects.filter(pk=mailing.pk).update(
                server_failures=failures,
                message=f"Waiting to try again at {moment_text(when)} ({failures} failed attempt"
                f"{'s' if failures != 1 else ''} to reach the mail server): {server_down}",
            )
            queue.enqueue(send_batch, mailing.pk, run_after=when)
            return
        Mailing.objects.filter(pk=mailing.pk).exclude(server_failures=0).update(server_failures=0, message="")
        if summary["due"]:
            queue.enqueue(send_batch, mailing.pk)
            return
        candidates = [summary["next_try"]]
        if summary["claimed_since"] is not None:
            candidates.append(summary["claimed_since"] + datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS))
        moments = [moment for moment in candidates if moment is not None]
        when = min(moments) if moments else now + datetime.timedelta(seconds=settings.NEWSLETTER_RETRY_DELAYS[0])
        queue.enqueue(send_batch, mailing.pk, run_after=max(when, now))


# -- what the admin shows ------------------------------------------------------


@task()
def send_test(mailing_kind, issue_id, email, note=""):
    """A test of the announcement, to an editor's own address (its unsubscribe link is inert: no such subscriber)."""
    issue = Issue.objects.get(pk=issue_id)
    mailing = Mailing(issue=issue, kind=mailing_kind, note=note)
    message = announcement_for(mailing, issue_document(issue), Subscriber(pk=0, email=email), test=True)
    message.send()
