"""No. 6's page as indexers and reference managers read it, and the citation files.

Read with real parsers: lxml for the meta tags, extruct for OpenGraph and
JSON-LD, bibtexparser for BibTeX. The outputs are printed (``pytest -s``), as
``scripts/show_citations.py`` does.
"""

import json
import re

import bibtexparser
import extruct
import pytest
from bibtexparser import middlewares
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from briefs.models import Contribution, Issue
from reader import citations
from tests.conftest import VERSION_QUERIES, make_interview, make_person, make_staff

pytestmark = pytest.mark.django_db

NO6_TITLE = "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
PUBLISHER = "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
BASE = "http://testserver"
NO6_URL = (
    f"{BASE}/series/eucacis-in-brief/6/recent-changes-in-the-kazakh-uzbek-relations-interview-with-erkin-baydarov/"
)
NO6_PDF = f"{BASE}/series/eucacis-in-brief/6/pdf/"
#: The demo's series has Crossref's test prefix, so No. 6 gets its DOI when load_demo publishes it.
NO6_DOI_URL = "https://doi.org/10.5555/eucacis-in-brief.6"


def meta_tags(html):
    found = {}
    for element in lxml_html.fromstring(html).xpath("/html/head/meta[@content]"):
        found.setdefault(element.get("name") or element.get("property"), []).append(element.get("content"))
    return found


def json_ld(html, url):
    (data,) = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
    return data


def opengraph(html, url):
    (og,) = extruct.extract(html, base_url=url, syntaxes=["opengraph"], uniform=False)["opengraph"]
    return og["properties"]


def citation_block(html):
    tree = lxml_html.fromstring(html)
    (section,) = tree.xpath("//section[@class='cite-this']")
    return {p.get("id"): " ".join(p.text_content().split()) for p in section.xpath(".//p[@class='citation-text']")}


def canonical(html):
    return lxml_html.fromstring(html).xpath("/html/head/link[@rel='canonical']/@href")


