"""Built PDFs of published issues: when they are made, where they are kept.

A published issue's PDF is built when the issue is published and again whenever
something it shows changes: the issue and its parts, a printed biography, a
contributor's or team member's name, the series' about sections, team or imprint,
the programme. Each build is stored through Django's storage API, keyed by the
document's content version (:func:`printing.pdf.pdf_version`): an unchanged issue
is never rebuilt, and a reader is never served a PDF of an older version. Readers
never cause a build; they are served the stored file, or told it is on its way.

Edits reach here through model signals, collected per transaction and handled
once it commits (:func:`pdfs_need_refresh`), like the front-matter token. A few
issues are built in the editor's request; more (a change to a whole series) are
built in a thread that goes on after the response.
"""

import logging
import threading

from django.core.files.base import ContentFile
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

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
from printing.models import IssuePdf
from printing.pdf import build_pdf, pdf_version
from people.models import Organisation, Person, Programme

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


def refresh_issue_pdf(issue, *, retry=False):
    """Build and store ``issue``'s PDF if it is published and its stored one is not current.

    Returns ``"built"``, ``"current"``, ``"failed"`` (recorded on the issue's
    IssuePdf; the same version is not tried again unless ``retry``), ``"removed"``
    (no longer published) or ``"none"``.
    """
    stored = IssuePdf.objects.filter(issue=issue).first()
    if issue.status != IssueStatus.PUBLISHED:
        if stored is None:
            return "none"
        stored.delete()  # and its file, once committed
        return "removed"
    document = issue_document(issue)
    version = pdf_version(document)
    if stored is not None and stored.file and stored.version == version and stored.file.storage.exists(stored.file.name):
        return "current"
    if stored is not None and stored.failed_version == version and not retry:
        return "failed"
    pdf = stored or IssuePdf(issue=issue)
    try:
        build = build_pdf(document)
    except Exception as error:
        logger.exception("Could not build the PDF of %s", document.subject)
        pdf.failed_version, pdf.failure, pdf.failed_at = version, str(error) or type(error).__name__, timezone.now()
        pdf.save()
        return "failed"
    old_name, older_name = pdf.file.name, pdf.previous_file
    pdf.file.save(_storage_name(document, version), ContentFile(build.data), save=False)
    pdf.version, pdf.pages, pdf.build_seconds, pdf.built_at = version, build.pages, build.seconds, timezone.now()
    pdf.missing_glyphs = "".join(build.missing_glyphs)[:200]
    pdf.failed_version, pdf.failure, pdf.failed_at = "", "", None
    # The file just replaced stays one build longer: a reader may be downloading it.
    pdf.previous_file = old_name if old_name != pdf.file.name else older_name
    pdf.save()
    if older_name and older_name not in (pdf.file.name, pdf.previous_file):
        _delete_files(pdf.file.storage, [older_name])
    logger.info("Built the PDF of %s: %s pages in %.2f s", document.subject, build.pages, build.seconds)
    return "built"


def refresh_issue_pdfs(issues, *, retry=False):
    """Refresh each issue's PDF; a failure is recorded and leaves the others to be built."""
    results = {}
    for issue in issues.select_related("series__programme"):
        try:
            # A savepoint: a clash with a build running elsewhere (two saves at
            # once) must not break the transaction of the request it runs in.
            with transaction.atomic():
                results[issue.pk] = refresh_issue_pdf(issue, retry=retry)
        except Exception:  # storage or database trouble: log it, go on with the others
            logger.exception("Could not refresh the PDF of %s", issue)
            results[issue.pk] = "failed"
    return results


# -- what an edit touches ------------------------------------------------------

_pending = threading.local()


def pdfs_need_refresh(issue_filter):
    """Refresh the PDFs of the issues matching ``issue_filter`` (a Q) once the transaction commits."""
    if not hasattr(_pending, "filters"):
        _pending.filters = []
    _pending.filters.append(issue_filter)
    transaction.on_commit(_flush)


def _flush():
    filters, _pending.filters = getattr(_pending, "filters", []), []
    if not filters:
        return
    combined = Q()
    for issue_filter in filters:
        combined |= issue_filter
    # Published issues get a current PDF; an issue just returned to draft loses its own.
    ids = list(
        Issue.objects.filter(combined)
        .filter(Q(status=IssueStatus.PUBLISHED) | Q(pdf__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )
    if len(ids) <= settings.PDF_BUILDS_IN_REQUEST:
        refresh_issue_pdfs(Issue.objects.filter(pk__in=ids))
    else:
        # A change to a whole series (its team, an about section) would keep the
        # editor waiting half a second per issue: those builds go on after the
        # response. Readers meanwhile get "being prepared", never a stale PDF.
        threading.Thread(target=_refresh_in_background, args=(ids,), name=BACKGROUND_THREAD).start()


BACKGROUND_THREAD = "issue-pdf-builds"


def _refresh_in_background(ids):
    try:
        refresh_issue_pdfs(Issue.objects.filter(pk__in=ids))
    finally:
        connections.close_all()


def _issue_changed(sender, instance, **kwargs):
    pdfs_need_refresh(Q(pk=instance.pk))


def _part_changed(sender, instance, **kwargs):
    # The issue it was part of and the one it is part of now, if it moved.
    pdfs_need_refresh(Q(pk__in=instance.loaded_and_current("issue_id")))


def _series_part_changed(sender, instance, **kwargs):
    pdfs_need_refresh(Q(series__in=instance.loaded_and_current("series_id")))


def _series_changed(sender, instance, **kwargs):
    pdfs_need_refresh(Q(series=instance.pk))


def _programme_changed(sender, instance, created=False, **kwargs):
    if not created:
        pdfs_need_refresh(Q(series__programme=instance.pk))


def _person_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new person is in no issue yet
        pdfs_need_refresh(
            Q(contributions__person=instance.pk) | Q(series__editorial_memberships__person=instance.pk)
        )


def _tag_changed(sender, instance, created=False, **kwargs):
    """A topic or place renamed or deleted: the issues it tags print it (pre_delete: they are still tagged)."""
    if not created:
        pdfs_need_refresh(Q(pk__in=list(instance.issues.values_list("pk", flat=True))))


def _tags_set(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics or places added to or removed from issues."""
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        pdfs_need_refresh(Q(pk=instance.pk))
    elif action == "pre_clear":  # a topic cleared of its issues: find them while they are there
        pdfs_need_refresh(Q(pk__in=list(instance.issues.values_list("pk", flat=True))))
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
