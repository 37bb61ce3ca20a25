"""An unpublished issue's PDF, marked DRAFT: built once per version by the background worker, then stored.

For proofreading links (``sharing``) and staff previews. It used to be built on
every request (four requests for a long draft held the site up for seconds).
Now the stored file is served when it shows the draft as it is now; otherwise
the request gets a "being prepared" page and a job (one waiting at a time per
issue) builds it in the worker.

Stored through the issue PDFs' storage (``STORAGES["issue_pdfs"]``) under
``proofs/<issue id>/<version>.pdf``: the name says which version of the draft it
shows, so an edited draft is never served an older proof. Older proofs of the
issue are removed when a newer one is stored.
"""

import logging

from django.core.files.storage import storages
from django.db import transaction
from django.db.models.signals import post_delete
from django.http import FileResponse
from django.shortcuts import render
from django_tasks import task

from briefs.document import issue_document
from briefs.models import Issue
from common.object_storage import STORAGE_ERRORS, storage_unavailable
from jobs import queue
from printing.pdf import build_pdf, pdf_version
from printing.pdf_files import store_new_file

logger = logging.getLogger(__name__)

FOLDER = "proofs"


def _storage():
    return storages["issue_pdfs"]


def draft_name(issue_id, document):
    return f"{FOLDER}/{issue_id}/{pdf_version(document)[:24]}-draft.pdf"


def stored_draft(issue, document):
    """The name of the stored draft PDF that shows ``document`` as it is now, or None."""
    name = draft_name(issue.pk, document)
    return name if _storage().exists(name) else None


def request_draft(issue):
    """Ask the worker for the issue's draft PDF (unless a job for it is already waiting)."""
    queue.enqueue_unless_waiting(build_draft_pdf, issue.pk)


@task()
def build_draft_pdf(issue_id):
    """The job: build and store the issue's draft PDF unless the current one is stored. Idempotent."""
    issue = Issue.objects.select_related("series__programme").filter(pk=issue_id).first()
    if issue is None:
        return "none"
    document = issue_document(issue)
    name = draft_name(issue_id, document)
    storage = _storage()
    if storage.exists(name):
        return "current"
    build = build_pdf(document, draft=True, strict=False)
    stored = store_new_file(storage, name, build.data)
    folder = f"{FOLDER}/{issue_id}"
    for old in storage.listdir(folder)[1]:
        if f"{folder}/{old}" != stored:
            storage.delete(f"{folder}/{old}")
    logger.info("Built the draft PDF of %s: %s pages in %.2f s", document.subject, build.pages, build.seconds)
    return "built"


def draft_pdf_response(request, issue, document):
    """The stored draft PDF of this version; else "being prepared" while the worker builds it (never built here).

    For staff previews (``reader``) and proofreading links (``sharing``). The
    storage failing is a 503 page, never a traceback.
    """
    try:
        name = stored_draft(issue, document)
        if name is not None:
            return FileResponse(
                storages["issue_pdfs"].open(name, "rb"), content_type="application/pdf", filename=document.pdf_filename
            )
    except FileNotFoundError:
        name = None  # removed meanwhile: built again
    except STORAGE_ERRORS:
        logger.exception("The draft PDF of %s cannot be read: the file storage fails", document.subject)
        return storage_unavailable(request, f"The draft PDF of {document.subject}", doc=document)
    request_draft(issue)
    response = render(request, "reader/draft_pdf_pending.html", {"doc": document}, status=503)
    response["Retry-After"] = "5"
    return response


def _issue_deleted(sender, instance, **kwargs):
    """An issue deleted (a draft, or a working copy once published): its draft PDFs go once that is committed."""
    issue_id = instance.pk
    transaction.on_commit(lambda: _delete_drafts(issue_id))


def _delete_drafts(issue_id):
    folder = f"{FOLDER}/{issue_id}"
    storage = _storage()
    try:
        names = storage.listdir(folder)[1]
        for name in names:
            storage.delete(f"{folder}/{name}")
    except FileNotFoundError:
        return  # none was ever built
    except STORAGE_ERRORS:
        logger.warning("Could not delete the draft PDFs in %s: the file storage fails", folder, exc_info=True)


def connect():
    post_delete.connect(_issue_deleted, sender=Issue, dispatch_uid="draft-pdfs-issue-delete")