@pytest.fixture
def no6(client, demo_issue):
    response = client.get(demo_issue.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_no6_meta_tags_as_lxml_reads_them(no6):
    tags = meta_tags(no6)
    print("\nNo. 6 meta tags (lxml):")
    for key, values in tags.items():
        for value in values:
            print(f"  {key} = {value}")
    assert tags["citation_title"] == [NO6_TITLE]
    assert tags["citation_author"] == ["Muratbekova, Albina"]
    assert tags["citation_author_institution"] == [
        "Institute of Oriental Studies and Al Farabi Kazakh National University"
    ]
    assert tags["citation_publication_date"] == ["2019/02/01"]
    assert tags["citation_technical_report_institution"] == [PUBLISHER]
    assert tags["citation_technical_report_number"] == ["6"]
    assert tags["citation_issn"] == ["2627-7190"] and tags["citation_language"] == ["en"]
    assert tags["citation_pdf_url"] == [NO6_PDF] and tags["citation_abstract_html_url"] == [NO6_URL]
    assert tags["DC.title"] == [NO6_TITLE] and tags["DC.creator"] == ["Muratbekova, Albina"]
    assert tags["DC.contributor"] == ["Baydarov, Erkin"]  # the interviewee, without his “Dr”
    assert tags["DC.relation.ispartof"] == ["EUCACIS in Brief", "urn:ISSN:2627-7190"]
    assert tags["description"] == [
        "Since the beginning of Shavkat Mirziyoyev´s presidency in Uzbekistan in December 2016, "
        "dynamics of Kazakh-Uzbek relations significantly increased."
    ]
    assert tags["twitter:card"] == ["summary"]
    assert canonical(no6) == [NO6_URL]


def test_no6_opengraph_and_json_ld_as_extruct_reads_them(no6):
    og = opengraph(no6, NO6_URL)
    data = json_ld(no6, NO6_URL)
    print("\nNo. 6 OpenGraph (extruct):")
    for key, value in og:
        print(f"  {key} = {value}")
    print("No. 6 JSON-LD (extruct):")
    print(json.dumps(data, ensure_ascii=False, indent=2))
    assert ("og:type", "article") in og and ("og:url", NO6_URL) in og and ("og:title", NO6_TITLE) in og
    assert ("article:published_time", "2019-02-01") in og
    assert ("article:author", f"{BASE}/people/albina-muratbekova/") in og
    assert data["@type"] == "Report" and data["reportNumber"] == "6" and data["name"] == NO6_TITLE
    assert data["datePublished"] == "2019-02-01" and data["inLanguage"] == "en" and data["url"] == NO6_URL
    assert data["author"][0]["name"] == "Albina Muratbekova"
    assert data["author"][0]["affiliation"] == {
        "@type": "Organization",
        "name": "Institute of Oriental Studies and Al Farabi Kazakh National University",
    }
    assert data["contributor"][0]["name"] == "Erkin Baydarov"
    assert data["isPartOf"] == {
        "@type": "Periodical",
        "name": "EUCACIS in Brief",
        "issn": "2627-7190",
        "url": f"{BASE}/series/eucacis-in-brief/",
    }
    assert data["publisher"][0]["name"] == PUBLISHER
    # The institutions that organise the programme publish with it, as the printed issue's team says.
    assert [(p["@type"], p["name"], p.get("alternateName")) for p in data["publisher"][1:]] == [
        ("Organization", "Centre international de formation européenne", "CIFE"),
        ("Organization", "Institut für Europäische Politik", "IEP"),
    ]
    assert data["encoding"]["contentUrl"] == NO6_PDF and data["encoding"]["encodingFormat"] == "application/pdf"
    assert {t["name"] for t in data["about"]} >= {"Bilateral relations", "Trade and investment"}
    assert {"@type": "Country", "name": "Kazakhstan", "identifier": "KZ", "url": f"{BASE}/places/kazakhstan/"} in data[
        "spatialCoverage"
    ]
    assert {"@type": "Place", "name": "Central Asia", "url": f"{BASE}/places/central-asia/"} in data["spatialCoverage"]


def test_no6_cite_this_block_in_apa_chicago_and_harvard(no6):
    block = citation_block(no6)
    print("\nNo. 6, Cite this:")
    for key, text in block.items():
        print(f"  {key}: {text}")
    # With a DOI each style ends with it, as its address, in place of the page's.
    assert block["cite-apa"] == (
        f"Muratbekova, A. (2019). {NO6_TITLE} (EUCACIS in Brief No. 6). {PUBLISHER}. {NO6_DOI_URL}"
    )
    assert block["cite-chicago"].startswith("Muratbekova, Albina. 2019. Recent Changes in the Kazakh-Uzbek Relations")
    assert block["cite-chicago"].endswith(f"EUCACIS in Brief No. 6. {PUBLISHER}. {NO6_DOI_URL}.")
    assert block["cite-harvard"] == (
        f"Muratbekova, A. (2019) {NO6_TITLE}. EUCACIS in Brief 6. Berlin: {PUBLISHER}. Available at: {NO6_DOI_URL}."
    )
    assert (
        f'href="{BASE}/series/eucacis-in-brief/6/cite.bib"' in no6
        and f'href="{BASE}/series/eucacis-in-brief/6/cite.ris"' in no6
    )
    assert '<script src="/static/js/cite.js" defer></script>' in no6


def test_no6_bibtex_parses_with_bibtexparser(client, demo_issue):
    response = client.get(reverse("reader:issue_bibtex", args=["eucacis-in-brief", 6]))
    text = response.content.decode()
    print("\nNo. 6 BibTeX:\n" + text)
    assert response.status_code == 200 and response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="EUCACIS-in-Brief-06-Muratbekova.bib"'
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    assert not library.failed_blocks
    (entry,) = library.entries
    assert (entry.entry_type, entry.key) == ("techreport", "eucacis-in-brief-06")
    fields = {key: field.value for key, field in entry.fields_dict.items()}
    assert fields["title"] == NO6_TITLE and fields["institution"] == PUBLISHER
    assert fields["type"] == "EUCACIS in Brief" and fields["number"] == "6"
    assert fields["year"] == "2019" and fields["month"] == "feb" and fields["url"] == NO6_URL
    assert [(a.first, a.last) for a in fields["author"]] == [(["Albina"], ["Muratbekova"])]


def test_no6_ris(client, demo_issue):
    response = client.get(reverse("reader:issue_ris", args=["eucacis-in-brief", 6]))
    text = response.content.decode()
    print("\nNo. 6 RIS:\n" + text.replace("\r\n", "\n"))
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="EUCACIS-in-Brief-06-Muratbekova.ris"'
    lines = [re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line).groups() for line in text.split("\r\n")[:-1]]
    tags = dict(lines)
    assert lines[0] == ("TY", "RPRT") and lines[-1] == ("ER", "")
    assert [v for t, v in lines if t == "AU"] == ["Muratbekova, Albina"]
    assert tags["TI"] == NO6_TITLE and tags["M3"] == "EUCACIS in Brief" and "T2" not in tags and tags["SN"] == "6"
    assert tags["PY"] == "2019" and tags["DA"] == "2019/02/01/" and tags["PB"] == PUBLISHER
    assert tags["UR"] == NO6_URL and tags["L1"] == NO6_PDF and tags["LA"] == "en"
    assert tags["AB"].startswith("Since the beginning of Shavkat Mirziyoyev´s presidency")


