"""The desk on the admin's home page: what waits for someone, each a count linking to the list of exactly those.

- issues in review (waiting for the editor-in-chief's approval),
- scheduled issues (published for a later moment, not yet public),
- issues whose PDF could not be built (the list shows why),
- issues whose newest Crossref deposit failed (each issue's page shows why),
- proofreading links about to expire: still working, and expiring within
  :data:`EXPIRING_WITHIN` (3 days), so that an author who has not answered yet
  can be sent a new one.

The conditions live here once: the desk counts with them and the lists' filters
(``IssueAdmin``'s and ``ShareLinkAdmin``'s) list with them, so a count and the
list it links to always agree. Each model's admin decides what the user may see
(its permissions and its queryset); the desk reads every count in two queries,
whatever the numbers.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue, IssueStatus
from crossref.models import Deposit, DepositState
from sharing.models import ShareLink

#: A proofreading link is “about to expire” when it works now and stops within this time.
EXPIRING_WITHIN = datetime.timedelta(days=3)

#: The query-string values of the lists' filters the desk links to.
SCHEDULED, PDF_FAILED, EXPIRING, DEPOSIT_FAILED = "scheduled", "failed", "expiring", "failed"


def in_review():
    return Q(status=IssueStatus.IN_REVIEW)


def scheduled(now):
    return Q(status=IssueStatus.PUBLISHED, public_from__gt=now)


def pdf_failed():
    return Q(pdf__failure__gt="")


def with_newest_deposit(issues):
    """``issues`` with ``newest_deposit_state``: the state of each one's newest Crossref deposit (None: none)."""
    newest = Deposit.objects.filter(issue=OuterRef("pk")).order_by("-queued_at", "-pk").values("state")[:1]
    return issues.annotate(newest_deposit_state=Subquery(newest))


def deposit_failed():
    """On :func:`with_newest_deposit`'s issues: the newest deposit failed (a later success clears it)."""
    return Q(newest_deposit_state=DepositState.FAILED)


def expiring(now):
    return Q(revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=now + EXPIRING_WITHIN)


@dataclass(frozen=True)
class DeskItem:
    count: int
    one: str
    many: str
    url: str

    @property
    def label(self):
        return self.one if self.count == 1 else self.many


def desk_for(request, admin_site, *, now=None):
    """What waits, as far as ``request.user`` may see it: a list of :class:`DeskItem`, possibly empty."""
    now = now or timezone.now()
    items = []
    issues = admin_site.get_model_admin(Issue) if admin_site.is_registered(Issue) else None
    if issues is not None and issues.has_view_or_change_permission(request):
        counts = with_newest_deposit(issues.get_queryset(request)).aggregate(
            in_review=Count("pk", filter=in_review()),
            scheduled=Count("pk", filter=scheduled(now)),
            pdf_failed=Count("pk", filter=pdf_failed()),
            deposit_failed=Count("pk", filter=deposit_failed()),
        )
        listing = reverse(f"{admin_site.name}:briefs_issue_changelist")
        items += [
            DeskItem(
                counts["in_review"],
                "issue in review",
                "issues in review",
                f"{listing}?status__exact={IssueStatus.IN_REVIEW}",
            ),
            DeskItem(counts["scheduled"], "scheduled issue", "scheduled issues", f"{listing}?public={SCHEDULED}"),
            DeskItem(
                counts["pdf_failed"],
                "issue whose PDF could not be built",
                "issues whose PDF could not be built",
                f"{listing}?pdf={PDF_FAILED}",
            ),
            DeskItem(
                counts["deposit_failed"],
                "issue whose DOI deposit failed",
                "issues whose DOI deposit failed",
                f"{listing}?doi={DEPOSIT_FAILED}",
            ),
        ]
    links = admin_site.get_model_admin(ShareLink) if admin_site.is_registered(ShareLink) else None
    if links is not None and links.has_view_permission(request):
        items.append(
            DeskItem(
                links.get_queryset(request).filter(expiring(now)).count(),
                "proofreading link expiring within 3 days",
                "proofreading links expiring within 3 days",
                reverse(f"{admin_site.name}:sharing_sharelink_changelist") + f"?state={EXPIRING}",
            )
        )
    return items
