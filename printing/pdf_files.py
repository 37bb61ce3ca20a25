"""Built PDFs of published issues: when they are made, where they are kept.

A published issue's PDF is built when the issue is published and again whenever
something it shows changes: the issue and its parts, a printed biography, a
contributor's or team member's name, the series' about sections, team or imprint,
the programme. Each build is stored through Django's storage API, keyed by the
document's content version (:func:`printing.pdf.pdf_version`): an unchanged issue
is never rebuilt, and a reader is never served a PDF of an older version. Readers
never cause a build; they are served the stored file, or told it is on its way.

Edits reach here through model signals, which enqueue a job per issue with the
transaction that made them (:mod:`jobs.queue`); the worker process
(``manage.py jobs_worker``) runs :func:`build_issue_pdf`. Nothing is built in a
web worker and no thread is started there (docs/architecture.md, Background jobs).

A build is written to a new, version-keyed name and the issue's row points to it
only once the file is complete: a full disk leaves no partial file, and the row
(and what readers get) stays as it was. A failure is recorded on the row with its
reason and tried again with backoff (``PDF_RETRY_DELAYS``).
"""

import logging
import os
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone
from django_tasks import task

from briefs.document import issue_document
from briefs.models import (
    AboutSection,
    Contribution,
    EditorialMembership,
    Footnote,
    Issue,
    IssueStatus,
    Place,
    Question,
    Series,
    Topic,
)
from common.object_storage import STORAGE_ERRORS
from jobs import queue
from people.models import Organisation, Person, Programme
from printing.models import IssuePdf
from printing.pdf import build_pdf, pdf_version

logger = logging.getLogger(__name__)


def current_pdf(issue, document):
    """The stored PDF of ``issue`` if it shows ``document`` as it is now, else None."""
    stored = IssuePdf.objects.filter(issue=issue).first()
    if stored is not None and stored.file and stored.version == pdf_version(document):
        return stored
    return None


def current_failure(issue, document):
    """Why the PDF of ``issue`` as it is now could not be built, or ""."""
    stored = IssuePdf.objects.filter(issue=issue).first()
    if stored is not None and stored.failed_version == pdf_version(document):
        return stored.failure
    return ""


def _storage_name(document, version):
    return f"{document.series_slug}/{document.number:03d}-{version[:16]}.pdf"


def store_new_file(storage, name, data):
    """Store ``data`` under ``name`` (or a free name like it) and return the name; nothing is left if it fails.

    Storage writes straight to the final name: a full disk (``ENOSPC``) leaves
    the part already written, which is deleted here. The name is new (keyed by
    the content version), never the one readers are being served.
    """
    name = storage.get_available_name(name)
    try:
        return storage.save(name, ContentFile(data))
    except BaseException:
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception:
            logger.exception("Could not remove the partial file %s", name)
        raise


def refresh_issue_pdf(issue, *, retry=False):
    """Build and store ``issue``'s PDF if it is published and its stored one is not current.

    Returns ``"built"``, ``"current"``, ``"failed"`` (recorded on the issue's
    IssuePdf and tried again later, see :func:`_record_failure`), ``"waiting"``
    (this version failed and its retry is due later; ``retry`` builds now),
    ``"removed"`` (no longer published) or ``"none"``.
    """
    stored = IssuePdf.objects.filter(issue=issue).first()
    if issue.status != IssueStatus.PUBLISHED:
        if stored is None:
            return "none"
        stored.delete()  # and its file, once committed
        return "removed"
    document = issue_document(issue)
    version = pdf_version(document)
    try:
        if (
            stored is not None
            and stored.file
            and stored.version == version
            and stored.file.storage.exists(stored.file.name)
        ):
            if stored.failed_version:  # a failure to check it, now answered: nothing to tell the editors
                stored.failed_version, stored.failure, stored.failed_at = "", "", None
                stored.attempts, stored.next_retry_at = 0, None
                stored.save()
            return "current"
    except STORAGE_ERRORS as error:  # the storage cannot say: recorded on the issue and tried again
        logger.exception("Could not check the stored PDF of %s", document.subject)
        _record_failure(stored, version, error)
        return "failed"
    if stored is not None and stored.failed_version == version and not retry:
        if stored.next_retry_at is None or stored.next_retry_at > timezone.now():
            return "waiting" if stored.next_retry_at is not None else "failed"
    pdf = stored or IssuePdf(issue=issue)
    try:
        build = build_pdf(document)
        name = store_new_file(pdf.file.storage, _storage_name(document, version), build.data)
    except Exception as error:
        logger.exception("Could not build the PDF of %s", document.subject)
        _record_failure(pdf, version, error)
        return "failed"
    old_name, older_name = pdf.file.name, pdf.previous_file
    pdf.file.name = name
    pdf.version, pdf.pages, pdf.build_seconds, pdf.built_at = version, build.pages, build.seconds, timezone.now()
    pdf.size = len(build.data)
    pdf.missing_glyphs = "".join(build.missing_glyphs)[:200]
    pdf.failed_version, pdf.failure, pdf.failed_at = "", "", None
    pdf.attempts, pdf.next_retry_at = 0, None
    # The file just replaced stays one build longer: a reader may be downloading it.
    pdf.previous_file = old_name if old_name != pdf.file.name else older_name
    pdf.save()
    if older_name and older_name not in (pdf.file.name, pdf.previous_file):
        storage = pdf.file.storage
        transaction.on_commit(lambda: _delete_files(storage, [older_name]))
    logger.info("Built the PDF of %s: %s pages in %.2f s", document.subject, build.pages, build.seconds)
    return "built"


