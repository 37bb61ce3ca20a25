import logging
from functools import wraps

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header, urlencode

from briefs.addresses import issue_moved_from
from briefs.document import issue_document, team_in_office
from briefs.front_matter import front_matter
from briefs.models import Contribution, Issue, Place, Series, Topic, published_condition
from common.lru import LRU
from common.object_storage import STORAGE_ERRORS, storage_unavailable
from common.pagination import paginate
from common.site_url import canonical_query, site_root
from jobs import queue
from printing import draft_pdfs
from printing.pdf_files import build_issue_pdf, current_failure, current_pdf
from reader.archive import FILTER_NAMES, active_filters, address, archive_state, filtered
from reader.citations import bibtex, cite_this_html, csl_item, ris
from reader.directory import label_status
from reader.feeds import SITE_NAME, feed_links
from reader.links import issue_links
from reader.metadata import page_metadata
from reader.people_public import editorial_roles, parts_played, public_people
from reader.structured_data import (
    about_place,
    about_topic,
    collection_page,
    home_page,
    person_page,
    series_page,
    structured_data,
)
from search.index import prefer_the_index, search_issues, with_snippets
from search.text import MAX_QUERY_LENGTH, clean_query
from sitecache.middleware import may_preview
from sitecache.versioning import version_now

logger = logging.getLogger(__name__)

ISSUES_PER_PAGE = 12
CONTRIBUTIONS_PER_PAGE = 25


#: How many issues the home page lists as cards after the latest one it features.
HOME_CARDS = 6


def home(request):
    """The latest issue, featured with its standfirst, byline and topics; then the next ones as cards; then topics.

    A fixed number of queries: the series, the featured issue, its document (shared with
    its page, and kept per content version), the cards with their contributors and
    topics, and the topics and places that published issues are about, with their counts.
    """
    series = list(Series.objects.select_related("programme"))
    programmes = list({s.programme_id: s.programme for s in series}.values())
    data = home_page(
        root=site_root(request), search_path=reverse("reader:search"), programmes=programmes, series=series
    )
    published = Issue.objects.published().newest_first()
    featured = published.select_related("series__programme").first()
    document = _issue_document(featured) if featured is not None else None
    cards = []
    if featured is not None:
        cards = (
            published.exclude(pk=featured.pk)
            .for_listing()
            .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("name", "slug"), to_attr="topic_list"))[
                :HOME_CARDS
            ]
        )
    return render(
        request,
        "reader/home.html",
        {
            "series_list": series,
            "featured": document,
            "standfirst": document.abstract if document is not None else "",
            "latest_issues": cards,
            "topics": _subjects(Topic),
            "places": _subjects(Place),
            "structured_data": structured_data(data),
        },
    )


def _subjects(model):
    """The topics (or places) that public issues are about, by name, each with its number of them."""
    return (
        model.objects.annotate(issue_count=Count("issues", filter=published_condition(through="issues__")))
        .filter(issue_count__gt=0)
        .only("name", "slug")
        .order_by("name")
    )


def _archive(request, issues, template, extra, *, fixed=(), scope="archive", describe=None):
    """A listing of ``issues`` (published ones) with the archive's filters, but those ``fixed`` by the page.

    A fixed number of queries: one count per filter, the number of matches and
    the page of issues with their authors. The filter form sends every filter,
    the unchosen ones empty; such an address is sent on to the same listing
    without them, so that one listing has one address to share (and to cache).

    ``describe(root, page)`` gives the page's JSON-LD (:mod:`reader.structured_data`).
    """
    if any(name in request.GET and not request.GET.get(name, "").strip() for name in FILTER_NAMES):
        kept = request.GET.copy()
        for name in FILTER_NAMES:
            if not kept.get(name, "").strip():
                kept.pop(name, None)
        return redirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)
    filters, found = archive_state(issues, request.GET, fixed=fixed, scope=scope)
    page, _query = paginate(request, filtered(issues, filters).newest_first().for_listing(), ISSUES_PER_PAGE)
    query = address(filters)
    if describe is not None:
        extra = {**extra, "structured_data": structured_data(describe(site_root(request), page))}
    return render(
        request,
        template,
        {
            "page_obj": page,
            "page_query": f"{query}&" if query else "",
            "issues": page.object_list,
            "filters": filters,
            "facets": found,
            "active_filters": active_filters(found, filters),
            **extra,
        },
    )


@canonical_query(*FILTER_NAMES)
def archive(request):
    def describe(root, page):
        return collection_page(
            root=root,
            path=request.path,
            name="All issues",
            description_text=f"Every issue published on {SITE_NAME}, newest first.",
            issues=page.object_list,
            first_position=page.start_index(),
        )

    return _archive(request, Issue.objects.published(), "reader/archive.html", {}, describe=describe)


