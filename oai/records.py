"""What the repository holds: every issue readers see or saw, as OAI-PMH records.

An issue is a **record** while it is public (``Issue.objects.published()``'s
rule, worked out at the request's moment) and a **deleted record** once it is
withdrawn, for good (``deletedRecord=persistent``). Drafts, scheduled issues
before their moment and working copies are not in the repository. Nothing is
cached: whatever any page cache holds, a withdrawn issue is never given as live.

**Identifiers** name the issue's primary key (``oai:<repository>:issue/42``): its
series, number and web address may change, its key does not.

**Datestamps** are never earlier than the change they announce, so that a
harvester asking ``from`` its last harvest misses nothing. A record's datestamp
is the latest of:

- the issue's ``updated_at``: every save, and every workflow step (publish,
  withdraw, publish again, publishing a prepared change with its correction), and
  every change to its series, programme, topics or places (:mod:`oai.datestamps`);
- its ``public_from``: a scheduled issue appears at its moment, with that moment;
- the ``updated_at`` of its contributors' person rows: a name changes the
  record's creators.

**Sets**: ``series:<slug>``, ``kind:<interview|opinion|article>`` and
``topic:<slug>``, each under its parent (``series``, ``kind``, ``topic``).

**Records** are made by the page's own functions: the issue document
(:func:`briefs.document.assemble`) and its Dublin Core tags
(:func:`reader.metadata.dublin_core_tags`), for a page of issues in a fixed
number of queries (:func:`dublin_core_records`).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from briefs.document import Tag, assemble
from briefs.dois import doi_url
from briefs.models import Contribution, Issue, IssueKind, IssueStatus, Series, Topic, published_condition
from common.reversing import url_for
from reader.links import issue_links
from reader.metadata import dublin_core_tags

#: At most this many records or headers per response; a resumption token gives the next.
PAGE_SIZE = 100
#: The parents of the set hierarchy, and their names.
SET_ROOTS = {"series": "Series", "kind": "Kinds of piece", "topic": "Topics"}
_DOMAIN_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")


def repository_identifier():
    """The repository's name in its identifiers (the OAI identifier guidelines' domain name).

    ``OAI_REPOSITORY_IDENTIFIER``, else ``SITE_URL``'s host; a development site
    without either is ``localhost.localdomain``. Set it before the first harvest:
    every identifier keeps it.
    """
    return settings.OAI_REPOSITORY_IDENTIFIER


def valid_repository_identifier(value):
    return bool(_DOMAIN_RE.fullmatch(value or ""))


def identifier_of(pk):
    return f"oai:{repository_identifier()}:issue/{pk}"


def pk_of(identifier):
    """The issue's key named by ``identifier``, or None if it names none of this repository's."""
    match = re.fullmatch(rf"oai:{re.escape(repository_identifier())}:issue/([1-9][0-9]{{0,17}})", identifier)
    return int(match.group(1)) if match else None


# -- what is in the repository -------------------------------------------------------


def in_repository(now):
    """The condition of the issues in the repository at ``now``: public (a record) or withdrawn (deleted).

    Public is ``Issue.objects.published()``'s own condition. A withdrawn issue was
    public before; one withdrawn before its scheduled moment shows as deleted only
    from that moment, with that moment as its datestamp.
    """
    return published_condition(at=now) | Q(status=IssueStatus.WITHDRAWN, public_from__lte=now)


def harvestable(now):
    """The issues in the repository at ``now``, each with its ``datestamp`` (see the module's note)."""
    people_changed = (
        Contribution.objects.filter(issue=OuterRef("pk"))
        .order_by()
        .values("issue")
        .annotate(latest=Max("person__updated_at"))
        .values("latest")
    )
    return (
        Issue.objects.originals()
        .filter(in_repository(now))
        .annotate(datestamp=Greatest("updated_at", "public_from", Coalesce(Subquery(people_changed), "updated_at")))
    )


def in_set(issues, set_spec):
    """``issues`` narrowed to the set ``set_spec``; an unknown set has no issues."""
    if set_spec in ("", "series", "kind"):
        return issues  # every issue is in a series and has a kind
    if set_spec == "topic":
        return issues.filter(Exists(Issue.topics.through.objects.filter(issue=OuterRef("pk"))))
    root, _, value = set_spec.partition(":")
    if root == "series" and value:
        return issues.filter(series__slug=value)
    if root == "topic" and value:
        return issues.filter(Exists(Issue.topics.through.objects.filter(issue=OuterRef("pk"), topic__slug=value)))
    if root == "kind" and value in IssueKind.values:
        return issues.filter(kind=value)
    return issues.none()


def in_range(issues, start, end):
    """``issues`` whose datestamp is at or after ``start`` and before ``end`` (either may be None).

    The datestamp is the latest of three moments (:func:`harvestable`); the
    conditions are written on each, so that the database compares columns and
    joins once instead of working out every issue's datestamp (at 10,000 issues,
    5 ms rather than 50).
    """
    if start is not None:
        people = Contribution.objects.filter(person__updated_at__gte=start).values("issue_id")
        issues = issues.filter(Q(updated_at__gte=start) | Q(public_from__gte=start) | Q(pk__in=people))
    if end is not None:
        people = Contribution.objects.filter(person__updated_at__gte=end).values("issue_id")
        issues = issues.filter(Q(updated_at__lt=end), Q(public_from__lt=end)).exclude(pk__in=people)
    return issues


@dataclass(frozen=True)
class Header:
    identifier: str
    datestamp: object
    set_specs: tuple
    deleted: bool


@dataclass(frozen=True)
class Record:
    header: Header
    #: ``[(element, value)]`` in the order of the oai_dc schema; empty for a deleted record.
    metadata: tuple = ()


def page_of(issues, *, after, limit=PAGE_SIZE):
    """The next ``limit`` issues after the key ``after``, by key, with their series (one query).

    One more than asked for is read, to know whether the list goes on.
    """
    return list(
        issues.filter(pk__gt=after or 0)
        .select_related("series__programme")
        .only(
            "pk",
            "status",
            "number",
            "title",
            "slug",
            "kind",
            "publication_date",
            "introduction",
            "body",
            "doi",
            "updated_at",
            "public_from",
            "series__name",
            "series__slug",
            "series__issn",
            "series__place_of_publication",
            "series__website",
            "series__email",
            "series__hashtag",
            "series__licence",
            "series__programme__name",
            "series__programme__short_name",
            "series__programme__programme_type",
            "series__programme__website",
        )
        .order_by("pk")[: limit + 1]
    )


def _topics(ids):
    """``{issue id: [(name, slug)]}`` (one query)."""
    found = {}
    rows = Issue.topics.through.objects.filter(issue_id__in=ids).values_list("issue_id", "topic__name", "topic__slug")
    for issue_id, name, slug in rows:
        found.setdefault(issue_id, []).append((name, slug))
    return found


def set_specs(issue, topics):
    return (
        f"series:{issue.series.slug}",
        f"kind:{issue.kind}",
        *sorted(f"topic:{slug}" for _name, slug in topics),
    )


def headers(issues, now):
    """The headers of ``issues`` (from :func:`page_of`); one query for their topics."""
    topics = _topics([issue.pk for issue in issues])
    return [_header(issue, topics.get(issue.pk, ()), now) for issue in issues]


def _header(issue, topics, now):
    return Header(
        identifier=identifier_of(issue.pk),
        datestamp=issue.datestamp,
        set_specs=set_specs(issue, topics),
        deleted=not issue.is_public_now(now=now),
    )


# -- Dublin Core ------------------------------------------------------------------

#: The page's Dublin Core tags and the oai_dc elements they become.
_ELEMENTS = {
    "DC.title": "title",
    "DC.creator": "creator",
    "DC.subject": "subject",
    "DC.description": "description",
    "DC.publisher": "publisher",
    "DC.contributor": "contributor",
    "DC.date": "date",
    "DC.type": "type",
    "DC.format": "format",
    "DC.identifier": "identifier",
    "DC.source": "source",
    "DC.language": "language",
    "DC.relation": "relation",
    "DC.relation.ispartof": "relation",
    "DC.coverage": "coverage",
    "DC.rights": "rights",
}
#: The order of the oai_dc schema's elements.
ORDER = (
    "title creator subject description publisher contributor date type format identifier source language relation "
    "coverage rights"
).split()


def dublin_core(document, links):
    """The oai_dc elements of ``document``: the page's Dublin Core tags, plus what a page cannot say of itself.

    The page's ``DC.*`` tags (:func:`reader.metadata.dublin_core_tags`), each as
    the element it refines (``DC.relation.ispartof`` is a ``relation``), and as
    identifiers also the PDF (the page's ``citation_pdf_url``, so its format
    ``application/pdf`` too) and the DOI's address. No value is given twice.
    """
    pairs = [(_ELEMENTS[tag.key], tag.content) for tag in dublin_core_tags(document, links) if tag.key in _ELEMENTS]
    pairs += [("identifier", links.pdf), ("format", "application/pdf")]
    if document.doi:
        pairs.append(("identifier", doi_url(document.doi)))
    seen, ordered = set(), []
    for element in ORDER:
        for name, value in pairs:
            if name == element and value and (name, value) not in seen:
                seen.add((name, value))
                ordered.append((name, value))
    return tuple(ordered)


def documents(issues, topics):
    """The issue document of each of ``issues`` (from :func:`page_of`) as far as its metadata needs it.

    ``topics`` from :func:`_topics`. Two queries whatever their number: the
    contributors and the places. What the metadata does not read is left out:
    the questions (an interview's abstract is its introduction's first
    paragraph, which comes first in reading order), the footnotes (a plain-text
    abstract leaves their calls out), the corrections, the about sections, team
    and organisers. The tests hold each record to the page's own metadata.
    """
    ids = [issue.pk for issue in issues]
    contributions = {}
    for contribution in (
        Contribution.objects.filter(issue_id__in=ids)
        .select_related("person")
        .only(
            "issue_id",
            "role",
            "speaker_label",
            "printed_biography",
            "sort_order",
            "person__honorific",
            "person__given_name",
            "person__family_name",
            "person__slug",
            "person__affiliation",
        )
        .order_by("issue_id", "sort_order", "pk")
    ):
        contributions.setdefault(contribution.issue_id, []).append(contribution)
    places = {}
    for issue_id, name, slug, country in Issue.places.through.objects.filter(issue_id__in=ids).values_list(
        "issue_id", "place__name", "place__slug", "place__country"
    ):
        places.setdefault(issue_id, []).append(Tag(name, url_for("reader:place_detail", slug=slug), country or ""))
    return {
        issue.pk: assemble(
            issue,
            contributions=contributions.get(issue.pk, []),
            questions=[],
            notes={},
            about_sections=(),
            memberships=(),
            topics=[Tag(name, url_for("reader:topic_detail", slug=slug)) for name, slug in topics.get(issue.pk, ())],
            places=places.get(issue.pk, ()),
        )
        for issue in issues
    }


def records(issues, *, root, now):
    """The records of ``issues`` (from :func:`page_of`), addresses under ``root``: three queries."""
    topics = _topics([issue.pk for issue in issues])
    live = [issue for issue in issues if issue.is_public_now(now=now)]
    made = documents(live, topics) if live else {}
    found = []
    for issue in issues:
        header = _header(issue, topics.get(issue.pk, ()), now)
        document = made.get(issue.pk)
        if document is None:
            found.append(Record(header))
        else:
            found.append(Record(header, dublin_core(document, issue_links(document, root))))
    return found


# -- sets ----------------------------------------------------------------------


def sets(now):
    """``[(setSpec, setName)]``: the parents, then every series, kind and topic with an issue in the repository."""
    present = Issue.objects.originals().filter(in_repository(now))
    series = Series.objects.filter(Exists(present.filter(series=OuterRef("pk")))).order_by("slug")
    topics = Topic.objects.filter(Exists(present.filter(topics=OuterRef("pk")))).order_by("slug")
    kinds = set(present.order_by().values_list("kind", flat=True).distinct())
    found = [("series", SET_ROOTS["series"])]
    found += [(f"series:{s.slug}", s.name) for s in series.only("slug", "name")]
    found.append(("kind", SET_ROOTS["kind"]))
    found += [(f"kind:{kind.value}", kind.label) for kind in IssueKind if kind.value in kinds]
    found.append(("topic", SET_ROOTS["topic"]))
    found += [(f"topic:{t.slug}", t.name) for t in topics.only("slug", "name")]
    return found


def earliest_datestamp(now):
    """A moment no datestamp in the repository is earlier than, or None if it is empty.

    The earliest ``updated_at``: every datestamp is at least its issue's, and a
    datestamp only grows (a new record's is the moment it appears).
    """
    return Issue.objects.originals().filter(in_repository(now)).aggregate(earliest=Min("updated_at"))["earliest"]
