"""Deposits with Crossref: queued with the workflow step that calls for them, sent by the worker.

**When.** Each workflow step that changes what an issue with a DOI is or where it
stands deposits its record again: publication (at a scheduled issue's minute, not
before), a published correction (a new title among them), withdrawal and
republication; and so does a change to what its record says of its series, programme
or people (:data:`DEPOSITED_FIELDS`). An editor may also deposit an issue again from
the issues list (after fixing the series' Crossref settings, say). The deposit is a
row written in the step's transaction, with its job: a rolled-back step deposits
nothing.

**How.** The job makes the record from the issue document as it is when the job
runs, checks it against Crossref's schema (a record that does not validate is never
sent: the deposit fails with the schema's reasons, shown on the issue), sends it,
and then asks Crossref for its result until Crossref has processed it. A network
failure, a timeout or a 5xx is retried with backoff (``CROSSREF_RETRY_DELAYS``); a
refused login or record is not. Only the newest deposit of an issue is sent: a
newer one cancels those still waiting, and lets one being sent finish (a job claims
a deposit with a conditional update, and writes its outcome only if nobody changed
the deposit meanwhile; a claim whose job died is taken over after twice the timeout
and a minute).

The HTTP calls are made outside any transaction: a slow Crossref never holds a
database lock (SQLite has one writer).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django_tasks import task

from briefs.document import issue_document
from briefs.models import Issue, IssueStatus, IssueTransition, Series
from briefs.workflow import new_doi
from common.dates import moment_text
from common.reversing import url_for
from crossref import client
from crossref.models import Deposit, DepositReason, DepositState
from crossref.records import Addresses, Depositor, deposit_xml, schema_errors
from jobs import queue
from people.models import Person, Programme

logger = logging.getLogger(__name__)

#: The workflow steps that deposit the issue's record again, and why.
STEP_REASONS = {
    "publish": DepositReason.PUBLICATION,
    "publish_change": DepositReason.CORRECTION,
    "withdraw": DepositReason.WITHDRAWAL,
    "republish": DepositReason.REPUBLICATION,
}


# -- queueing ------------------------------------------------------------------


def queue_deposit(issue, reason, *, by=None, now=None):
    """Queue a deposit of ``issue``'s record (it must have a DOI) with the current transaction; returns it.

    Deposits of the issue still waiting to be sent are cancelled: the new one sends
    the issue as it will then be.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # One being sent now is left to finish: its record is older, and the new one follows it.
        Deposit.objects.filter(issue=issue, state=DepositState.QUEUED).filter(
            Q(sending_since__isnull=True) | Q(sending_since__lt=now - sending_limit())
        ).update(
            state=DepositState.CANCELLED,
            message="Not sent: a later deposit of the issue replaced it.",
            finished_at=now,
            next_try_at=None,
            sending_since=None,
        )
        send_after = issue.public_from if issue.public_from and issue.public_from > now else None
        deposit = Deposit.objects.create(
            issue=issue,
            doi=issue.doi,
            reason=reason,
            queued_at=now,
            send_after=send_after,
            requested_by=by,
            message=f"Waiting for the issue's publication at {moment_text(send_after)}." if send_after else "",
        )
        queue.enqueue(send_deposit, deposit.pk, run_after=send_after)
    return deposit


def sending_limit():
    """How long a send may take at most; a claim older than this was left by a job that died."""
    return datetime.timedelta(seconds=2 * settings.CROSSREF_TIMEOUT + 60)


def _step_taken(sender, instance, created=False, raw=False, **kwargs):
    """A workflow step was recorded: deposit again if it is one that calls for it."""
    if not created or raw:
        return
    issue = instance.issue
    if instance.name == "unschedule":
        Deposit.objects.filter(issue=issue, state=DepositState.QUEUED).update(
            state=DepositState.CANCELLED,
            message="Not sent: the issue's publication was cancelled.",
            finished_at=timezone.now(),
            next_try_at=None,
        )
        return
    reason = STEP_REASONS.get(instance.name)
    if reason is not None and issue.doi:
        queue_deposit(issue, reason, by=instance.by)


