"""Atom and RSS feeds of published issues: the whole site, a series, a person, a topic, a place.

Each subject has one declarative :class:`IssueFeed` (RSS 2.0) and an Atom
subclass that only changes the format. Every feed starts from
``Issue.objects.published()`` and lists the newest :data:`FEED_ITEMS` issues
in a fixed number of queries (:func:`feed_issues`); each issue becomes a plain
:class:`FeedEntry` (:func:`feed_entry`), which the ``item_*`` hooks only read.

What an entry says, and why:

- **Dates.** ``published`` (RSS ``pubDate``) is ``public_from``: the moment
  the issue became public, which is what ``published()`` compares with, so an
  entry never carries a date readers could not yet see, and it has a time of
  day as both formats want (the printed publication date is a calendar day,
  and for a back-catalogue issue may lie years before it appeared here).
  ``updated`` is the last public correction's time, or ``public_from``.
- **Authors.** Atom: one ``<author>`` (name and person page) per author or
  interviewer, and one ``<contributor>`` per interviewee. RSS 2.0's own
  ``<author>`` must be an email address, and people's emails are private, so
  RSS gets one Dublin Core ``<dc:creator>`` per author (and ``<dc:contributor>``
  per interviewee), as Django itself writes an author without an email.
- **Summary.** The introduction's first paragraph as plain text, whole, else the
  body's (:func:`reader.summaries.opening_paragraph`): the abstract the issue page
  gives reference managers. Escaped, since both formats read the summary as HTML.
- **The PDF.** An RSS ``<enclosure>``, an Atom ``<link rel="enclosure">``: the
  PDF's address, ``application/pdf``, and the stored file's size
  (``IssuePdf.size``, read in the issues' query). Before a first build the size
  is unknown and given as 0, as the RSS Advisory Board asks.
- **Categories.** The kind of piece, the topics, then the countries and regions.
- **Link and id.** The issue's page; the id is its short address
  (``/series/<slug>/<number>/``), which stays the same if the title and slug change.
  Giving an issue its DOI changes neither: a new id would make every reader
  show the entry twice.
- **DOI.** Once the issue has one, a Dublin Core ``<dc:identifier>`` with the
  DOI as its address (``https://doi.org/10.5555/…``), in both formats, as RSS
  already carries ``dc:creator`` (feedparser reads it as ``dc_identifier``). The link
  stays the page (the DOI resolves to it); Atom allows one ``alternate`` link
  of a type, and the DOI is no other resource.

Everything handed to the feed writer goes through :func:`reader.summaries.clean_text`:
Django's XML writer refuses the control characters XML 1.0 forbids (with a 500),
and would write the others (in attributes) into a feed no reader can parse.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape

from briefs.dois import doi_url
from briefs.models import (
    AUTHOR_ROLES,
    PERSON_NAME_FIELDS,
    Contribution,
    Correction,
    Issue,
    IssueKind,
    Place,
    Series,
    Topic,
    published_condition,
)
from common.site_url import site_root as site_origin
from people.models import Person
from reader.people_public import public_people
from reader.summaries import clean_text, opening_paragraph, summary_from_html, truncate_words

#: The site's name, as the header of every page shows it.
SITE_NAME = "EUCACIS publications"
#: How many issues a feed lists, newest first.
FEED_ITEMS = 50
#: Characters of a feed's description (a series' introduction) kept.
SUMMARY_LENGTH = 400
#: An entry's summary is the introduction's first paragraph, whole; this only
#: bounds a paragraph typed without breaks (No. 6's first paragraph has 431 characters).
ENTRY_SUMMARY_LIMIT = 3000

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


# -- the feed formats ------------------------------------------------------------


def _cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_cleaned(v) for v in value)
    return value


class _CleanText:
    """Every text of the feed and its entries passes :func:`clean_text` on its way in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*(_cleaned(a) for a in args), **{k: _cleaned(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*(_cleaned(a) for a in args), **{k: _cleaned(v) for k, v in kwargs.items()})


class RssFeed(_CleanText, Rss201rev2Feed):
    """RSS 2.0 with one ``dc:creator`` per author and one ``dc:contributor`` per interviewee."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)
        for name, _url in item.get("contributors", ()):
            handler.addQuickElement("dc:contributor", name)
        if item.get("doi_url"):
            handler.addQuickElement("dc:identifier", item["doi_url"])


class AtomFeed(_CleanText, Atom1Feed):
    """Atom 1.0 with one ``<author>`` per author, one ``<contributor>`` per interviewee, and the DOI."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DUBLIN_CORE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("doi_url"):
            handler.addQuickElement("dc:identifier", item["doi_url"])
        for element, people in (("author", item.get("authors", ())), ("contributor", item.get("contributors", ()))):
            for name, url in people:
                handler.startElement(element, {})
                handler.addQuickElement("name", name)
                handler.addQuickElement("uri", url)
                handler.endElement(element)


# -- entries -------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    """One issue as a feed entry: plain data, every address absolute."""

    title: str
    link: str
    guid: str
    summary: str
    #: ``(name, person page)`` of each author or interviewer, in byline order.
    authors: tuple
    #: ``(name, person page)`` of each interviewee.
    contributors: tuple
    categories: tuple
    published: datetime
    updated: datetime
    #: The PDF's address, and its size in bytes (0: not built yet).
    pdf: str = ""
    pdf_size: int = 0
    #: ``https://doi.org/10.5555/…`` once the issue has a DOI, else empty.
    doi_url: str = ""


def feed_issues(issues):
    """The newest :data:`FEED_ITEMS` of ``issues`` with all an entry shows, in a fixed number of queries.

    One query for the issues (with their series, last correction and PDF's size),
    one each for their contributors, topics and places, whatever the number of issues.
    """
    last_correction = Correction.objects.filter(issue=OuterRef("pk")).order_by("-corrected_at")
    return (
        issues.select_related("series")
        .only(
            "number",
            "title",
            "slug",
            "kind",
            "introduction",
            "body",
            "public_from",
            "doi",
            "series__name",
            "series__slug",
        )
        .annotate(last_corrected_at=Subquery(last_correction.values("corrected_at")[:1]), pdf_size=F("pdf__size"))
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("person").only(
                    "issue_id", "role", "sort_order", *(f"person__{f}" for f in PERSON_NAME_FIELDS)
                ),
                to_attr="feed_contributions",
            ),
            Prefetch("topics", queryset=Topic.objects.only("name").order_by("name")),
            Prefetch("places", queryset=Place.objects.only("name").order_by("name")),
        )
        .order_by("-public_from", "-number")[:FEED_ITEMS]
    )