@canonical_query(*FILTER_NAMES)
def topic_detail(request, slug):
    """A topic's page: its published issues, with the other filters. No published issue, no page."""
    topic = get_object_or_404(
        Topic.objects.filter(Exists(Issue.objects.published().filter(topics=OuterRef("pk")))), slug=slug
    )
    issues = Issue.objects.published().filter(topics=topic)

    def describe(root, page):
        return collection_page(
            root=root,
            path=request.path,
            name=topic.name,
            description_text=topic.description or f"Issues about {topic.name}, newest first.",
            about=about_topic(topic, root=root),
            issues=page.object_list,
            first_position=page.start_index(),
        )

    return _archive(
        request,
        issues,
        "reader/topic_detail.html",
        {"topic": topic},
        fixed=("topic",),
        scope=f"topic:{topic.pk}",
        describe=describe,
    )


@canonical_query(*FILTER_NAMES)
def place_detail(request, slug):
    """A country's or region's page: its published issues, with the other filters."""
    place = get_object_or_404(
        Place.objects.filter(Exists(Issue.objects.published().filter(places=OuterRef("pk")))), slug=slug
    )
    issues = Issue.objects.published().filter(places=place)

    def describe(root, page):
        return collection_page(
            root=root,
            path=request.path,
            name=place.name,
            description_text=f"Issues about {place.name}, newest first.",
            about=about_place(place, root=root),
            issues=page.object_list,
            first_position=page.start_index(),
        )

    return _archive(
        request,
        issues,
        "reader/place_detail.html",
        {"place": place},
        fixed=("place",),
        scope=f"place:{place.pk}",
        describe=describe,
    )


@canonical_query(*FILTER_NAMES)
def series_detail(request, slug):
    series = get_object_or_404(Series.objects.select_related("programme").prefetch_related("about_sections"), slug=slug)
    return _archive(
        request,
        Issue.objects.published().filter(series=series),
        "reader/series_detail.html",
        {"series": series},
        scope=f"series:{series.pk}",
        describe=lambda root, page: series_page(series, root=root),
    )


def series_team(request, slug):
    series = get_object_or_404(Series, slug=slug)
    today = timezone.localdate()
    memberships = front_matter(series).memberships
    former = sorted(
        (m for m in memberships if m.end_date and m.end_date < today), key=lambda m: m.end_date, reverse=True
    )
    return render(
        request,
        "reader/series_team.html",
        {"series": series, "team": team_in_office(memberships, on=today), "former": former},
    )


class IssueWithdrawn(Exception):
    """The address is that of a withdrawn issue: it answers 410 Gone with the editors' notice."""

    def __init__(self, issue):
        self.issue = issue


class IssueMoved(Exception):
    """The address is one ``issue`` had before it moved: it answers 301 to the issue's address now."""

    def __init__(self, issue):
        self.issue = issue


