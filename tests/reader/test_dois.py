"""Where an issue's DOI shows, and in which form: a spec, output by output.

Every output that describes an issue says its DOI once it has one, and says
nothing of a DOI (no empty tag, label or field) before. The form is the one each
vocabulary expects (docs/public-site.md, “The DOI”):

- the bare DOI, ``10.5555/eucacis-in-brief.6``, where the field *is* a DOI:
  ``citation_doi``, JSON-LD ``identifier`` (a ``PropertyValue``), CSL ``DOI``,
  BibTeX ``doi``, RIS ``DO``, the PDF's ``/doi``;
- the DOI as its address, ``https://doi.org/10.5555/eucacis-in-brief.6``, where
  readers see it or the field is a URI: the page, the PDF's cover and imprint,
  the three citation styles, ``DC.identifier``, JSON-LD ``sameAs``, the feeds'
  ``dc:identifier``.

A DOI's suffix may hold ``_ ; ( ) / : -`` (briefs.dois); :data:`ODD` has them
all, and each format must carry it unchanged and well-formed. :data:`HOSTILE`
is no DOI the site can make (it has ``<``, ``&`` and quotes), and shows that the
HTML, XML and JSON writers escape it rather than relying on the DOI's syntax.
"""

import re

import bibtexparser
import extruct
import feedparser
import pytest
from django.urls import reverse
from lxml import etree
from lxml import html as lxml_html

from briefs.dois import DOI_RE
from briefs.models import Issue, Series
from people.models import Programme
from reader.citations import bibtex, csl_item, render_csl, ris
from reader.metadata import page_metadata
from reader.structured_data import home_page, series_page
from tests.conftest import make_interview
from tests.reader.scholarly_samples import LINKS, scholarly_document

NO6_DOI = "10.5555/eucacis-in-brief.6"
NO6_DOI_URL = "https://doi.org/10.5555/eucacis-in-brief.6"
#: Every character a suffix may hold (briefs.dois._SUFFIX_RE), and ":" that DOI_RE allows.
ODD = "10.5555/a_b(1);c/d:e-f.6"
#: Not a DOI the site can make: for the escaping of HTML, XML and JSON only.
HOSTILE = "10.5555/a_b(1)<x>&\"'"

DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"


def test_the_odd_sample_is_a_doi_the_site_could_make_and_the_hostile_one_is_not():
    assert DOI_RE.match(ODD) and not DOI_RE.match(HOSTILE)


def head_of(document):
    metadata = page_metadata(document, LINKS)
    return f"<!doctype html><html lang='en'><head><title>t</title>{metadata.head}</head><body></body></html>"


def meta(html):
    found = {}
    for element in lxml_html.fromstring(html).xpath("/html/head/meta[@content]"):
        found.setdefault(element.get("name") or element.get("property"), []).append(element.get("content"))
    return found


def report(html):
    (data,) = extruct.extract(html, base_url=LINKS.page, syntaxes=["json-ld"])["json-ld"]
    return data


# -- the page's metadata -------------------------------------------------------------------


@pytest.mark.parametrize("doi", [NO6_DOI, ODD, HOSTILE])
def test_highwire_gives_the_bare_doi_and_dublin_core_its_address_before_the_page(doi):
    tags = meta(head_of(scholarly_document(doi=doi)))
    assert tags["citation_doi"] == [doi]
    assert tags["DC.identifier"] == [f"https://doi.org/{doi}", LINKS.page]
    # The page stays the page: its own address is og:url, and the DOI is no OpenGraph property.
    assert tags["og:url"] == [LINKS.page]


def test_without_a_doi_there_is_no_citation_doi_and_the_page_is_the_only_identifier():
    html = head_of(scholarly_document())
    tags = meta(html)
    assert "citation_doi" not in tags and tags["DC.identifier"] == [LINKS.page]
    assert "doi.org" not in html


