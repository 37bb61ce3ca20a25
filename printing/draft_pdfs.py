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
from django_tasks import task

from briefs.document import issue_document
from briefs.models import Issue
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
