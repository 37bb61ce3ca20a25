"""The proofreading copy: an unpublished issue as the web will show it, for whoever holds the link.

Every answer here, whatever its status, is kept out of search engines and out
of every cache, and sends no referrer, so the token in the address does not
leak through a link the reader follows. The site's page cache never sees these
addresses (``PAGE_CACHE_EXCLUDE``); ``no-store`` would keep them out of it anyway.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from briefs.document import issue_document
from briefs.models import Issue, IssueStatus
from printing import draft_pdfs
from sharing.models import LinkState, ShareLink
from sharing.tokens import link_id_from


def _private(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)  # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
    return response


def proof_view(view):
    """Read-only (GET and HEAD, anything else 405), never indexed, never cached, no referrer."""
    read_only = require_safe(view)

    # Nothing here takes a form, so there is nothing for the CSRF check to
    # protect: a POST is answered 405 rather than with the CSRF failure page.
    @csrf_exempt
    @wraps(view)
    def wrapped(request, token):
        return _private(read_only(request, token))

    return wrapped


@dataclass(frozen=True)
class ProofCopy:
    """What the issue template needs to show a proofreading copy."""

    shared_by: str
    valid_until: datetime
    pdf_url: str


def _link(token):
    """The link ``token`` names, with its issue ready for the issue document, or None.

    A token that was not signed here is refused before the database is asked.
    """
    link_id = link_id_from(token)
    if link_id is None:
        return None
    return (
        ShareLink.objects.select_related("created_by", "issue__series__programme")
        # The series' introduction and the programme's description are long and not shown.
        .defer("issue__series__introduction", "issue__series__programme__description")
        .annotate(issue_is_public=Exists(Issue.objects.published().filter(pk=OuterRef("issue_id"))))
        .filter(pk=link_id)
        .first()
    )


def _not_found(request):
    return render(request, "404.html", status=404)


def _refusal(request, link, *, public_url):
    """The answer when ``link`` may not show its issue (410, or the public page), else None.

    A revoked link stays revoked. Once the issue is public, the link (expired or
    not) leads to the public page: nothing there is secret any more.
    """
    now = timezone.now()
    state = link.state(at=now)
    if state == LinkState.REVOKED:
        return render(request, "sharing/link_gone.html", {"reason": "revoked"}, status=410)
    if link.issue_is_public:
        return HttpResponseRedirect(public_url())
    if state == LinkState.EXPIRED:
        return render(request, "sharing/link_gone.html", {"reason": "expired", "link": link}, status=410)
    if link.issue.status == IssueStatus.WITHDRAWN:
        return render(request, "sharing/link_gone.html", {"reason": "issue_withdrawn"}, status=410)
    return None


def _shared_by(user):
    if user is None:
        return "the editors"
    return user.get_full_name() or user.get_username()


@proof_view
def proof(request, token):
    """The issue's page as readers will get it, under a banner that says it is a proofreading copy."""
    link = _link(token)
    if link is None:
        return _not_found(request)
    issue = link.issue
    refusal = _refusal(request, link, public_url=issue.get_absolute_url)
    if refusal is not None:
        return refusal
    document = issue_document(issue)
    copy = ProofCopy(_shared_by(link.created_by), timezone.localtime(link.expires_at), link.get_pdf_url())
    return render(
        request,
        "reader/issue_detail.html",
        {"doc": document, "texts": document.texts("web"), "is_public": False, "issue": issue, "proof": copy},
    )


@proof_view
def proof_pdf(request, token):
    """The printed brief marked DRAFT on every page, built by the worker once per version (:mod:`printing.draft_pdfs`)."""
    link = _link(token)
    if link is None:
        return _not_found(request)
    issue = link.issue
    refusal = _refusal(
        request, link, public_url=lambda: reverse("reader:issue_pdf", args=[issue.series.slug, issue.number])
    )
    if refusal is not None:
        return refusal
    # Never built for a request: the worker builds it once for this version of the draft.
    return draft_pdfs.draft_pdf_response(request, issue, issue_document(issue))