@pytest.mark.parametrize("doi", [NO6_DOI, ODD, HOSTILE])
def test_json_ld_names_the_doi_as_an_identifier_and_its_address_as_the_same_work(doi):
    html = head_of(scholarly_document(doi=doi))
    data = report(html)
    assert data["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI", "value": doi}
    assert data["sameAs"] == f"https://doi.org/{doi}"
    assert data["@id"] == data["url"] == LINKS.page
    (script,) = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert "<" not in script and "&" not in script.replace("\\u0026", "")


def test_json_ld_without_a_doi_has_no_identifier_or_same_as():
    data = report(head_of(scholarly_document()))
    assert "identifier" not in data and "sameAs" not in data


# -- citations -----------------------------------------------------------------------------


def plain(html):
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("doi", [NO6_DOI, ODD])
def test_apa_chicago_and_harvard_end_with_the_doi_as_its_address_in_place_of_the_page(doi):
    item = csl_item(scholarly_document(doi=doi), LINKS)
    assert item["DOI"] == doi
    styles = {c.key: plain(c.html) for c in render_csl(item)}
    address = f"https://doi.org/{doi}"
    assert styles["apa"].endswith(f"(EUCACIS). {address}")
    assert styles["chicago"].endswith(f"(EUCACIS). {address}.")
    assert styles["harvard"].endswith(f"(EUCACIS). Available at: {address}.")
    for text in styles.values():
        assert LINKS.page not in text and "doi:" not in text.lower()


def test_without_a_doi_the_styles_end_with_the_page_and_name_no_doi():
    item = csl_item(scholarly_document(), LINKS)
    assert "DOI" not in item
    for citation in render_csl(item):
        assert LINKS.page in plain(citation.html) and "doi" not in plain(citation.html).lower()


def bibtex_fields(text):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks
    (entry,) = library.entries
    return {field.key: field.value for field in entry.fields}


@pytest.mark.parametrize("doi", [NO6_DOI, ODD])
def test_bibtex_has_the_bare_doi_unescaped_and_bibtexparser_reads_it_back(doi):
    text = bibtex(scholarly_document(doi=doi), LINKS)
    assert re.search(rf"^  doi +\= \{{{re.escape(doi)}\}},$", text, re.M)
    fields = bibtex_fields(text)
    assert fields["doi"] == doi and fields["url"] == LINKS.page


def test_bibtex_without_a_doi_has_no_doi_field():
    assert "doi" not in bibtex_fields(bibtex(scholarly_document(), LINKS))


def ris_lines(text):
    lines = text.split("\r\n")[:-1]
    for line in lines:
        assert re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), line
    return lines


@pytest.mark.parametrize("doi", [NO6_DOI, ODD])
def test_ris_has_the_bare_doi_in_do_beside_the_page_in_ur(doi):
    lines = ris_lines(ris(scholarly_document(doi=doi), LINKS))
    assert [line for line in lines if line.startswith(("DO", "UR"))] == [f"DO  - {doi}", f"UR  - {LINKS.page}"]


def test_ris_without_a_doi_has_no_do_line():
    assert not [line for line in ris_lines(ris(scholarly_document(), LINKS)) if line.startswith("DO")]


# -- the issue page ---------------------------------------------------------------------------


def page(client, issue):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


@pytest.mark.django_db
def test_no6_shows_its_doi_as_a_link_under_the_byline_and_in_the_imprint(client, demo_issue):
    assert demo_issue.doi == NO6_DOI
    tree = page(client, demo_issue)
    (line,) = tree.xpath("//header[@class='issue-header']//p[@class='issue-doi']")
    assert " ".join(line.text_content().split()) == f"DOI {NO6_DOI_URL}"
    assert [(a.get("href"), a.text) for a in line.xpath("a")] == [(NO6_DOI_URL, NO6_DOI_URL)]
    # Right after the byline, before the PDF: where readers of journals look for it.
    assert line.getprevious().get("class") == "issue-byline"
    assert line.getnext().get("class") == "issue-download"
    imprint = tree.xpath("//details[@class='imprint']//dl[@class='imprint-details']")[0]
    terms = [dt.text for dt in imprint.xpath("dt")]
    assert terms[terms.index("ISSN") + 1] == "DOI"
    (link,) = imprint.xpath("dd/a[@href=$url]", url=NO6_DOI_URL)
    assert link.text == NO6_DOI_URL


