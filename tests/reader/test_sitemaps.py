"""sitemap.xml (reader/sitemaps.py) and robots.txt, read with lxml as a crawler would."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from briefs.models import Contribution, Correction, Issue, Place, Topic
from printing.models import IssuePdf
from reader.people_public import public_people
from reader.sitemaps import SITEMAPS, IssueSitemap
from tests.conftest import VERSION_QUERIES, make_fellowship, make_issue, make_membership, make_person, make_series

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ORIGIN = "http://testserver"


def _xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


def index(client):
    """``[(loc, lastmod or None)]`` of /sitemap.xml."""
    root = _xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return [
        (s.findtext("sm:loc", namespaces=NS), s.findtext("sm:lastmod", namespaces=NS))
        for s in root.iterfind("sm:sitemap", NS)
    ]


def section(client, name, page=None):
    """``{loc: lastmod or None}`` of one section's sitemap."""
    url = reverse("sitemap_section", kwargs={"section": name}) + (f"?p={page}" if page else "")
    root = _xml(client, url)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    return {
        u.findtext("sm:loc", namespaces=NS): u.findtext("sm:lastmod", namespaces=NS)
        for u in root.iterfind("sm:url", NS)
    }


def test_the_index_names_every_section_with_absolute_addresses(client, demo_issue):
    entries = index(client)
    assert [loc for loc, _ in entries] == [f"{ORIGIN}/sitemap-{name}.xml" for name in SITEMAPS]
    assert dict(entries)[f"{ORIGIN}/sitemap-issues.xml"].startswith("2019-02-01T")


def test_the_issues_section_lists_published_issues_at_their_canonical_address_with_lastmod(client):
    series = make_series()
    public = make_issue(series, publication_date=datetime.date(2019, 2, 1))
    corrected = make_issue(series, publication_date=datetime.date(2019, 5, 1))
    Correction.objects.create(
        issue=corrected, corrected_at=timezone.make_aware(datetime.datetime(2020, 7, 9, 12)), note="x"
    )
    for status in (Issue.Status.DRAFT, Issue.Status.WITHDRAWN, Issue.Status.APPROVED):
        make_issue(series, status=status)
    make_issue(series, publication_date=datetime.date(2999, 1, 1))  # scheduled
    assert section(client, "issues") == {
        ORIGIN + corrected.get_absolute_url(): "2020-07-09",
        ORIGIN + public.get_absolute_url(): "2019-02-01",
    }


def _stored_pdf(issue, **fields):
    pdf = IssuePdf(issue=issue, version="v1", built_at=timezone.make_aware(datetime.datetime(2021, 4, 5, 10)), **fields)
    pdf.file.save(f"test/{issue.pk}.pdf", ContentFile(b"%PDF-1.7"), save=False)
    pdf.save()
    return pdf


def test_the_pdfs_section_lists_stored_pdfs_whose_last_build_did_not_fail(client):
    built, failed, never, draft = make_issue(), make_issue(), make_issue(), make_issue(status=Issue.Status.DRAFT)
    _stored_pdf(built)
    _stored_pdf(failed, failed_version="v2", failure="A note could not be placed")
    IssuePdf.objects.create(issue=never, failed_version="v1", failure="x")  # no file at all
    _stored_pdf(draft)
    pdf_url = ORIGIN + reverse("reader:issue_pdf", args=[built.series.slug, built.number])
    assert section(client, "pdfs") == {pdf_url: "2021-04-05"}


def test_the_people_section_lists_exactly_the_people_with_a_public_page(client, demo_issue):
    only_in_a_draft = make_person(slug="only-in-a-draft")
    Contribution.objects.create(issue=make_issue(status=Issue.Status.DRAFT), person=only_in_a_draft, role="author")
    make_fellowship(person=make_person(slug="unlisted"), listed_publicly=False)
    make_fellowship(person=make_person(slug="listed"))
    make_membership(demo_issue.series, person=make_person(slug="future-editor"), start_date=datetime.date(2999, 1, 1))
    listed = section(client, "people")
    assert set(listed) == {ORIGIN + p.get_absolute_url() for p in public_people()}
    assert f"{ORIGIN}/people/listed/" in listed and f"{ORIGIN}/people/albina-muratbekova/" in listed
    assert not {f"{ORIGIN}/people/{slug}/" for slug in ("only-in-a-draft", "unlisted", "future-editor")} & set(listed)
    assert listed[f"{ORIGIN}/people/albina-muratbekova/"] == "2019-02-01"  # her latest published issue
    assert listed[f"{ORIGIN}/people/listed/"] is None


def test_the_pages_and_series_sections(client, demo_issue):
    empty = make_series(slug="no-issues-yet")
    assert section(client, "pages") == {
        f"{ORIGIN}/": "2019-02-01",
        f"{ORIGIN}/issues/": "2019-02-01",
        f"{ORIGIN}/fellows/": None,
    }
    assert section(client, "series") == {
        f"{ORIGIN}/series/eucacis-in-brief/": "2019-02-01",
        f"{ORIGIN}/series/no-issues-yet/": None,
    }
    assert empty.get_absolute_url() == "/series/no-issues-yet/"