def _issue_address(kind):
    """A view of one kind of an issue's address (``kind`` names the URL of that kind the issue has now).

    A withdrawn issue's address answers 410 Gone, with the withdrawal notice. An
    address the issue had before it moved (:mod:`briefs.addresses`) answers 301
    to the address of the same kind it has now; an old short address goes to
    the page itself, in one hop.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except IssueWithdrawn as gone:
                return render(request, "reader/issue_withdrawn.html", {"issue": gone.issue}, status=410)
            except IssueMoved as moved:
                return redirect(_address_now(moved.issue, kind), permanent=True)

        return wrapper

    return decorate


def _address_now(issue, kind):
    if kind == "issue_detail":
        return issue.get_absolute_url()
    return reverse(f"reader:{kind}", kwargs={"series_slug": issue.series.slug, "number": issue.number})


def _follow_move(series_slug, number, slug=None, *, exact=False):
    """Raise :class:`IssueMoved` if an issue readers may be sent to had this address."""
    moved = issue_moved_from(series_slug, number, slug, exact=exact)
    if moved is not None:
        raise IssueMoved(moved)


def _get_issue(request, series_slug, number, slug=None):
    """The issue, if this visitor may see it, with ``is_public`` set.

    Staff who may view issues (``PAGE_PREVIEW_PERMISSION``) also preview
    drafts, scheduled and withdrawn issues; whether the public can see one is
    asked of ``published()`` in the same query, not decided again here. For
    anyone else, other staff included, a withdrawn issue raises
    :class:`IssueWithdrawn`. Where no issue has the number, an issue that had
    this address before it moved raises :class:`IssueMoved`; anything else not
    public is a 404. ``slug`` is the page address's words, if it is one.
    """
    previewing = may_preview(request)
    if previewing:
        # Staff preview the issues themselves: a working copy is previewed from the admin.
        issues = Issue.objects.originals().annotate(
            is_public=Exists(Issue.objects.published().filter(pk=OuterRef("pk")))
        )
    else:
        issues = Issue.objects.published()
    try:
        # With the series and programme: reading their long texts costs less than compiling a defer().
        issue = issues.select_related("series__programme").get(series__slug=series_slug, number=number)
    except Issue.DoesNotExist:
        withdrawn = (
            Issue.objects.originals()
            .filter(series__slug=series_slug, number=number, status=Issue.Status.WITHDRAWN)
            .select_related("series")
            .only("number", "title", "slug", "withdrawal_notice", "doi", "series__name", "series__slug")
            .first()
        )
        if withdrawn is not None:
            if slug is not None and slug != withdrawn.slug:
                # The words of another issue's page that had this number before it moved.
                _follow_move(series_slug, number, slug, exact=True)
            raise IssueWithdrawn(withdrawn) from None
        _follow_move(series_slug, number, slug)
        raise Http404("No issue is published at this address.") from None
    if not previewing:
        issue.is_public = True  # found by published()
    return issue


@_issue_address("issue_detail")
def issue_short_url(request, series_slug, number):
    issue = _get_issue(request, series_slug, number)
    return redirect(issue, permanent=issue.is_public)


@_issue_address("issue_detail")
def issue_detail(request, series_slug, number, slug):
    issue = _get_issue(request, series_slug, number, slug)
    if slug != issue.slug:
        # The words of another issue's page that had this number before it moved lead to that issue;
        # other words, to this issue's page.
        _follow_move(series_slug, number, slug, exact=True)
        return redirect(issue, permanent=issue.is_public)
    document = _issue_document(issue)
    meta, cite_this = _page_extras(document, issue_links(document, site_root(request)))
    response = render(
        request,
        "reader/issue_detail.html",
        {
            "doc": document,
            "texts": document.texts("web"),
            "is_public": issue.is_public,
            "issue": issue,
            "meta": meta,
            "cite_this": cite_this,
            "feed_links": _issue_feed_links(issue.series) if issue.is_public else "",
        },
    )
    if not issue.is_public:
        add_never_cache_headers(response)
    return response


#: The documents, metadata and “Cite this” blocks of the last issue pages, each
#: under the content version it was made in. Under one version an issue's
#: document cannot change: any write renews the version (as for the page cache
#: and the series' front matter). With no version (the cache is down) nothing is kept.
_documents_made = LRU(64)
_page_extras_made = LRU(64)


def _issue_document(issue):
    version = version_now()
    if version is None:
        return issue_document(issue)
    key = (version, issue.pk)
    document = _documents_made.get(key)
    if document is None:
        document = issue_document(issue)
        _documents_made.put(key, document)
    return document


#: The issue pages' ``<link rel="alternate">`` of the site's feeds and of their series' feeds,
#: made once per series address and name (all the links depend on).
_feed_links_made = LRU(64)


def _issue_feed_links(series):
    key = (series.slug, series.name)
    found = _feed_links_made.get(key)
    if found is None:
        found = render_to_string("includes/feed_links.html", {"feed_links": [*feed_links(), *feed_links(series)]})
        _feed_links_made.put(key, found)
    return found


def _page_extras(document, links):
    version = version_now()
    if version is None:
        return page_metadata(document, links), cite_this_html(csl_item(document, links), links)
    key = (version, document.issue_id, links)
    found = _page_extras_made.get(key)
    if found is None:
        found = page_metadata(document, links), cite_this_html(csl_item(document, links), links)
        _page_extras_made.put(key, found)
    return found


def _citation_file(request, series_slug, number, *, make, extension, content_type):
    """A citation file of the issue: public when its page is (same rule, withdrawn is 410), cached like it."""
    issue = _get_issue(request, series_slug, number)
    document = _issue_document(issue)
    response = HttpResponse(make(document, issue_links(document, site_root(request))), content_type=content_type)
    filename = document.pdf_filename.removesuffix(".pdf") + extension
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # For reference managers, not for search results.
    response["X-Robots-Tag"] = "noindex"
    if not issue.is_public:
        add_never_cache_headers(response)
    return response


@_issue_address("issue_bibtex")
def issue_bibtex(request, series_slug, number):
    """The issue as a BibTeX @techreport, to download."""
    return _citation_file(
        request, series_slug, number, make=bibtex, extension=".bib", content_type="application/x-bibtex; charset=utf-8"
    )


@_issue_address("issue_ris")
def issue_ris(request, series_slug, number):
    """The issue as a RIS record (TY  - RPRT), to download."""
    return _citation_file(
        request,
        series_slug,
        number,
        make=ris,
        extension=".ris",
        content_type="application/x-research-info-systems; charset=utf-8",
    )


def _stored_pdf_response(request, issue, document):
    """The stored PDF if it shows the issue as it is now; else a page saying it is on its way."""
    stored = current_pdf(issue, document)
    if stored is not None:
        try:
            # Opening it reaches the storage (S3: the object's head) before the response starts.
            return FileResponse(stored.file.open("rb"), content_type="application/pdf", filename=document.pdf_filename)
        except FileNotFoundError:
            logger.warning("The stored PDF of %s is missing from storage: %s", document.subject, stored.file.name)
            queue.enqueue_unless_waiting(build_issue_pdf, issue.pk)  # the worker builds it again
        except STORAGE_ERRORS:
            logger.exception("The stored PDF of %s cannot be read: the file storage fails", document.subject)
            return storage_unavailable(request, f"The PDF of {document.subject}", doc=document)
    # Built on every change, never on a reader's request: it is on its way, or
    # its build failed and the editors were told.
    failed = bool(current_failure(issue, document))
    response = render(request, "reader/pdf_pending.html", {"doc": document, "failed": failed}, status=503)
    if not failed:
        response["Retry-After"] = "60"
    return response


@_issue_address("issue_pdf")
def issue_pdf(request, series_slug, number):
    """The printed brief. Readers get the stored PDF; those who may preview also get drafts (built by the worker)."""
    issue = _get_issue(request, series_slug, number)
    document = _issue_document(issue)
    if issue.status != Issue.Status.PUBLISHED:  # only those who may preview get this far with a draft
        response = draft_pdfs.draft_pdf_response(request, issue, document)
    else:
        response = _stored_pdf_response(request, issue, document)
    if not issue.is_public:
        add_never_cache_headers(response)
    return response


def person_detail(request, slug):
    """A person's page: only for people the public may see (``public_people``), else 404.

    Everything the person did for the series: the issues they wrote, conducted
    or gave an interview in (paginated, newest first, with a count per part),
    their terms on editorial teams with their years, and their fellowships.
    """
    person = get_object_or_404(public_people(), slug=slug)
    contributions = (
        Contribution.objects.filter(published_condition(through="issue__"), person=person)
        .select_related("issue__series")
        .only(
            "role",
            "issue__number",
            "issue__title",
            "issue__slug",
            "issue__publication_date",
            "issue__series__name",
            "issue__series__slug",
        )
        .order_by("-issue__publication_date", "-issue__number", "pk")
    )
    page, query = paginate(request, contributions, CONTRIBUTIONS_PER_PAGE)
    counts = dict(contributions.order_by().values_list("role").annotate(n=Count("pk")))
    fellowships = label_status(
        person.fellowships.listed().select_related("programme").order_by("-start_year"), on=timezone.localdate()
    )
    return render(
        request,
        "reader/person_detail.html",
        {
            "person": person,
            "contributions": page.object_list,
            "page_obj": page,
            "page_query": query,
            "parts": parts_played(counts),
            "editorial_roles": editorial_roles(person, on=timezone.localdate()),
            "fellowships": fellowships,
            "structured_data": structured_data(
                person_page(person, root=site_root(request), photo_url=getattr(person.page_photo, "url", ""))
            ),
        },
    )


@canonical_query("q")
def search(request):
    """Published issues matching ``?q=``, best first (see :mod:`search.index`).

    Whatever the address carries (no query, a very long one, punctuation only,
    several ``q``, a page that is not a number or past the end), the answer is
    a normal page: the query is cleaned and capped, and ``paginate`` gives the
    first or last page.
    """
    query = clean_query(request.GET.get("q", ""))
    with prefer_the_index():
        page, _ = paginate(request, search_issues(query), ISSUES_PER_PAGE)
        count = page.paginator.count
        issues = with_snippets(page.object_list, query)
    return render(
        request,
        "reader/search.html",
        {
            "query": query,
            "search_query": query.text,
            "page_obj": page,
            # Links to other pages carry the query as searched, not as typed.
            "page_query": f"{urlencode({'q': query.text})}&" if query.text else "",
            "count": count,
            "issues": issues,
            "max_length": MAX_QUERY_LENGTH,
        },
    )
