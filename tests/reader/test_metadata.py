"""The issue page's metadata, built without a database and read back with real parsers:
lxml for the meta tags, extruct for OpenGraph and JSON-LD."""

import json

import extruct
import pytest
from lxml import html as lxml_html

from reader.metadata import description, json_ld, page_metadata, render_json_ld
from tests.reader.scholarly_samples import (
    ALBINA,
    CORRECTED,
    CYRILLIC,
    LINKS,
    OKINA,
    UZBEK,
    VAN_DER_BERG,
    scholarly_document,
)


def page_of(document):
    """A minimal page with the document's head, as the issue template places it."""
    metadata = page_metadata(document, LINKS)
    return f'<!doctype html><html lang="en"><head><title>t</title><meta name="description" content="{metadata.description}">{metadata.head}</head><body></body></html>'


def meta(html):
    """``{name or property: [content, …]}`` of every ``<meta>`` in the head, read with lxml."""
    found = {}
    for element in lxml_html.fromstring(html).xpath("/html/head/meta[@content]"):
        found.setdefault(element.get("name") or element.get("property"), []).append(element.get("content"))
    return found


def opengraph(html):
    (og,) = extruct.extract(html, base_url=LINKS.page, syntaxes=["opengraph"], uniform=False)["opengraph"]
    properties = {}
    for key, value in og["properties"]:
        properties.setdefault(key, []).append(value)
    return properties


def report(html):
    (data,) = extruct.extract(html, base_url=LINKS.page, syntaxes=["json-ld"])["json-ld"]
    return data


# -- the description ------------------------------------------------------------------


def test_a_short_text_is_its_own_description():
    assert description("  Kazakhstan and\nUzbekistan.  ") == "Kazakhstan and Uzbekistan."


def test_a_long_text_is_cut_after_the_last_sentence_that_fits_when_one_ends_late_enough():
    text = "A" * 150 + ". " + "More words follow here and go on. " * 10
    assert description(text) == "A" * 150 + ". More words follow here and go on."
    assert description("A" * 199 + ". More.") == "A" * 199 + "."


def test_otherwise_it_is_cut_at_a_word_with_an_ellipsis_within_the_limit():
    text = "Since the beginning of the presidency, " + "relations between the two states deepened steadily, " * 8
    cut = description(text)
    assert cut.endswith("…") and 150 <= len(cut) <= 201
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] in " ,"  # whole words only
    assert not cut[:-1].endswith(",")


# -- meta tags (lxml) ---------------------------------------------------------------------


