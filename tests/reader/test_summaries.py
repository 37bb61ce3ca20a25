"""Plain-text summaries of rich text (reader/summaries.py): pure functions, no database."""

import xml.etree.ElementTree as ET

import pytest

from reader.summaries import clean_text, first_paragraph, plain_text, summary_from_html, truncate_words


def test_plain_text_keeps_the_words_and_drops_tags_entities_and_footnote_markers():
    html = "<p>Trade &amp; <b>transit</b> grew[^trade-forum].</p><p>Borders<br>opened [^Silk visa] again[^x</p>"
    assert plain_text(html) == "Trade & transit grew. Borders opened again"


def test_paragraphs_and_list_items_do_not_run_into_each_other():
    assert plain_text("<p>One.</p><p>Two.</p><ul><li>three</li><li>four</li></ul>") == "One. Two. three four"


def test_what_readers_never_read_is_not_summarised():
    assert plain_text("<p>Text</p><script>alert(1)</script><style>p{}</style>") == "Text"


@pytest.mark.parametrize(
    "character",
    [
        "\x00",
        "\x01",
        "\x08",
        "\x0b",
        "\x0c",
        "\x0e",
        "\x1f",
        "\x7f",
        "\x85",
        "\x9f",
        "\u2028",
        "\u2029",
        "\ud800",
        "\ufffe",
        "\uffff",
    ],
)
def test_characters_xml_forbids_or_readers_cannot_see_are_dropped(character):
    text = clean_text(f"Oʻzbekiston{character} и Қазақстан 🇺🇿")
    assert text == "Oʻzbekiston и Қазақстан 🇺🇿"
    ET.fromstring(f"<t>{text}</t>")  # and what is left is well-formed XML


def test_a_long_text_is_cut_at_a_word_boundary_with_an_ellipsis():
    text = "Kazakhstan and Uzbekistan signed a treaty on the demarcation of their border"
    cut = truncate_words(text, 30)
    assert cut == "Kazakhstan and Uzbekistan…" and len(cut) <= 30
    assert truncate_words(text, len(text)) == text


def test_a_single_word_longer_than_the_limit_is_cut_inside_it():
    assert truncate_words("Donaudampfschifffahrtsgesellschaft", 10) == "Donaudamp…"


def test_summary_from_html_is_the_plain_text_cut_to_the_limit():
    html = "<p>Since the beginning of Shavkat Mirziyoyev´s presidency[^a] in Uzbekistan in December 2016, dynamics rose.</p>"
    assert summary_from_html(html, 60) == "Since the beginning of Shavkat Mirziyoyev´s presidency in…"
    assert summary_from_html("", 60) == "" and summary_from_html(None, 60) == ""


def test_the_first_paragraph_is_whole_without_markers_and_skips_empty_paragraphs():
    html = (
        "<p> <br></p><p>Oʻzbekiston and Қазақстан[^a] signed &amp; ratified;<br>"
        "the <a href='/x'>treaty</a> entered into force.</p><p>Erkin Baydarov is a researcher.</p>"
    )
    assert first_paragraph(html) == "Oʻzbekiston and Қазақстан signed & ratified; the treaty entered into force."


def test_a_list_or_heading_ends_a_paragraph_too_as_the_issue_documents_abstract_counts_them():
    assert first_paragraph("<h2>Context</h2><p>Text.</p>") == "Context"
    assert first_paragraph("<ul><li>One</li><li>Two</li></ul>") == "One"
    assert first_paragraph("") == first_paragraph(None) == first_paragraph("<p></p>") == ""