def test_the_issue_page_is_canonical_at_its_full_address_whatever_the_query(client, demo_issue):
    html = client.get(demo_issue.get_absolute_url(), {"utm_source": "x", "page": "2"}).content.decode()
    assert canonical(html) == [NO6_URL]


# -- who gets them, and the page cache ---------------------------------------------------


def _citation_urls(issue):
    return [
        reverse(name, args=[issue.series.slug, issue.number]) for name in ("reader:issue_bibtex", "reader:issue_ris")
    ]


def test_citation_files_of_a_draft_are_404_for_the_public_and_a_preview_for_editors(client, client_in_role):
    draft = make_interview(status=Issue.Status.DRAFT, title="A secret title")
    for url in _citation_urls(draft):
        response = client.get(url)
        assert response.status_code == 404 and "A secret title" not in response.content.decode()
    editor = client_in_role("Editor")
    for url in _citation_urls(draft):
        response = editor.get(url)
        assert response.status_code == 200 and "A secret title" in response.content.decode()
        assert "no-cache" in response["Cache-Control"]


def test_citation_files_of_a_withdrawn_issue_are_gone(client):
    withdrawn = make_interview(status=Issue.Status.WITHDRAWN, withdrawal_notice="Withdrawn at the author's request.")
    for url in _citation_urls(withdrawn):
        response = client.get(url)
        assert response.status_code == 410 and "Withdrawn at the author" in response.content.decode()


def test_citation_files_are_cached_like_the_page_and_not_indexed(client, django_assert_num_queries):
    issue = make_interview()
    for url in _citation_urls(issue):
        first = client.get(url)
        assert first["X-Robots-Tag"] == "noindex" and first["ETag"]
        with django_assert_num_queries(VERSION_QUERIES):
            second = client.get(url)
        assert second.content == first.content and second["Content-Disposition"] == first["Content-Disposition"]


def test_the_issue_page_has_no_nonce_so_it_is_cached_and_served_from_the_cache(client, django_assert_num_queries):
    issue = make_interview()
    first = client.get(issue.get_absolute_url())
    assert "nonce-" not in first["Content-Security-Policy"]
    assert "nonce=" not in first.content.decode()
    with django_assert_num_queries(VERSION_QUERIES):
        assert client.get(issue.get_absolute_url()).content == first.content


