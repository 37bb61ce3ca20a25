"""The archive's filters: by year, kind, topic, country or region, and author.

Filters combine (an issue must match each one chosen) and live in the address
(``/issues/?topic=energy&year=2019``), so a filtered archive can be shared,
bookmarked and paged through. Each filter offers its choices with a count: how
many issues that choice would show *together with the other filters chosen*,
so that a reader never picks a choice that shows nothing.

:func:`read_filters` reads the address (anything it cannot use is set aside
with a note for the reader, never an error); :func:`filtered` applies the
filters to a queryset; :func:`facets` counts the choices. Everything starts from
the queryset the view passes in, which starts from ``Issue.objects.published()``.
The counts take one query per filter, whatever the number of issues.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from briefs.models import AUTHOR_ROLES, Contribution, Issue, IssueKind, Place, Topic
from people.models import Person
from reader.people_public import public_people
from sitecache.versioning import cache as content_cache
from sitecache.versioning import version_now

#: The filters, in the order the page shows them: (parameter, label).
FILTERS = (("year", "Year"), ("kind", "Kind"), ("topic", "Topic"), ("place", "Country or region"), ("author", "Author"))
FILTER_NAMES = tuple(name for name, _label in FILTERS)

#: The author filter offers the authors with the most issues (under the other
#: filters), at most this many; each author's page links to all their issues.
AUTHOR_CHOICES = 100

_SLUG = re.compile(r"^[-\w]{1,200}$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class ArchiveFilters:
    """The filters an address asks for (only those that can be used) and notes on what was set aside."""

    values: dict = field(default_factory=dict)
    notes: tuple = ()

    def __bool__(self):
        return bool(self.values)

    def without(self, *names):
        return ArchiveFilters({k: v for k, v in self.values.items() if k not in names}, self.notes)

    def with_notes(self, *notes):
        return ArchiveFilters(self.values, (*self.notes, *notes))


def read_filters(params, *, fixed=()):
    """The :class:`ArchiveFilters` in ``params`` (a QueryDict); ``fixed`` names filters the page sets itself.

    A value that cannot be a year, a kind or a web address is set aside with a
    note. Whether a topic, place or author of that address exists is found out
    by :func:`facets`.
    """
    values, notes = {}, []
    for name, label in FILTERS:
        if name in fixed:
            continue
        raw = params.get(name, "").strip()
        if not raw:
            continue
        if name == "year":
            ok = bool(_YEAR.match(raw)) and int(raw) >= 1  # there is no year 0: date(0, 1, 1) raises
        elif name == "kind":
            ok = raw in IssueKind.values
        else:
            ok = bool(_SLUG.match(raw))
        if ok:
            values[name] = int(raw) if name == "year" else raw
        else:
            notes.append(f"“{raw[:60]}” is not a {label.lower()} this archive knows; that filter was left out.")
    return ArchiveFilters(values, tuple(notes))


def filtered(issues, filters):
    """``issues`` narrowed by every filter in ``filters`` (an :class:`ArchiveFilters` or a dict)."""
    values = filters.values if isinstance(filters, ArchiveFilters) else filters
    if "year" in values:
        issues = issues.filter(publication_date__year=values["year"])
    if "kind" in values:
        issues = issues.filter(kind=values["kind"])
    if "topic" in values:
        issues = issues.filter(
            Exists(Issue.topics.through.objects.filter(issue_id=OuterRef("pk"), topic__slug=values["topic"]))
        )
    if "place" in values:
        issues = issues.filter(
            Exists(Issue.places.through.objects.filter(issue_id=OuterRef("pk"), place__slug=values["place"]))
        )
    if "author" in values:
        issues = issues.filter(
            Exists(
                Contribution.objects.filter(
                    issue_id=OuterRef("pk"), role__in=AUTHOR_ROLES, person__slug=values["author"]
                )
            )
        )
    return issues


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    choices: tuple
    #: Only the choices with the most issues are offered (see AUTHOR_CHOICES).
    truncated: bool = False

    @property
    def selected(self):
        return next((c for c in self.choices if c.selected), None)


def _person_label(given_name, family_name):
    return " ".join(part for part in (given_name, family_name) if part)


def _counts(name, issues):
    """``[(value, label, count, sort key)]`` for one filter, over ``issues``: one query."""
    ids = issues.values("pk")
    if name == "year":
        rows = (
            issues.annotate(y=ExtractYear("publication_date"))
            .values("y")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("y", "n")
        )
        return [(str(y), str(y), n, -y) for y, n in rows]
    if name == "kind":
        labels = dict(IssueKind.choices)
        order = {value: i for i, value in enumerate(IssueKind.values)}
        rows = issues.values("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n")
        return [(k, labels.get(k, k), n, order.get(k, 99)) for k, n in rows]
    if name in ("topic", "place"):
        through = Issue.topics.through if name == "topic" else Issue.places.through
        # Grouped by the tag's id; its slug and name come along, one per group.
        rows = (
            through.objects.filter(issue_id__in=ids)
            .values(f"{name}_id")
            .annotate(n=Count("issue_id"), slug=Max(f"{name}__slug"), label=Max(f"{name}__name"))
            .order_by()
            .values_list("slug", "label", "n")
        )
        return [(slug, label, n, label.casefold()) for slug, label, n in rows]
    # Authors: those with the most issues first, at most AUTHOR_CHOICES of them.
    rows = (
        Contribution.objects.filter(issue_id__in=ids, role__in=AUTHOR_ROLES)
        .values("person_id")
        .annotate(
            n=Count("issue_id", distinct=True),
            slug=Max("person__slug"),
            given=Max("person__given_name"),
            family=Max("person__family_name"),
        )
        .order_by("-n", "person_id")
        .values_list("slug", "given", "family", "n")[:AUTHOR_CHOICES]
    )
    return [(slug, _person_label(g, f), n, (f.casefold(), g.casefold())) for slug, g, f, n in rows]


def _unlisted(name, value, issues):
    """``(value, label, count, sort key)`` for a chosen value missing from the counted choices; None if it names nothing.

    Missing because no issue of ``issues`` (filtered by the other filters) matches it,
    so its count is 0; or, for an author, because more authors than
    :data:`AUTHOR_CHOICES` were counted before them, so theirs is counted here.
    """
    if name == "year":
        return (str(value), str(value), 0, -value)
    if name == "kind":
        return (value, IssueKind(value).label, 0, IssueKind.values.index(value))
    # Only what the public may see is named: a topic or place that only unpublished issues
    # have, or a person without a public page, is as unknown as a mistyped one.
    if name in ("topic", "place"):
        model = Topic if name == "topic" else Place
        tagged = Issue.objects.published().filter(**{f"{name}s": OuterRef("pk")})
        label = model.objects.filter(Exists(tagged), slug=value).values_list("name", flat=True).first()
        return (value, label, 0, label.casefold()) if label is not None else None
    row = public_people(Person.objects.filter(slug=value)).values_list("given_name", "family_name").first()
    if row is None:
        return None
    g, f = row
    n = (
        Contribution.objects.filter(issue_id__in=issues.values("pk"), role__in=AUTHOR_ROLES, person__slug=value)
        .values("issue_id")
        .distinct()
        .count()
    )
    return (value, _person_label(g, f), n, (f.casefold(), g.casefold()))


def facets(issues, filters, *, fixed=()):
    """Each filter but ``fixed`` with its choices and counts, and the filters whose chosen value does not exist.

    ``issues`` is the unfiltered queryset (published issues, perhaps of one
    series or topic). Returns ``(facets, unknown)``: ``unknown`` maps a filter
    name to the value asked for that names nothing (a topic renamed or
    deleted); the view then shows all issues for that filter and says so.
    """
    result, unknown = [], {}
    for name, label in FILTERS:
        if name in fixed:
            continue
        others = filtered(issues, filters.without(name))
        rows = _counts(name, others)
        chosen = filters.values.get(name)
        chosen_str = None if chosen is None else str(chosen)
        if chosen_str is not None and all(value != chosen_str for value, *_rest in rows):
            row = _unlisted(name, chosen, others)
            if row is None:
                unknown[name] = chosen_str
            else:
                rows.append(row)
        rows.sort(key=lambda row: (row[3], row[0]))
        result.append(
            Facet(
                name=name,
                label=label,
                choices=tuple(Choice(value, text, n, value == chosen_str) for value, text, n, _key in rows),
                truncated=name == "author" and len(rows) >= AUTHOR_CHOICES,
            )
        )
    return tuple(result), unknown


def archive_state(issues, params, *, fixed=(), scope="archive"):
    """``(filters, facets)`` for an archive of ``issues`` at an address with ``params``.

    A topic, place or author that the address names but that does not exist
    (renamed, deleted, mistyped) is left out with a note, and the counts are
    made again without it.

    The counts are kept in the page cache's store under the site's content
    version (renewed by every write and when a scheduled issue goes public),
    and ``scope``, which names ``issues`` (``"archive"``, ``"topic:7"``): the
    pages of one filtered archive count once.
    """
    filters = read_filters(params, fixed=fixed)
    version = version_now()
    # The address is the readers' to choose: hashed, the key stays short and plain for any cache.
    key = f"archive-facets:{version}:{scope}:{hashlib.sha256(address(filters).encode()).hexdigest()}"
    kept = None
    if version is not None:
        try:
            kept = content_cache().get(key)
        except Exception:  # the cache is down: count
            kept = None
    if kept is None:
        kept = _count_facets(issues, filters, fixed)
        if version is not None:
            try:
                content_cache().set(key, kept, timeout=FACETS_KEPT_SECONDS)
            except Exception:
                pass
    # Only what the filters' values decide is kept; the notes on what this address set
    # aside are its own (another address with the same usable filters had others).
    unknown, found = kept
    return _without_unknown(filters, unknown), found


#: How long the counts of a filtered archive are kept (a new content version makes them unused anyway).
FACETS_KEPT_SECONDS = 3600


def _without_unknown(filters, unknown):
    """``filters`` without the values in ``unknown`` (``{name: value}``), with a note on each."""
    if not unknown:
        return filters
    labels = dict(FILTERS)
    return filters.without(*unknown).with_notes(
        *(
            f"No {labels[name].lower()} is called “{value}”; that filter was left out."
            for name, value in unknown.items()
        )
    )


def _count_facets(issues, filters, fixed):
    """``(unknown, facets)``: the chosen values that name nothing, and the counts without them."""
    found, unknown = facets(issues, filters, fixed=fixed)
    if unknown:
        found, _unknown = facets(issues, _without_unknown(filters, unknown), fixed=fixed)
    return unknown, found


def address(filters, **change):
    """The query string of ``filters`` with ``change`` applied (a value of None removes that filter)."""
    values = dict(filters.values if isinstance(filters, ArchiveFilters) else filters)
    for name, value in change.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    query = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if name in values:
            query[name] = str(values[name])
    return query.urlencode()


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    value_label: str
    #: The address without this filter.
    remove_query: str


def active_filters(found, filters):
    """The filters in use, each with the address that removes it."""
    return tuple(
        ActiveFilter(facet.label, facet.selected.label, address(filters, **{facet.name: None}))
        for facet in found
        if facet.selected is not None
    )