def test_the_topics_and_places_sections_list_those_of_published_issues(client, demo_issue):
    draft = make_issue(status=Issue.Status.DRAFT)
    draft.topics.add(Topic.objects.create(name="Secret talks", slug="secret-talks"))
    draft.places.add(Place.objects.create(name="Atlantis", slug="atlantis", kind=Place.Kind.REGION))
    assert set(section(client, "topics")) == {ORIGIN + t.get_absolute_url() for t in demo_issue.topics.all()}
    assert set(section(client, "places")) == {ORIGIN + p.get_absolute_url() for p in demo_issue.places.all()}
    assert set(section(client, "topics").values()) == {"2019-02-01"}


def test_every_address_in_the_sitemap_answers_200(client, demo_issue):
    _stored_pdf(demo_issue)
    IssuePdf.objects.filter(issue=demo_issue).update(version=_current_version(demo_issue))
    names = [name for name in SITEMAPS]
    for name in names:
        for loc in section(client, name):
            response = Client().get(loc.removeprefix(ORIGIN))
            assert response.status_code == 200, loc


def _current_version(issue):
    from briefs.document import issue_document
    from printing.pdf import pdf_version

    return pdf_version(issue_document(Issue.objects.select_related("series__programme").get(pk=issue.pk)))


def test_a_long_section_is_paged_and_the_index_names_each_page(client, monkeypatch):
    monkeypatch.setattr(IssueSitemap, "limit", 2)
    series = make_series()
    issues = [make_issue(series, number=n, publication_date=datetime.date(2019, 1, n)) for n in range(1, 6)]
    locations = [loc for loc, _ in index(client)]
    issue_pages = [loc for loc in locations if "sitemap-issues.xml" in loc]
    assert issue_pages == [
        f"{ORIGIN}/sitemap-issues.xml",
        f"{ORIGIN}/sitemap-issues.xml?p=2",
        f"{ORIGIN}/sitemap-issues.xml?p=3",
    ]
    pages = [section(client, "issues", page) for page in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert set().union(*pages) == {ORIGIN + i.get_absolute_url() for i in issues}
    assert client.get("/sitemap-issues.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_site_url_gives_the_scheme_and_host_of_every_address(client, demo_issue, settings):
    settings.SITE_URL = "https://briefs.example.org"
    assert {loc.split("/sitemap-")[0] for loc, _ in index(client)} == {"https://briefs.example.org"}
    for name in ("pages", "issues", "people"):
        assert all(loc.startswith("https://briefs.example.org/") for loc in section(client, name))
    assert "Sitemap: https://briefs.example.org/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_without_site_url_addresses_follow_the_request(demo_issue, settings):
    settings.ALLOWED_HOSTS = ["briefs.example.org"]
    client = Client(HTTP_HOST="briefs.example.org")
    locs = [loc for loc, _ in _index_via(client, secure=True)]
    assert locs[0] == "https://briefs.example.org/sitemap-pages.xml"


def _index_via(client, secure):
    response = client.get("/sitemap.xml", secure=secure)
    root = etree.fromstring(response.content)
    return [(s.findtext("sm:loc", namespaces=NS), None) for s in root.iterfind("sm:sitemap", NS)]


def test_a_cached_sitemap_keeps_its_content_type(client, demo_issue, django_assert_num_queries):
    first = client.get("/sitemap-issues.xml")
    with django_assert_num_queries(VERSION_QUERIES):
        second = client.get("/sitemap-issues.xml")
    assert second.content == first.content and second["Content-Type"] == "application/xml"
    assert second["X-Robots-Tag"] == first["X-Robots-Tag"]


# -- robots.txt ------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap_and_keeps_admin_and_proofreading_links_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert [line for line in lines if line.startswith("Disallow:")] == ["Disallow: /admin/", "Disallow: /proof/"]
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_names_the_oai_pmh_base_url_in_a_comment_and_no_directive_of_its_own(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert (
        lines[-1] == "# OAI-PMH base URL (for harvesters; robots.txt has no directive for it): http://testserver/oai/"
    )
    directives = {line.split(":", 1)[0] for line in lines if line and not line.startswith("#")}
    assert directives == {"User-agent", "Disallow", "Sitemap"}


def test_robots_txt_names_the_benchmark_view_only_when_it_is_mounted(client, settings):
    settings.BENCHMARK_VIEWS = True
    assert "Disallow: /_bench/" in client.get("/robots.txt").content.decode().splitlines()


def test_robots_txt_disallows_nothing_a_reader_may_see(client, demo_issue):
    from urllib.robotparser import RobotFileParser

    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())
    for name in ("pages", "series", "issues", "people"):
        for loc in section(client, name):
            assert robots.can_fetch("Googlebot", loc), loc
    for url in ["/sitemap.xml", "/feed/atom/", reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]), "/oai/"]:
        assert robots.can_fetch("Googlebot", ORIGIN + url)
    for url in ["/admin/", "/admin/briefs/issue/", "/proof/some-token/"]:
        assert not robots.can_fetch("Googlebot", ORIGIN + url)