def feed_entry(issue, origin):
    """The entry of ``issue`` (from :func:`feed_issues`), its addresses under ``origin``; no queries."""
    series = issue.series
    people = [(c.role, (c.person.name, origin + c.person.get_absolute_url())) for c in issue.feed_contributions]
    authors = tuple(who for role, who in people if role in AUTHOR_ROLES)
    if not authors:  # Atom wants an author for every entry: the series stands in
        authors = ((series.name, origin + series.get_absolute_url()),)
    updated = max(filter(None, [issue.public_from, issue.last_corrected_at]))
    return FeedEntry(
        title=issue.title,
        link=origin + issue.get_absolute_url(),
        guid=origin + reverse("reader:issue_short_url", args=[series.slug, issue.number]),
        summary=truncate_words(opening_paragraph(issue.introduction, issue.body), ENTRY_SUMMARY_LIMIT),
        authors=authors,
        contributors=tuple(who for role, who in people if role not in AUTHOR_ROLES),
        categories=(
            IssueKind(issue.kind).label,
            *(topic.name for topic in issue.topics.all()),
            *(place.name for place in issue.places.all()),
        ),
        published=issue.public_from,
        updated=updated,
        pdf=origin + reverse("reader:issue_pdf", args=[series.slug, issue.number]),
        pdf_size=issue.pdf_size or 0,
        doi_url=doi_url(issue.doi),
    )


# -- what a feed is about ------------------------------------------------------


@dataclass(frozen=True)
class FeedSubject:
    """What one feed lists: its title and description, its page, and its issues."""

    title: str
    description: str
    #: The page the feed stands for (the series page, the person page…).
    page: str
    issues: object
    #: The scheme and host of every address in the feed (:func:`common.site_url.site_root`).
    origin: str
    #: The feed's own address.
    feed_url: str


class IssueFeed(Feed):
    """RSS 2.0 of a subject's published issues; subclasses say what the subject is (:meth:`subject`)."""

    feed_type = RssFeed
    language = "en"

    def subject(self, request, **kwargs):
        """The :class:`FeedSubject` of this address; raise Http404 for one the public may not see."""
        raise NotImplementedError(f"{type(self).__name__} must define subject(request, **kwargs).")

    def get_object(self, request, **kwargs):
        subject = self.subject(request, **kwargs)
        origin = site_origin(request)
        return FeedSubject(
            title=subject["title"],
            description=subject["description"],
            page=origin + subject["page"],
            issues=subject["issues"],
            origin=origin,
            feed_url=origin + request.path,
        )

    def title(self, subject):
        return subject.title

    def link(self, subject):
        return subject.page

    def feed_url(self, subject):
        return subject.feed_url

    def description(self, subject):
        return subject.description

    subtitle = description  # what Atom calls it

    def items(self, subject):
        return [feed_entry(issue, subject.origin) for issue in feed_issues(subject.issues)]

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    item_guid_is_permalink = True  # the short address redirects to the page for good

    def item_description(self, entry):
        return escape(entry.summary)

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_categories(self, entry):
        return entry.categories

    def item_enclosures(self, entry):
        return [Enclosure(entry.pdf, str(entry.pdf_size), "application/pdf")]

    def item_extra_kwargs(self, entry):
        return {"authors": entry.authors, "contributors": entry.contributors, "doi_url": entry.doi_url}