#: What a deposit says of a series, its programme and its people (crossref.records): a change to one of
#: these fields deposits again each public or withdrawn issue with a DOI that shows it.
DEPOSITED_FIELDS = {
    Series: ("name", "issn", "licence", "place_of_publication", "crossref_depositor_name", "crossref_depositor_email"),
    Programme: ("name", "short_name"),
    Person: ("given_name", "family_name", "affiliation"),
}
_ISSUES_OF = {
    Series: lambda pk: Issue.objects.filter(series_id=pk),
    Programme: lambda pk: Issue.objects.filter(series__programme_id=pk),
    Person: lambda pk: Issue.objects.filter(pk__in=Issue.objects.filter(contributions__person_id=pk).values("pk")),
}


def _before_save(sender, instance, raw=False, **kwargs):
    """Note on the instance being saved what its row said, where it has issues with DOIs (one or two queries)."""
    if raw or instance.pk is None:
        return
    if issues_to_deposit(_ISSUES_OF[sender](instance.pk)).exclude(doi="").exists():
        instance.crossref_deposited_before = (
            sender.objects.filter(pk=instance.pk).values(*DEPOSITED_FIELDS[sender]).first()
        )


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    before = instance.__dict__.pop("crossref_deposited_before", None)
    if created or raw or before is None:
        return
    if all(getattr(instance, field) == before[field] for field in DEPOSITED_FIELDS[sender]):
        return
    for issue in issues_to_deposit(_ISSUES_OF[sender](instance.pk)).exclude(doi=""):
        queue_deposit(issue, DepositReason.UPDATE)


def connect():
    post_save.connect(_step_taken, sender=IssueTransition, dispatch_uid="crossref-step-taken")
    for model in DEPOSITED_FIELDS:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"crossref-{model.__name__}-before")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"crossref-{model.__name__}-after")


# -- the jobs ------------------------------------------------------------------


def _credentials():
    return settings.CROSSREF_LOGIN, settings.CROSSREF_PASSWORD


