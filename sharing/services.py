"""Making and revoking proofreading links: the one way the admin (and anything later) writes them."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from briefs.models import Issue, IssueStatus
from sharing.models import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS, ShareLink


def sharing_problem(issue, *, now=None):
    """Why ``issue`` cannot be shared for proofreading now, or None.

    Anything not public can be: a draft, an issue in review, an approved or a
    scheduled one. A public issue has its own address; a withdrawn one was taken
    off the site on purpose.
    """
    if issue.status == IssueStatus.WITHDRAWN:
        return "A withdrawn issue cannot be shared for proofreading."
    if Issue.objects.published(at=now).filter(pk=issue.pk).exists():
        return "This issue is public: send its address instead of a proofreading link."
    return None


def share_issue(*, issue, by, days=DEFAULT_DAYS, note="", now=None):
    """A new proofreading link to ``issue``, made by ``by``, valid for ``days`` days from ``now``."""
    now = now or timezone.now()
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            "A link can be valid for %(min)s to %(max)s days.",
            code="validity_out_of_range",
            params={"min": MIN_DAYS, "max": MAX_DAYS},
        )
    problem = sharing_problem(issue, now=now)
    if problem:
        raise ValidationError(problem, code="not_shareable")
    return ShareLink.objects.create(
        issue=issue,
        note=note.strip(),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )


def revoke_share_link(*, link, by, now=None):
    """Stop ``link`` working from ``now``. Revoking it again changes nothing: the first revocation is kept."""
    now = now or timezone.now()
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=by)
    link.revoked_at, link.revoked_by_id = (
        ShareLink.objects.filter(pk=link.pk).values_list("revoked_at", "revoked_by").get()
    )
    return link