def _record_failure(pdf, version, error):
    """Note on the issue why its PDF could not be built, and when it is tried again (``PDF_RETRY_DELAYS``)."""
    attempts = (pdf.attempts if pdf.failed_version == version else 0) + 1
    pdf.failed_version, pdf.failure, pdf.failed_at = version, _reason(error), timezone.now()
    pdf.attempts, pdf.next_retry_at = attempts, queue.backoff(attempts, settings.PDF_RETRY_DELAYS, after=pdf.failed_at)
    with transaction.atomic():  # the failure and its retry job, together
        pdf.save()
        if pdf.next_retry_at is not None:
            queue.enqueue(build_issue_pdf, pdf.issue_id, run_after=pdf.next_retry_at)


def _reason(error):
    if isinstance(error, OSError) and error.errno is not None:
        return f"the PDF could not be stored: {os.strerror(error.errno)}"
    return str(error) or type(error).__name__


def refresh_issue_pdfs(issues, *, retry=False):
    """Refresh each issue's PDF; a failure is recorded and leaves the others to be built."""
    results = {}
    for issue in issues.select_related("series__programme"):
        try:
            # A savepoint: trouble with one issue must not break the caller's transaction.
            with transaction.atomic(), _one_build_at_a_time(issue.pk) as mine:
                # "busy": a worker is building it right now (build_pdfs beside a running worker).
                results[issue.pk] = refresh_issue_pdf(issue, retry=retry) if mine else "busy"
        except Exception:  # storage or database trouble: log it, go on with the others
            logger.exception("Could not refresh the PDF of %s", issue)
            results[issue.pk] = "failed"
    return results


# -- the job -------------------------------------------------------------------

#: Seconds before a job that found another build of its issue under way tries again.
BUSY_RETRY_SECONDS = 2


@contextmanager
def _one_build_at_a_time(issue_id):
    """Inside: this process alone builds ``issue_id``'s PDF (yields False if another is at it).

    PostgreSQL: a transaction-level advisory lock, released by the commit or by
    the death of the worker's connection, so a killed worker never holds it.
    The build runs in that transaction. SQLite (development, one worker): no lock.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [PDF_LOCK_NAMESPACE, issue_id])
            yield cursor.fetchone()[0]


#: The first key of the advisory locks of PDF builds (any number no other lock here uses).
PDF_LOCK_NAMESPACE = 1_515_001


@task()
def build_issue_pdf(issue_id, retry=False):
    """The job: make ``issue_id``'s PDF current (or remove it, if no longer published). Idempotent."""
    with _one_build_at_a_time(issue_id) as mine:
        if not mine:
            # Another worker is building it from the rows as they were when it began,
            # maybe before the change that queued this job: look again shortly.
            queue.enqueue(build_issue_pdf, issue_id, run_after=timezone.now() + timedelta(seconds=BUSY_RETRY_SECONDS))
            return "busy"
        issue = Issue.objects.select_related("series__programme").filter(pk=issue_id).first()
        if issue is None:
            return "none"
        return refresh_issue_pdf(issue, retry=retry)


def _enqueue_builds(ids, filters):
    """One build job per issue among ``ids`` and those ``filters`` find (published, or with a PDF to remove)."""
    if filters:
        combined = Q(pk__in=ids)
        for issue_filter in filters:
            combined |= issue_filter
        ids = set(
            Issue.objects.filter(combined)
            .filter(Q(status=IssueStatus.PUBLISHED) | Q(pdf__isnull=False))
            .values_list("pk", flat=True)
            .distinct()
        )
    for issue_id in sorted(ids):
        queue.enqueue(build_issue_pdf, issue_id)


