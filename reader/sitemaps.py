"""sitemap.xml: what the public may see, with when each page last changed.

An index at ``/sitemap.xml`` names one sitemap per section
(``/sitemap-<section>.xml``, paged with ``?p=`` past 50,000 addresses, as the
protocol allows). Each section starts from the public rule of its content
(``Issue.objects.published()``, ``public_people()``) and costs a fixed number of
queries: one for its items, with their ``lastmod`` annotated, and one to count
them, whatever their number.

Addresses are absolute under ``SITE_URL`` when it is set, else the request's
scheme and host (:mod:`common.site_url`).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap, x_robots_tag
from django.db.models import F, Max, OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse

from briefs.models import Correction, Issue, Place, Series, Topic, published_condition
from common.site_url import canonical_query
from common.site_url import site_root as site_origin
from people.models import Person
from reader.people_public import public_people


class PublicSitemap(Sitemap):
    """A section whose addresses take their scheme and host from ``SITE_URL`` when it is set.

    Subclasses give ``items()`` (a queryset ordered for paging, or a list) and
    ``lastmod()``; ``latest_lastmod()`` is one aggregate query for the index.
    """

    def get_protocol(self, protocol=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        # Django's default runs lastmod() over every item; one aggregate instead.
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


def _published_issues():
    last_correction = Correction.objects.filter(issue=OuterRef("pk")).order_by("-corrected_at")
    # A correction comes after the issue went public, so it is the later date when there is one.
    return Issue.objects.published().annotate(last_corrected_at=Subquery(last_correction.values("corrected_at")[:1]))


class HomeAndArchiveSitemap(PublicSitemap):
    """The home page, the archive and the fellows directory."""

    def items(self):
        latest = Issue.objects.published().aggregate(latest=Max("public_from"))["latest"]
        return [("reader:home", latest), ("reader:archive", latest), ("reader:fellows_directory", None)]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return max((lastmod for _name, lastmod in self.items() if lastmod), default=None)


class SeriesSitemap(PublicSitemap):
    def items(self):
        return (
            Series.objects.only("slug")
            .annotate(lastmod=Max("issues__public_from", filter=published_condition(through="issues__")))
            .order_by("pk")
        )


class IssueSitemap(PublicSitemap):
    """Each published issue's page, at its canonical address (``get_absolute_url``)."""

    def items(self):
        return (
            _published_issues()
            .select_related("series")
            .only("number", "slug", "public_from", "series__slug")
            .order_by("-publication_date", "-number")
        )

    def lastmod(self, issue):
        return max(filter(None, [issue.public_from, issue.last_corrected_at]))

    def get_latest_lastmod(self):
        latest = Issue.objects.published().aggregate(
            published=Max("public_from"), corrected=Max("corrections__corrected_at")
        )
        return max(filter(None, latest.values()), default=None)


class IssuePdfSitemap(PublicSitemap):
    """The PDFs that are there to download: a stored file whose latest build did not fail.

    Whether a stored file shows the issue as it is now needs the whole issue
    document (:func:`printing.pdf_files.current_pdf`), a handful of queries per
    issue, so it is not asked here. A stored file is current except in the
    moments between an edit and its rebuild, when the address answers “being
    prepared” (503, Retry-After), which crawlers retry. Issues whose PDF was never
    built, or whose last build failed, are left out: their address would answer 503.
    """

    def items(self):
        return (
            Issue.objects.published()
            .filter(pdf__isnull=False, pdf__failed_version="")
            .exclude(pdf__file="")
            .select_related("series")
            .only("number", "series__slug")
            .annotate(lastmod=F("pdf__built_at"))
            .order_by("-publication_date", "-number")
        )

    def location(self, issue):
        return reverse("reader:issue_pdf", args=[issue.series.slug, issue.number])


class PersonSitemap(PublicSitemap):
    """The people with a public page (``public_people()``); lastmod: their latest published issue."""

    def items(self):
        return (
            public_people(Person.objects.only("slug"))
            .annotate(
                lastmod=Max(
                    "contributions__issue__public_from", filter=published_condition(through="contributions__issue__")
                )
            )
            .order_by("pk")
        )


class _TagSitemap(PublicSitemap):
    """Topics or places that a published issue has; their pages are ``get_absolute_url()``."""

    model = None

    def items(self):
        return (
            self.model.objects.only("slug")
            .annotate(lastmod=Max("issues__public_from", filter=published_condition(through="issues__")))
            .filter(lastmod__isnull=False)
            .order_by("pk")
        )


class TopicSitemap(_TagSitemap):
    model = Topic


class PlaceSitemap(_TagSitemap):
    model = Place


#: The sections of the index, in its order: ``/sitemap-<name>.xml``.
SITEMAPS = {
    "pages": HomeAndArchiveSitemap,
    "series": SeriesSitemap,
    "issues": IssueSitemap,
    "pdfs": IssuePdfSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
    "places": PlaceSitemap,
}


@x_robots_tag
def sitemap_index(request):
    """``/sitemap.xml``: Django's ``sitemaps.views.index``, with section addresses under ``SITE_URL`` too.

    Django's own index takes the host from the request only.
    """
    origin = site_origin(request)
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = origin + reverse("sitemap_section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [SitemapIndexItem(f"{url}?p={page}", lastmod) for page in range(2, sitemap.paginator.num_pages + 1)]
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


@canonical_query("p")  # Django's sitemap view reads ?p= (the page of a long section); the page cache keys on it
def sitemap_section(request, **kwargs):
    return sitemap(request, **kwargs)