def _sentence(text):
    """Crossref's words as a sentence: with a full stop, so that ours can follow."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _address_refused(url):
    return (
        f"Not sent: “{url or 'no address'}” is not one of the Crossref addresses this server sends its login to "
        f"({', '.join(settings.CROSSREF_DEPOSIT_URLS)}). Choose one in the series' DOIs and Crossref settings."
    )


def sending_is_stale(deposit, now=None):
    """Whether the job that claimed ``deposit`` for sending is gone: its claim is older than any send takes."""
    return deposit.sending_since is not None and deposit.sending_since < (now or timezone.now()) - sending_limit()


def _finish(deposit, state, message, **fields):
    """Record ``deposit``'s new state, unless it changed since this job read or claimed it; returns whether it did.

    A conditional update, not a save: a deposit cancelled by a newer one, or taken over by another job, is not
    written back over.
    """
    values = {
        "state": state,
        "message": message,
        "finished_at": None if state in (DepositState.QUEUED, DepositState.SUBMITTED) else timezone.now(),
        "sending_since": None,
        **fields,
    }
    changed = Deposit.objects.filter(pk=deposit.pk, state=deposit.state, sending_since=deposit.sending_since).update(
        **values
    )
    if changed:
        for name, value in values.items():
            setattr(deposit, name, value)
    else:
        logger.info("Deposit %s changed while its job ran; its result (%s) is not recorded", deposit.pk, state)
    return bool(changed)


def prepared_record(issue, deposit, *, now):
    """The record ``deposit`` sends for ``issue`` as it is now, or raises ValueError saying why it cannot be made."""
    series = issue.series
    if not settings.SITE_URL:
        raise ValueError(
            "Not sent: the site's public address is not set (SITE_URL), and Crossref needs it as the DOI's target."
        )
    if not series.crossref_depositor_email:
        raise ValueError("Not sent: the series has no depositor's email (Series → DOIs and Crossref).")
    document = issue_document(issue)
    public_pdf = issue.status == IssueStatus.PUBLISHED
    addresses = Addresses(
        page=settings.SITE_URL + issue.get_absolute_url(),
        pdf=settings.SITE_URL + url_for("reader:issue_pdf", series.slug, issue.number) if public_pdf else "",
    )
    depositor = Depositor(
        name=series.crossref_depositor_name or document.publisher_name or document.programme_name,
        email=series.crossref_depositor_email,
        registrant=document.publisher_name or document.programme_name,
    )
    return deposit_xml(document, batch_id=deposit.batch_id, moment=now, depositor=depositor, addresses=addresses)


@task()
def send_deposit(deposit_id):
    """The job: make, check and send a queued deposit's record. Idempotent: a deposit is sent once."""
    deposit = Deposit.objects.select_related("issue__series__programme").filter(pk=deposit_id).first()
    if deposit is None or deposit.state != DepositState.QUEUED:
        return "nothing to do"
    issue, now = deposit.issue, timezone.now()
    if deposit.sending_since is not None and not sending_is_stale(deposit, now):
        return "busy"  # another job is sending it right now
    if deposit.send_after and deposit.send_after > now:
        queue.enqueue(send_deposit, deposit.pk, run_after=deposit.send_after)  # ran early: wait for the minute
        return "waiting"
    if issue.status == IssueStatus.PUBLISHED and issue.public_from and issue.public_from > now:
        # Rescheduled later since this was queued: the DOI must not lead to a page readers cannot see yet.
        Deposit.objects.filter(pk=deposit.pk, state=DepositState.QUEUED).update(send_after=issue.public_from)
        queue.enqueue(send_deposit, deposit.pk, run_after=issue.public_from)
        return "waiting"
    if not (issue.is_public_now(now=now) or issue.status == IssueStatus.WITHDRAWN):
        _finish(deposit, DepositState.CANCELLED, "Not sent: the issue is no longer published or scheduled.")
        return "cancelled"
    deposit.batch_id = f"{issue.series.slug}-{issue.number}-{deposit.pk}-{now:%Y%m%d%H%M%S}"
    try:
        xml = prepared_record(issue, deposit, now=now)
    except ValueError as problem:
        _finish(deposit, DepositState.FAILED, str(problem), batch_id=deposit.batch_id)
        return "failed"
    deposit.xml = xml.decode()
    made = {"batch_id": deposit.batch_id, "xml": deposit.xml}  # kept with any refusal, to be read in the admin
    errors = schema_errors(xml)
    if errors:
        _finish(
            deposit,
            DepositState.FAILED,
            "Not sent: the record does not follow Crossref's deposit schema 5.3.1. "
            + " ".join(errors[:5])
            + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""),
            **made,
        )
        return "invalid"
    if issue.series.crossref_deposit_url not in settings.CROSSREF_DEPOSIT_URLS:
        _finish(deposit, DepositState.FAILED, _address_refused(issue.series.crossref_deposit_url), **made)
        return "failed"
    login, password = _credentials()
    if not (login and password):
        _finish(
            deposit,
            DepositState.FAILED,
            "Not sent: this server has no Crossref login. Set CROSSREF_LOGIN and CROSSREF_PASSWORD, then "
            "deposit the issue again from the issues list.",
            **made,
        )
        return "failed"
    # Claim it: only the job whose conditional update changes the row sends it.
    claimed_at = timezone.now()
    claimed = Deposit.objects.filter(pk=deposit.pk, state=DepositState.QUEUED, sending_since=deposit.sending_since)
    if not claimed.update(
        sending_since=claimed_at, attempts=F("attempts") + 1, batch_id=deposit.batch_id, xml=deposit.xml
    ):
        return "busy"
    deposit.sending_since, deposit.attempts = claimed_at, deposit.attempts + 1
    answer = client.send(
        issue.series.crossref_deposit_url,
        login=login,
        password=password,
        filename=f"{deposit.batch_id}.xml",
        xml=xml,
        timeout=settings.CROSSREF_TIMEOUT,
    )
    return _after_sending(deposit, answer)


def _after_sending(deposit, answer):
    now = timezone.now()
    if answer.outcome == client.SENT:
        with transaction.atomic():
            if _finish(deposit, DepositState.SUBMITTED, answer.message, submitted_at=now, next_try_at=None):
                check_at = now + datetime.timedelta(seconds=settings.CROSSREF_CHECK_DELAYS[0])
                queue.enqueue(check_deposit, deposit.pk, run_after=check_at)
        return "submitted"
    if answer.outcome == client.UNREACHABLE:
        if Deposit.objects.filter(issue_id=deposit.issue_id, queued_at__gt=deposit.queued_at).exists():
            _finish(deposit, DepositState.CANCELLED, "Not sent: a later deposit of the issue replaced it.")
            return "replaced"
        retry_at = queue.backoff(deposit.attempts, settings.CROSSREF_RETRY_DELAYS, after=now)
        if retry_at is not None:
            with transaction.atomic():
                if _finish(
                    deposit,
                    DepositState.QUEUED,
                    f"{answer.message} Trying again at {moment_text(retry_at)} (attempt {deposit.attempts + 1} "
                    f"of {len(settings.CROSSREF_RETRY_DELAYS) + 1}).",
                    next_try_at=retry_at,
                ):
                    queue.enqueue(send_deposit, deposit.pk, run_after=retry_at)
            return "retrying"
        _finish(
            deposit,
            DepositState.FAILED,
            f"{answer.message} Gave up after {deposit.attempts} attempts; deposit the issue again from the "
            "issues list once Crossref answers.",
            next_try_at=None,
        )
        return "failed"
    hint = (
        " Check CROSSREF_LOGIN and CROSSREF_PASSWORD on the server."
        if answer.outcome == client.LOGIN_REFUSED
        else " Correct what it names, then deposit the issue again from the issues list."
    )
    _finish(deposit, DepositState.FAILED, _sentence(answer.message) + hint, next_try_at=None)
    return "failed"