# -- what an edit touches ------------------------------------------------------


def pdfs_need_refresh(issue_filter=None, ids=()):
    """Rebuild the PDFs of these issues (ids, and those matching ``issue_filter``, a Q) with this transaction."""
    queue.changed(_enqueue_builds, ids=ids, issue_filter=issue_filter)


def _issue_changed(sender, instance, **kwargs):
    if not instance.never_seen_by_readers():  # a working copy prints nothing until it is published
        pdfs_need_refresh(ids=[instance.pk])


def _part_changed(sender, instance, **kwargs):
    # The issue it was part of and the one it is part of now, if it moved.
    if not instance.never_seen_by_readers():
        pdfs_need_refresh(ids=instance.loaded_and_current("issue_id"))


def _series_part_changed(sender, instance, **kwargs):
    pdfs_need_refresh(Q(series__in=instance.loaded_and_current("series_id")))


def _series_changed(sender, instance, **kwargs):
    pdfs_need_refresh(Q(series=instance.pk))


def _programme_changed(sender, instance, created=False, **kwargs):
    if not created:
        pdfs_need_refresh(Q(series__programme=instance.pk))


def _person_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new person is in no issue yet
        pdfs_need_refresh(Q(contributions__person=instance.pk) | Q(series__editorial_memberships__person=instance.pk))


def _tag_changed(sender, instance, created=False, **kwargs):
    """A topic or place renamed or deleted: the issues it tags print it (pre_delete: they are still tagged)."""
    if not created:
        pdfs_need_refresh(ids=list(instance.issues.values_list("pk", flat=True)))


def _tags_set(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics or places added to or removed from issues."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse and instance.never_seen_by_readers():  # a working copy's topics: nothing printed changes
        return
    if not reverse:
        pdfs_need_refresh(Q(pk=instance.pk))
    elif action == "pre_clear":  # a topic cleared of its issues: find them while they are there
        pdfs_need_refresh(ids=list(instance.issues.values_list("pk", flat=True)))
    elif pk_set:
        pdfs_need_refresh(Q(pk__in=list(pk_set)))


def _organisers_set(sender, instance, action, reverse, pk_set, **kwargs):
    """A programme's organisers changed: its issues' metadata name them as publishers."""
    if action == "pre_clear" and reverse:  # an organisation cleared of its programmes: find them while they are there
        pdfs_need_refresh(Q(series__programme__in=list(instance.organised_programmes.values_list("pk", flat=True))))
    elif action in ("post_add", "post_remove", "post_clear"):
        programmes = list(pk_set or ()) if reverse else [instance.pk]
        pdfs_need_refresh(Q(series__programme__in=programmes))


def _organisation_changed(sender, instance, created=False, **kwargs):
    if not created:
        pdfs_need_refresh(Q(series__programme__organisers=instance.pk))


def _pdf_deleted(sender, instance, **kwargs):
    # The row goes with its issue; the file in storage goes once that is committed.
    names, storage = [n for n in (instance.file.name, instance.previous_file) if n], instance.file.storage
    if names:
        transaction.on_commit(lambda: _delete_files(storage, names))


def _delete_files(storage, names):
    """Delete stored files; one the storage cannot delete now is logged and left behind, never raised."""
    for name in names:
        try:
            storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("Could not delete the old PDF %s: the file storage fails", name, exc_info=True)


def connect():
    receivers = [
        (Issue, _issue_changed),
        (Contribution, _part_changed),
        (Question, _part_changed),
        (Footnote, _part_changed),
        (AboutSection, _series_part_changed),
        (EditorialMembership, _series_part_changed),
        (Series, _series_changed),
        (Programme, _programme_changed),
        (Person, _person_changed),
    ]
    for model, receiver in receivers:
        uid = f"issue-pdf-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        if model not in (Issue, Series, Programme, Person):
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    post_delete.connect(_pdf_deleted, sender=IssuePdf, dispatch_uid="issue-pdf-file-delete")
    for model in (Topic, Place):
        post_save.connect(_tag_changed, sender=model, dispatch_uid=f"issue-pdf-{model.__name__}-save")
        pre_delete.connect(_tag_changed, sender=model, dispatch_uid=f"issue-pdf-{model.__name__}-delete")
    m2m_changed.connect(_organisers_set, sender=Programme.organisers.through, dispatch_uid="issue-pdf-organisers")
    post_save.connect(_organisation_changed, sender=Organisation, dispatch_uid="issue-pdf-Organisation-save")
    for through in (Issue.topics.through, Issue.places.through):
        m2m_changed.connect(_tags_set, sender=through, dispatch_uid=f"issue-pdf-{through.__name__}")