@pytest.mark.django_db
def test_an_issue_without_a_doi_shows_no_doi_label_or_link(client):
    issue = make_interview()
    assert issue.doi == ""
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "issue-doi" not in html and "doi.org" not in html and ">DOI<" not in html
    assert 'name="citation_doi"' not in html


@pytest.mark.django_db
def test_a_hostile_doi_is_text_on_the_page_never_markup(client):
    issue = make_interview()
    Issue.objects.filter(pk=issue.pk).update(doi=HOSTILE)
    tree = page(client, issue)
    (line,) = tree.xpath("//p[@class='issue-doi']")
    assert line.xpath("a")[0].get("href") == f"https://doi.org/{HOSTILE}"
    assert not tree.xpath("//x"), "no element made of the DOI"


# -- feeds -------------------------------------------------------------------------------------


def entries(client, name, fmt):
    content = client.get(reverse(f"reader:{name}_feed_{fmt}")).content
    assert not feedparser.parse(content).bozo
    root = etree.fromstring(content)
    return (
        root.xpath("//item")
        if fmt == "rss"
        else root.xpath("//a:entry", namespaces={"a": "http://www.w3.org/2005/Atom"})
    )


def identifiers(entry):
    return [e.text for e in entry.iter(f"{{{DUBLIN_CORE}}}identifier")]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_feed_entry_carries_the_doi_as_dc_identifier_and_keeps_its_id(client, demo_issue, fmt):
    (entry,) = entries(client, "site", fmt)
    assert identifiers(entry) == [NO6_DOI_URL]
    short = f"http://testserver{reverse('reader:issue_short_url', args=['eucacis-in-brief', 6])}"
    if fmt == "rss":
        assert entry.findtext("guid") == short and entry.findtext("link").startswith("http://testserver/series/")
    else:
        atom = "{http://www.w3.org/2005/Atom}"
        assert entry.findtext(f"{atom}id") == short
        assert [link.get("href") for link in entry.iter(f"{atom}link") if link.get("rel") == "alternate"] == [
            f"http://testserver{demo_issue.get_absolute_url()}"
        ]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_feed_entry_without_a_doi_has_no_dc_identifier_and_a_hostile_one_is_escaped(client, fmt):
    without, hostile = make_interview(), make_interview()
    Issue.objects.filter(pk=hostile.pk).update(doi=HOSTILE)
    found = {}
    for entry in entries(client, "site", fmt):
        found[entry.findtext("title") or entry.findtext("{http://www.w3.org/2005/Atom}title")] = identifiers(entry)
    assert found[without.title] == []
    assert found[hostile.title] == [f"https://doi.org/{HOSTILE}"]


@pytest.mark.django_db
def test_feedparser_reads_the_doi_of_an_rss_entry(client, demo_issue):
    feed = feedparser.parse(client.get(reverse("reader:site_feed_rss")).content)
    assert feed.entries[0]["dc_identifier"] == NO6_DOI_URL