@task()
def check_deposit(deposit_id):
    """The job: ask Crossref for a submitted deposit's result, until it has one."""
    deposit = Deposit.objects.select_related("issue__series").filter(pk=deposit_id).first()
    if deposit is None or deposit.state != DepositState.SUBMITTED:
        return "nothing to do"
    if deposit.issue.series.crossref_deposit_url not in settings.CROSSREF_DEPOSIT_URLS:
        _finish(deposit, DepositState.FAILED, _address_refused(deposit.issue.series.crossref_deposit_url))
        return "failed"
    login, password = _credentials()
    answer = client.result(
        deposit.issue.series.crossref_deposit_url,
        login=login,
        password=password,
        batch_id=deposit.batch_id,
        doi=deposit.doi,
        timeout=settings.CROSSREF_TIMEOUT,
    )
    checks = deposit.checks + 1
    if answer.outcome == client.ACCEPTED:
        _finish(deposit, DepositState.ACCEPTED, answer.message, next_try_at=None, checks=checks)
        return "accepted"
    if answer.outcome == client.REJECTED:
        _finish(
            deposit,
            DepositState.FAILED,
            f"Crossref rejected the record: {_sentence(answer.message)} Correct it, then deposit the issue again from the "
            "issues list.",
            next_try_at=None,
            checks=checks,
        )
        return "rejected"
    delays = settings.CROSSREF_CHECK_DELAYS
    next_check = queue.backoff(checks + 1, delays, after=timezone.now())
    with transaction.atomic():
        recorded = _finish(
            deposit,
            DepositState.SUBMITTED,
            f"Sent. {answer.message} "
            + (
                f"Asking again at {moment_text(next_check)}."
                if next_check
                else "Crossref has not reported a result after many hours: look the batch up in Crossref's "
                f"admin tool (batch id {deposit.batch_id})."
            ),
            next_try_at=next_check,
            checks=checks,
        )
        if recorded and next_check is not None:
            queue.enqueue(check_deposit, deposit.pk, run_after=next_check)
    return "pending"


# -- what the admin shows ------------------------------------------------------


def latest_deposits(issue_ids):
    """The newest deposit of each of these issues: ``{issue_id: Deposit}``, in one query."""
    latest = {}
    for deposit in Deposit.objects.filter(issue_id__in=list(issue_ids)).order_by("issue_id", "-queued_at", "-pk"):
        latest.setdefault(deposit.issue_id, deposit)
    return latest


def issues_to_deposit(issues):
    """Of ``issues`` (a queryset), those that can be deposited: originals, published or withdrawn, with a DOI or a
    series that gives DOIs (an issue published before its series had a prefix gets its DOI when first deposited)."""
    return (
        issues.filter(working_copy_of__isnull=True, status__in=[IssueStatus.PUBLISHED, IssueStatus.WITHDRAWN])
        .exclude(doi="", series__doi_prefix="")
        .select_related("series")
    )


def deposit_again(issues, *, by):
    """Queue a deposit of each issue (from :func:`issues_to_deposit`), giving a DOI to any without; returns how many.

    Raises ValidationError (and queues nothing) when an issue's DOI would be one another issue holds.
    """
    count = 0
    with transaction.atomic():
        for issue in issues:
            if not issue.doi:
                issue.doi = new_doi(issue)
                issue.save(update_fields=["doi", "updated_at"])
            queue_deposit(issue, DepositReason.REQUEST, by=by)
            count += 1
    return count
