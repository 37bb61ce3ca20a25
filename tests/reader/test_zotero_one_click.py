"""What Zotero saves from No. 6's page in one click, read from the tags its translators read.

Zotero's “Embedded Metadata” translator (zotero/translators, ``Embedded Metadata.js``)
hands the ``DC.*``, ``og:*`` and ``eprints.*`` tags to its “RDF” translator
(``RDF.js``), then lays the ``citation_*`` tags over the item:

- ``citation_technical_report_institution`` makes the item a *report*;
- ``citation_abstract`` is the abstract; without it RDF keeps ``og:description``
  (it reads that before ``DC.description``), which is cut short for social cards;
- ``DC.type`` (the first ``dc:type``) is the report type, which APA cites as
  “(<report type> No. <number>)”;
- ``eprints.place_of_pub`` is the place (RDF reads no other literal for it);
- ``citation_issn`` the ISSN, ``citation_technical_report_number`` the number;
- ``citation_doi`` the DOI (cleaned with ``ZU.cleanDOI``; RDF would also read it
  from a ``DC.identifier`` such as ``https://doi.org/…``, which the Highwire tag overrides);
- ``citation_pdf_url`` is attached as “Full Text PDF”.

translation-server's items for this page and for its RIS and BibTeX files are in
docs/zotero-no6/. These tests pin the tags the page's item comes from, on the page
as the demo serves it. A *report* has had an ISSN field since Zotero's item types
of 2026; with older ones the ISSN read here is dropped from the saved item.
"""

import pytest
from lxml import html as lxml_html

from demo import eucacis_in_brief_06 as seed

pytestmark = pytest.mark.django_db

#: The DCMI Type Vocabulary: words that say what kind of resource, not which series.
DCMI_TYPES = {
    "Collection",
    "Dataset",
    "Event",
    "Image",
    "InteractiveResource",
    "MovingImage",
    "PhysicalObject",
    "Service",
    "Software",
    "Sound",
    "StillImage",
    "Text",
}


def head_meta(html):
    """``{name or property: [content, …]}`` in page order, as ``html>head>meta[name]`` finds them."""
    found = {}
    for element in lxml_html.fromstring(html).xpath("/html/head/meta[@content]"):
        found.setdefault(element.get("name") or element.get("property"), []).append(element.get("content"))
    return found


def zotero_item(tags):
    """The fields of Zotero's item that these tags decide, by the translators' rules (first value wins)."""
    first = {key: values[0] for key, values in tags.items()}
    return {
        "itemType": "report" if "citation_technical_report_institution" in first else None,
        "title": first.get("citation_title"),
        "abstractNote": " ".join(
            (first.get("citation_abstract") or first.get("og:description") or first.get("DC.description", "")).split()
        ),
        "reportType": first.get("DC.type"),
        "reportNumber": first.get("citation_technical_report_number"),
        "institution": first.get("citation_technical_report_institution"),
        "place": first.get("eprints.place_of_pub"),
        "ISSN": ", ".join(tags.get("citation_issn", [])),
        "DOI": first.get("citation_doi"),
        "attachments": [{"title": "Full Text PDF", "url": first["citation_pdf_url"], "mimeType": "application/pdf"}]
        if "citation_pdf_url" in first
        else [],
    }


def apa_identifier(item):
    """APA's “(Genre No. 123)” of a report with a title (apa.csl, macro ``identifier-number``)."""
    return f"({item['reportType']} No. {item['reportNumber']})"


@pytest.fixture
def saved(client, demo_issue):
    response = client.get(demo_issue.get_absolute_url())
    assert response.status_code == 200
    return zotero_item(head_meta(response.content.decode()))


def first_paragraph_of_the_introduction():
    first = seed.INTRODUCTION.split("</p>", 1)[0]
    return " ".join(lxml_html.fromstring(first).text_content().split())


def test_no6_is_saved_as_a_report_of_the_series_so_apa_cites_the_series_and_number(saved):
    assert saved["itemType"] == "report"
    assert saved["reportType"] == "EUCACIS in Brief"
    assert saved["reportNumber"] == "6"
    assert apa_identifier(saved) == "(EUCACIS in Brief No. 6)"
    assert saved["institution"] == "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"


def test_the_report_type_is_never_a_dcmi_type_word(client, demo_issue):
    tags = head_meta(client.get(demo_issue.get_absolute_url()).content.decode())
    assert not set(tags["DC.type"]) & DCMI_TYPES
    assert tags.get("DCTERMS.type") is None and tags.get("dcterms.type") is None  # no second dc:type to win instead


def test_no6_is_saved_with_its_place_issn_and_pdf(saved, demo_issue):
    assert saved["place"] == "Berlin"
    assert saved["ISSN"] == "2627-7190"
    pdf = f"http://testserver/series/{demo_issue.series.slug}/6/pdf/"
    assert saved["attachments"] == [{"title": "Full Text PDF", "url": pdf, "mimeType": "application/pdf"}]


def test_no6_is_saved_with_its_doi_which_apa_then_prints_as_its_address(saved, client, demo_issue):
    assert saved["DOI"] == demo_issue.doi == "10.5555/eucacis-in-brief.6"  # docs/zotero-no6/web-item.json has it too
    tags = head_meta(client.get(demo_issue.get_absolute_url()).content.decode())
    assert tags["DC.identifier"][0] == "https://doi.org/10.5555/eucacis-in-brief.6"


def test_the_abstract_is_the_introductions_first_paragraph_whole(saved, client, demo_issue):
    paragraph = first_paragraph_of_the_introduction()
    assert paragraph.startswith("Since the beginning of Shavkat Mirziyoyev´s presidency")
    assert paragraph.endswith("the practical meaning of those changes will be explored.")
    assert saved["abstractNote"] == paragraph
    tags = head_meta(client.get(demo_issue.get_absolute_url()).content.decode())
    # og:description stays short for social cards: it is why citation_abstract is needed.
    assert len(tags["og:description"][0]) < len(paragraph)
    assert tags["citation_abstract"] == [paragraph] and tags["DC.description"] == [paragraph]


def test_google_scholars_tags_stay_one_per_field_and_one_author_per_author(client, demo_issue):
    tags = head_meta(client.get(demo_issue.get_absolute_url()).content.decode())
    for single in (
        "citation_title",
        "citation_publication_date",
        "citation_pdf_url",
        "citation_technical_report_institution",
        "citation_technical_report_number",
        "citation_abstract",
        "citation_doi",
    ):
        assert len(tags[single]) == 1, single
    assert tags["citation_author"] == ["Muratbekova, Albina"]  # the interviewer; the interviewee is no author
    assert "citation_journal_title" not in tags  # which would make Zotero and Scholar read a journal article