def test_citations_are_rendered_once_per_issue_version_not_per_request(client, settings, monkeypatch):
    settings.PAGE_CACHE_ENABLED = False  # every request renders the page
    calls = []
    real = citations.render_csl
    monkeypatch.setattr(citations, "render_csl", lambda item: calls.append(item["title"]) or real(item))
    citations._recent.clear()
    issue = make_interview(title="First title")
    for _ in range(3):
        assert client.get(issue.get_absolute_url()).status_code == 200
    assert calls == ["First title"]
    issue.title = "Second title"
    issue.save()
    assert "Second title" in client.get(issue.get_absolute_url()).content.decode()
    assert calls == ["First title", "Second title"]


def test_the_proofreading_copy_has_neither_metadata_nor_citations(client):
    from sharing.services import share_issue

    draft = make_interview(status=Issue.Status.DRAFT)
    html = client.get(share_issue(issue=draft, by=None).get_absolute_url()).content.decode()
    assert "citation_title" not in html and "application/ld+json" not in html and 'class="cite-this"' not in html
    assert not canonical(html)


def test_an_editor_s_preview_of_a_draft_is_not_canonical():
    draft = make_interview(status=Issue.Status.DRAFT)
    editor = Client()
    editor.force_login(make_staff("briefs.view_issue"))
    html = editor.get(draft.get_absolute_url()).content.decode()
    assert '<meta name="robots" content="noindex">' in html and not canonical(html)


def test_an_interview_s_interviewees_are_contributors_not_authors(client):
    issue = make_interview(authors=2)
    Contribution.objects.create(
        issue=issue,
        person=make_person(given_name="Second", family_name="Interviewee"),
        role="interviewee",
        speaker_label="SI",
    )
    tags = meta_tags(client.get(issue.get_absolute_url()).content.decode())
    interviewers = [
        f"{c.person.family_name}, {c.person.given_name}"
        for c in issue.contributions.filter(role="interviewer").order_by("sort_order")
    ]
    assert tags["citation_author"] == interviewers
    assert "Interviewee, Second" in tags["DC.contributor"] and "Interviewee, Second" not in tags["citation_author"]


def test_show_citations_prints_no6_s_metadata_citations_and_files(demo_issue, settings):
    import io

    from django.core.management import call_command

    settings.SITE_URL = "https://briefs.example.org"
    out = io.StringIO()
    call_command("show_citations", stdout=out)
    text = out.getvalue()
    assert "citation_author = Muratbekova, Albina" in text
    assert '"@type": "Report"' in text
    assert f"Muratbekova, A. (2019). {NO6_TITLE} (EUCACIS in Brief No. 6). {PUBLISHER}. {NO6_DOI_URL}" in text
    assert "citation_doi = 10.5555/eucacis-in-brief.6" in text
    assert "@techreport{eucacis-in-brief-06," in text and "TY  - RPRT" in text


def test_an_author_s_new_affiliation_shows_in_the_metadata_on_the_next_request(client):
    issue = make_interview()
    author = issue.contributions.get(role="interviewer").person
    author.affiliation = "First University"
    author.save()
    assert meta_tags(client.get(issue.get_absolute_url()).content.decode())["citation_author_institution"] == [
        "First University"
    ]
    author.affiliation = "Second University"
    author.save()
    assert meta_tags(client.get(issue.get_absolute_url()).content.decode())["citation_author_institution"] == [
        "Second University"
    ]


def test_with_the_cache_down_the_metadata_still_follows_every_change(client, settings, monkeypatch):
    from reader import views

    settings.PAGE_CACHE_ENABLED = False
    monkeypatch.setattr(views, "version_now", lambda: None)  # no content version: kept by the document itself
    issue = make_interview(title="Before the change")
    assert meta_tags(client.get(issue.get_absolute_url()).content.decode())["citation_title"] == ["Before the change"]
    Issue.objects.filter(pk=issue.pk).update(title="After the change")
    assert meta_tags(client.get(issue.get_absolute_url()).content.decode())["citation_title"] == ["After the change"]