def test_highwire_tags_describe_a_technical_report():
    tags = meta(page_of(scholarly_document()))
    assert tags["citation_title"] == ["Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"]
    assert tags["citation_author"] == ["Muratbekova, Albina"]  # the interviewer; not the interviewee
    assert tags["citation_author_institution"] == ["Institute of Oriental Studies, Almaty"]
    assert tags["citation_publication_date"] == ["2019/02/01"]
    assert tags["citation_technical_report_institution"] == [
        "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    ]
    assert tags["citation_technical_report_number"] == ["6"]
    assert tags["citation_issn"] == ["2627-7190"] and tags["citation_language"] == ["en"]
    assert tags["citation_pdf_url"] == [LINKS.pdf] and tags["citation_abstract_html_url"] == [LINKS.page]
    assert "citation_journal_title" not in tags  # a report, not a journal article


def test_one_citation_author_per_author_in_order_with_particles_cyrillic_okina_and_no_honorific():
    document = scholarly_document(authors=(VAN_DER_BERG, CYRILLIC, UZBEK, ALBINA), kind="article", interviewees=())
    tags = meta(page_of(document))
    assert tags["citation_author"] == [
        "van der Berg, Jan",
        "Жумабаева, Айгерим",
        f"O{OKINA}rinov, G{OKINA}ulom",
        "Muratbekova, Albina",
    ]
    assert tags["DC.creator"] == tags["citation_author"]
    assert tags["citation_author_institution"] == [
        "Leiden University",
        f"O{OKINA}zbekiston Milliy Universiteti",
        "Institute of Oriental Studies, Almaty",
    ]


def test_dublin_core_names_the_report_its_series_and_issn():
    tags = meta(page_of(scholarly_document()))
    assert tags["DC.title"] == tags["citation_title"] and tags["DC.creator"] == ["Muratbekova, Albina"]
    assert tags["DC.contributor"] == ["Baydarov, Erkin"]
    assert (
        tags["DC.date"] == ["2019-02-01"] and tags["DC.type"] == ["EUCACIS in Brief"] and tags["DC.language"] == ["en"]
    )
    assert tags["DC.identifier"] == [LINKS.page]
    assert tags["DC.publisher"] == tags["citation_technical_report_institution"]
    assert tags["DC.relation.ispartof"] == ["EUCACIS in Brief", "urn:ISSN:2627-7190"]


def test_a_series_licence_is_dc_rights_and_the_json_ld_license_is_its_deed():
    html = page_of(scholarly_document(licence="CC-BY-4.0"))
    assert meta(html)["DC.rights"] == ["CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"]
    assert report(html)["license"] == "https://creativecommons.org/licenses/by/4.0/"
    unlicensed = page_of(scholarly_document())
    assert "DC.rights" not in meta(unlicensed) and "license" not in report(unlicensed)


def test_the_place_of_publication_is_given_where_zotero_reads_it():
    assert meta(page_of(scholarly_document()))["eprints.place_of_pub"] == ["Berlin"]


def test_the_abstract_is_the_introductions_first_paragraph_whole_in_citation_abstract():
    tags = meta(page_of(scholarly_document()))
    assert tags["citation_abstract"] == ["Since 2016, relations deepened. A second sentence follows."]
    assert tags["DC.description"] == tags["citation_abstract"]


def test_the_description_and_twitter_card_come_from_the_introduction_as_plain_text():
    tags = meta(page_of(scholarly_document()))
    assert tags["description"] == ["Since 2016, relations deepened. A second sentence follows."]
    assert tags["twitter:card"] == ["summary"] and tags["twitter:description"] == tags["description"]
    assert tags["twitter:title"] == tags["citation_title"]


def test_meta_values_are_escaped():
    tags = meta(page_of(scholarly_document(title='A "quoted" <b>title</b> & more')))
    assert tags["citation_title"] == ['A "quoted" <b>title</b> & more']


# -- OpenGraph (extruct) ---------------------------------------------------------------------


def test_opengraph_describes_an_article_with_its_authors_pages():
    og = opengraph(page_of(scholarly_document(authors=(ALBINA, VAN_DER_BERG), corrections=CORRECTED)))
    assert og["og:type"] == ["article"] and og["og:url"] == [LINKS.page]
    assert og["og:title"] == ["Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"]
    assert og["og:site_name"] == ["EUCACIS publications"]
    assert og["article:published_time"] == ["2019-02-01"]
    assert og["article:modified_time"] == ["2019-03-04T10:00:00+00:00"]
    assert og["article:author"] == [
        "https://briefs.example.org/people/person-11/",
        "https://briefs.example.org/people/person-13/",
    ]
    assert og["og:description"][0].startswith("Since 2016")


# -- JSON-LD (extruct) -------------------------------------------------------------------------


def test_json_ld_is_a_report_in_a_periodical_with_authors_publisher_and_pdf():
    data = report(page_of(scholarly_document()))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Report"
    assert (
        data["reportNumber"] == "6"
        and data["name"]
        == data["headline"]
        == "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    )
    assert data["datePublished"] == "2019-02-01" and data["inLanguage"] == "en" and data["url"] == LINKS.page
    assert data["description"].startswith("Since 2016")
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Albina Muratbekova",
            "givenName": "Albina",
            "familyName": "Muratbekova",
            "url": "https://briefs.example.org/people/person-11/",
            "affiliation": {"@type": "Organization", "name": "Institute of Oriental Studies, Almaty"},
        }
    ]
    assert [c["name"] for c in data["contributor"]] == ["Erkin Baydarov"]  # the interviewee, without “Dr”
    assert data["isPartOf"] == {
        "@type": "Periodical",
        "name": "EUCACIS in Brief",
        "issn": "2627-7190",
        "url": LINKS.series,
    }
    assert data["publisher"] == [
        {
            "@type": "Organization",
            "name": "The EU, Central Asia and the Caucasus in the International System (EUCACIS)",
            "alternateName": "EUCACIS",
            "url": "https://www.eucacis.eu/",
        }
    ]
    assert data["encoding"] == {
        "@type": "MediaObject",
        "encodingFormat": "application/pdf",
        "contentUrl": LINKS.pdf,
        "name": "EUCACIS-in-Brief-06-Muratbekova.pdf",
    }


def test_json_ld_names_particles_cyrillic_and_okina():
    document = scholarly_document(authors=(VAN_DER_BERG, CYRILLIC, UZBEK), kind="article", interviewees=())
    authors = report(page_of(document))["author"]
    assert [(a["givenName"], a["familyName"], a["name"]) for a in authors] == [
        ("Jan", "van der Berg", "Jan van der Berg"),
        ("Айгерим", "Жумабаева", "Айгерим Жумабаева"),
        (f"G{OKINA}ulom", f"O{OKINA}rinov", f"G{OKINA}ulom O{OKINA}rinov"),
    ]


def test_json_ld_lists_corrections():
    data = report(page_of(scholarly_document(corrections=CORRECTED)))
    assert data["dateModified"] == "2019-03-04T10:00:00+00:00"
    assert data["correction"] == [
        {"@type": "CorrectionComment", "datePublished": "2019-03-04T10:00:00+00:00", "text": "A date was wrong."}
    ]


@pytest.mark.parametrize("title", ["</script><script>alert(1)</script>", "<!-- x", "a & b", "\u2028line"])
def test_json_ld_cannot_end_its_script_element_whatever_the_text(title):
    document = scholarly_document(title=title)
    html = render_json_ld(json_ld(document, LINKS))
    assert html.count("<") == 2 and html.endswith("</script>")  # only its own tags
    tree = lxml_html.fromstring(f"<html><head>{html}</head></html>")
    (script,) = tree.xpath("//script")
    assert json.loads(script.text)["name"] == title
    assert report(page_of(document))["name"] == title