class SiteFeed(IssueFeed):
    def subject(self, request):
        return {
            "title": SITE_NAME,
            "description": f"Every issue published on {SITE_NAME}, newest first.",
            "page": reverse("reader:archive"),
            "issues": Issue.objects.published(),
        }


class SiteAtomFeed(SiteFeed):
    feed_type = AtomFeed


class SeriesFeed(IssueFeed):
    def subject(self, request, slug):
        series = get_object_or_404(Series.objects.only("name", "slug", "introduction"), slug=slug)
        return {
            "title": f"{series.name} – {SITE_NAME}",
            "description": summary_from_html(series.introduction, SUMMARY_LENGTH)
            or f"The issues of {series.name}, newest first.",
            "page": series.get_absolute_url(),
            "issues": Issue.objects.published().filter(series=series),
        }


class SeriesAtomFeed(SeriesFeed):
    feed_type = AtomFeed


class PersonFeed(IssueFeed):
    """The issues a person wrote, conducted or gave as an interview.

    For anyone with a public page (``public_people()``), even with no published
    issue yet (an editor, a listed fellow): an empty, valid feed, so a
    subscription made before a first issue keeps working. Anyone else is a 404,
    as their page is.
    """

    def subject(self, request, slug):
        person = get_object_or_404(public_people(Person.objects.only(*PERSON_NAME_FIELDS)), slug=slug)
        took_part = Contribution.objects.filter(issue=OuterRef("pk"), person=person)
        return {
            "title": f"{person.name} – {SITE_NAME}",
            "description": f"Issues by or with {person.name}, newest first.",
            "page": person.get_absolute_url(),
            "issues": Issue.objects.published().filter(Exists(took_part)),
        }


class PersonAtomFeed(PersonFeed):
    feed_type = AtomFeed


def _public_tag(model, relation, slug):
    """The topic or place ``slug`` if a published issue has it (through ``relation``), else 404.

    A topic given only to drafts is not public yet: its name may say what an
    unpublished issue is about.
    """
    tagged = Issue.objects.filter(published_condition(), **{relation: OuterRef("pk")})
    return get_object_or_404(model.objects.filter(Exists(tagged)).only("name", "slug"), slug=slug)


class TopicFeed(IssueFeed):
    def subject(self, request, slug):
        topic = _public_tag(Topic, "topics", slug)
        return {
            "title": f"{topic.name} – {SITE_NAME}",
            "description": f"Issues about {topic.name}, newest first.",
            "page": topic.get_absolute_url(),
            "issues": Issue.objects.published().filter(topics=topic),
        }


class TopicAtomFeed(TopicFeed):
    feed_type = AtomFeed


class PlaceFeed(IssueFeed):
    def subject(self, request, slug):
        place = _public_tag(Place, "places", slug)
        return {
            "title": f"{place.name} – {SITE_NAME}",
            "description": f"Issues about {place.name}, newest first.",
            "page": place.get_absolute_url(),
            "issues": Issue.objects.published().filter(places=place),
        }


class PlaceAtomFeed(PlaceFeed):
    feed_type = AtomFeed


# -- announcing them -------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    title: str
    type: str
    url: str


#: The feeds of each kind of page subject: its model, the URL names' stem, what the address needs.
_SUBJECTS = {Series: "series", Person: "person", Topic: "topic", Place: "place"}


def feed_links(subject=None):
    """The ``<link rel="alternate">`` of the page about ``subject`` (a Series, Person, Topic or Place; None: the site).

    Raises TypeError for anything else, naming what is supported.
    """
    if subject is None:
        stem, args, title = "site", [], SITE_NAME
    else:
        stem = _SUBJECTS.get(type(subject))
        if stem is None:
            raise TypeError(
                f"No feed for a {type(subject).__name__}; feeds are for {', '.join(m.__name__ for m in _SUBJECTS)} or the site (None)."
            )
        args, title = [subject.slug], clean_text(subject.name)
    return [
        FeedLink(f"{title} (Atom)", "application/atom+xml", reverse(f"reader:{stem}_feed_atom", args=args)),
        FeedLink(f"{title} (RSS)", "application/rss+xml", reverse(f"reader:{stem}_feed_rss", args=args)),
    ]
