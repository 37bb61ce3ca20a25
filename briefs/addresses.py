"""The addresses a public issue had before it moved, so that they keep leading to it.

A live issue's series, number or web address can change (a prepared change is
published). Readers, search engines and citations know the old address: it is
kept as a :class:`~briefs.models.FormerAddress` of the issue
(:func:`remember_address`, called by the code that writes the change, in its
transaction), and the public site answers it with 301 to the address the issue
has now (:func:`issue_moved_from`).

The rules:

- only an address readers could know is kept: that of an issue public now (the
  rule of :meth:`~briefs.models.IssueQuerySet.published`) or withdrawn (whose
  address answered 410); a draft or scheduled issue never had one;
- a former address names the issue, not the next address, so a chain of moves
  (No. 6, then 66, then 67) leads to the current address in one hop;
- an address belongs to one issue: the last one that had it;
- the issue that holds a number now wins over every former address of that
  number. The public site asks for former addresses only where no issue
  answers, or where a page address's words are not those of the issue that
  holds the number (then the issue that had exactly that page address wins).
"""

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from briefs.models import FormerAddress, Issue, IssueStatus, published_condition


def remember_address(issue_as_it_was, *, now=None):
    """Keep the address ``issue_as_it_was`` had, if the issue's row now has another one.

    ``issue_as_it_was`` is the issue as it was before the change (an ``Issue``
    loaded before it, or a ``copy.copy`` of it taken before its fields were
    changed): its ``pk``, ``series_id``, ``number`` and ``slug`` are read. Call
    this after the new address is written, inside the same transaction: the new
    address is read from the database, so a rollback takes the record with the
    change and the commit publishes both at once (the write renews the content
    version like any content write).

    Nothing is kept if the address did not change, or if the issue is neither
    public now nor withdrawn (a draft's or scheduled issue's address was never
    public). Recording the same move twice changes nothing but ``moved_at``; an
    address another issue had before is given to this one (the last to have
    it). A former address that is now the issue's own again is dropped.

    Returns the :class:`~briefs.models.FormerAddress` kept, or None.
    """
    now = now or timezone.now()
    readers_knew = Issue.objects.published(at=now) | Issue.objects.filter(status=IssueStatus.WITHDRAWN)
    current = readers_knew.filter(pk=issue_as_it_was.pk).values_list("series_id", "number", "slug").first()
    if current is None:
        return None
    old = (issue_as_it_was.series_id, issue_as_it_was.number, issue_as_it_was.slug)
    if old == current:
        return None
    series_id, number, slug = current
    with transaction.atomic():
        # The issue's address now is nobody's former address.
        FormerAddress.objects.filter(series_id=series_id, number=number, slug=slug).delete()
        former, _created = FormerAddress.objects.update_or_create(
            series_id=old[0],
            number=old[1],
            slug=old[2],
            defaults={"issue_id": issue_as_it_was.pk, "moved_at": now},
        )
    return former


def issue_moved_from(series_slug, number, slug=None, *, exact=False, now=None):
    """The issue that last had this address and that readers may be sent to now, or None.

    Readers may be sent to an issue public now, or withdrawn (its address
    answers 410). ``slug`` is given for a page address: the issue that had
    exactly that page address comes first; with ``exact`` only that one,
    else the one that left the number last. The issue comes with its series'
    slug, for its address. One query.
    """
    moved = FormerAddress.objects.filter(
        published_condition(at=now, through="issue__") | Q(issue__status=IssueStatus.WITHDRAWN),
        series__slug=series_slug,
        number=number,
    )
    order = ["-moved_at", "-pk"]
    if exact:
        moved = moved.filter(slug=slug)
    elif slug is not None:
        order.insert(0, Case(When(slug=slug, then=Value(0)), default=Value(1), output_field=IntegerField()))
    found = (
        moved.select_related("issue__series")
        .only("issue", "issue__number", "issue__slug", "issue__series", "issue__series__slug")
        .order_by(*order)
        .first()
    )
    return None if found is None else found.issue