# -- the sitemap --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_sitemap_lists_the_dois_landing_page_and_never_the_doi_address(client, demo_issue):
    """The DOI resolves to the issue's canonical page, which is what the sitemap lists.

    A sitemap may only list addresses of its own site (sitemaps.org), so
    https://doi.org/… cannot be an entry; the issue's page, with its DOI shown
    and in its metadata, is.
    """
    xml = client.get(reverse("sitemap_section", kwargs={"section": "issues"})).content
    locations = etree.fromstring(xml).xpath(
        "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    )
    assert locations == [f"http://testserver{demo_issue.get_absolute_url()}"]
    assert b"doi.org" not in xml


# -- the home and series pages: who holds the prefix ---------------------------------------------


def graph(html):
    (data,) = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    return data


@pytest.mark.django_db
def test_the_home_page_names_the_programme_that_publishes_under_the_prefix(client, demo_issue):
    data = graph(client.get(reverse("reader:home")).content.decode())
    site, programme = data["@graph"]
    assert site["publisher"] == [{"@id": programme["@id"]}]
    assert programme["@type"] == "Organization" and programme["alternateName"] == "EUCACIS"
    assert programme["identifier"] == {"@type": "PropertyValue", "propertyID": "DOI prefix", "value": "10.5555"}


@pytest.mark.django_db
def test_the_series_page_s_publisher_holds_the_prefix(client, demo_issue):
    data = graph(client.get(reverse("reader:series_detail", args=["eucacis-in-brief"])).content.decode())
    assert data["publisher"]["identifier"]["value"] == "10.5555"


def test_a_programme_without_a_prefix_has_no_identifier_and_two_prefixes_are_both_named():
    programme = Programme(name="A Programme", website="https://programme.example/")
    without = Series(name="A", slug="a", doi_prefix="", programme=programme)
    assert "identifier" not in series_page(without, root="https://briefs.example.org")["publisher"]
    home = home_page(
        root="https://briefs.example.org", search_path="/search/", programmes=[programme], series=[without]
    )
    assert "identifier" not in home["@graph"][1]
    two = [Series(name="B", slug="b", doi_prefix="10.9999"), Series(name="C", slug="c", doi_prefix="10.5555")]
    home = home_page(root="https://briefs.example.org", search_path="/search/", programmes=[programme], series=two)
    assert [i["value"] for i in home["@graph"][1]["identifier"]] == ["10.5555", "10.9999"]


# -- caches: the DOI is part of the issue document, so of its content version --------------------


@pytest.mark.django_db
def test_no_cached_output_keeps_showing_an_issue_without_the_doi_it_has_been_given(client, django_user_model):
    """An issue public before its series had a prefix gets its DOI when it is published again.

    Every output was read (and cached) before; each shows the DOI on the next request.
    """
    from briefs.workflow import apply_transition

    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")
    issue = make_interview()
    series = issue.series
    short = reverse("reader:issue_short_url", args=[series.slug, issue.number])
    outputs = [
        issue.get_absolute_url(),
        reverse("reader:issue_bibtex", args=[series.slug, issue.number]),
        reverse("reader:issue_ris", args=[series.slug, issue.number]),
        reverse("reader:site_feed_atom"),
        reverse("reader:series_feed_rss", args=[series.slug]),
        reverse("reader:home"),
    ]
    for url in outputs:
        response = client.get(url)
        assert response.status_code == 200 and b"10.5555" not in response.content, url

    series.doi_prefix, series.crossref_depositor_email = "10.5555", "office@example.org"
    series.save()
    apply_transition(issue, "withdraw", by=chief, comment="Checking a source.")
    apply_transition(Issue.objects.get(pk=issue.pk), "republish", by=chief)
    doi = Issue.objects.get(pk=issue.pk).doi
    assert doi == f"10.5555/{series.slug}.{issue.number}"

    for url in outputs:
        content = client.get(url).content.decode()
        assert ("10.5555" if url == reverse("reader:home") else doi) in content, url
    page_html = client.get(issue.get_absolute_url()).content.decode()
    assert f"https://doi.org/{doi}" in citation_texts(page_html)["cite-apa"]
    assert client.get(short, follow=True).status_code == 200


def citation_texts(html):
    tree = lxml_html.fromstring(html)
    return {p.get("id"): " ".join(p.text_content().split()) for p in tree.xpath("//p[@class='citation-text']")}
