"""The footnote rules, as pure functions: no database, no request."""

import pytest

from briefs.footnotes import (
    Reference,
    find_markers,
    format_print,
    format_web,
    inline_note,
    linkify,
    malformed_markers,
    number_footnotes,
)


def web(*fragments, **notes):
    fragments, notes = format_web(number_footnotes(list(fragments), notes))
    return fragments, notes


def test_notes_are_numbered_in_reading_order_across_fields_not_in_entry_order():
    numbering = number_footnotes(
        ["<p>Intro[^b].</p>", "<p>Answer[^a].</p>"], {"a": "<p>Note A</p>", "b": "<p>Note B</p>"}
    )
    assert [(n.number, n.label) for n in numbering.notes] == [(1, "b"), (2, "a")]
    assert numbering.fragments[0] == ("<p>", "Intro", Reference(1, 1), ".", "</p>")
    assert numbering.fragments[1] == ("<p>", "Answer", Reference(2, 1), ".", "</p>")


def test_the_web_formatter_makes_superscript_links_to_the_notes():
    fragments, notes = web("<p>Intro[^b].</p>", "<p>Answer[^a].</p>", a="<p>Note A</p>", b="<p>Note B</p>")
    assert '<a href="#fn-1" id="fnref-1" aria-label="Note 1">1</a>' in fragments[0]
    assert '<a href="#fn-2" id="fnref-2" aria-label="Note 2">2</a>' in fragments[1]
    assert [n.anchor for n in notes] == ["fn-1", "fn-2"]


def test_a_note_cited_twice_keeps_one_number_and_gets_a_back_link_per_reference():
    fragments, (note,) = web("<p>One[^src] and two[^src].</p>", "<p>Three[^src].</p>", src="<p>Source</p>")
    assert note.number == 1
    assert [ref_id for ref_id, _text, _name in note.backlinks] == ["fnref-1", "fnref-1-2", "fnref-1-3"]
    assert fragments[0].count('href="#fn-1"') == 2
    assert 'id="fnref-1-3"' in fragments[1]


def test_a_single_reference_has_one_back_link_with_an_accessible_name():
    _fragments, (note,) = web("<p>x[^a]</p>", a="<p>A</p>")
    assert note.backlinks == (("fnref-1", "↩", "Back to the text of note 1"),)


def test_markers_next_to_punctuation_keep_the_punctuation_in_place():
    (html,), _notes = web("<p>cooperation[^a]. Then (region[^b]), and “quoted.”[^c]</p>", a="a", b="b", c="c")
    assert "cooperation<sup" in html and "</sup>. Then (region<sup" in html
    assert "</sup>), and “quoted.”<sup" in html


def test_a_marker_naming_no_note_is_dropped_and_takes_no_number():
    (html,), notes = web("<p>See[^missing] here[^a].</p>", a="<p>A</p>")
    assert html == '<p>See here<sup class="fn-ref"><a href="#fn-1" id="fnref-1" aria-label="Note 1">1</a></sup>.</p>'
    assert [(n.number, n.label) for n in notes] == [(1, "a")]


@pytest.mark.parametrize("typed", ["[^Silk visa]", "[^ visa]", "[^trade-forum", "[^", "[^-x]", "[^]"])
def test_a_malformed_marker_is_found_and_never_printed_as_typed(typed):
    html = f"<p>Before {typed} after[^a].</p>"
    assert malformed_markers(html) == [typed]
    assert find_markers(html) == ["a"]
    (web_html,), _ = web(html, a="<p>A</p>")
    (print_html,) = format_print(number_footnotes([html], {"a": "<p>A</p>"}))
    for out in (web_html, print_html):
        assert "[^" not in out and "Before" in out and "after" in out


def test_an_unclosed_marker_is_reported_with_the_word_it_starts_only():
    assert malformed_markers("<p>as said[^trade-forum and later [^ok]</p>") == ["[^trade-forum"]


def test_a_marker_split_by_formatting_is_malformed():
    assert malformed_markers("<p>x[^trade-<em>forum</em>]</p>") == ["[^trade-"]


def test_well_formed_markers_are_not_reported_as_malformed():
    assert malformed_markers("<p>[^a] [^Source] [^trade-forum] [^1] [^a_b]</p>") == []


def test_a_note_nothing_cites_is_not_numbered():
    numbering = number_footnotes(["<p>Text[^a].</p>"], {"a": "<p>A</p>", "orphan": "<p>Nobody cites me</p>"})
    assert [n.label for n in numbering.notes] == ["a"]


def test_a_marker_inside_italics_becomes_a_reference_inside_the_italics():
    (html,), _ = web("<p><em>Dostyk Order[^d]</em> awarded</p>", d="<p>D</p>")
    assert html.startswith("<p><em>Dostyk Order<sup") and "</sup></em> awarded" in html


def test_a_marker_inside_a_link_is_moved_after_the_link_because_links_cannot_nest():
    (html,), _ = web('<p><a href="https://example.org/">the report[^r]</a> says</p>', r="<p>R</p>")
    assert '<a href="https://example.org/">the report</a><sup class="fn-ref"><a href="#fn-1"' in html
    assert html.count("<a ") == 2 and "</sup> says" in html


def test_labels_are_matched_without_regard_to_case_or_spaces():
    numbering = number_footnotes(["<p>x[^Source]</p>"], {" source ": "<p>S</p>"})
    assert [n.label for n in numbering.notes] == ["source"] and numbering.fragments[0][2] == Reference(1, 1)


def test_markers_inside_tag_attributes_are_not_touched():
    html = '<p><a href="https://example.org/[^a]">link</a></p>'
    (out,), _ = web(html, a="<p>A</p>")
    assert out == html and find_markers(html) == [] and malformed_markers(html) == []


def test_text_that_only_looks_like_a_marker_is_not_one():
    assert find_markers("<p>[ ^a] [a] ^[b]</p>") == [] and malformed_markers("<p>[ ^a] [a] ^[b]</p>") == []


def test_find_markers_returns_labels_in_order_with_repeats():
    assert find_markers("<p>[^b] x [^A] y [^b]</p>") == ["b", "a", "b"]


def test_the_print_formatter_puts_each_note_at_its_first_call_with_its_number():
    numbering = number_footnotes(
        ["<p>One[^a] two[^b].</p>", "<p>Again[^a].</p>"], {"a": "<p>Note <em>A</em></p>", "b": "<p>B</p>"}
    )
    first, second = format_print(numbering)
    assert (
        'One<span class="fn-anchor" id="call-1"></span><span class="footnote" id="note-1" data-n="1">'
        "Note <em>A</em></span> two" in first
    )
    assert 'id="note-2" data-n="2">B</span>' in first
    # A second citation repeats the number and does not print the note again.
    assert second == '<p>Again<span class="fn-call-again">1</span>.</p>'


def test_a_note_of_several_paragraphs_becomes_inline_text_with_line_breaks():
    assert inline_note("<p>First.</p><p>Second.</p>") == "First.<br>Second."
    assert inline_note("<p>Only</p>") == "Only"


def test_bare_web_addresses_in_a_note_become_links_without_the_trailing_full_stop():
    html = linkify("<p>Retrieved from https://primeminister.kz/en/news/all/forum-17470. Accessed 2018.</p>")
    assert (
        '<a href="https://primeminister.kz/en/news/all/forum-17470">'
        "https://primeminister.kz/en/news/all/forum-17470</a>. Accessed" in html
    )


def test_linkify_leaves_existing_links_alone():
    html = '<p><a href="https://a.example/">https://a.example/</a></p>'
    assert linkify(html) == html


def test_linkify_keeps_a_closing_parenthesis_that_belongs_to_the_address():
    html = linkify("<p>(see https://en.wikipedia.org/wiki/Order_(award))</p>")
    assert 'href="https://en.wikipedia.org/wiki/Order_(award)"' in html
    assert "</a>)</p>" in html


def test_notes_are_linkified_when_numbered():
    numbering = number_footnotes(["<p>x[^a]</p>"], {"a": "<p>From https://example.org/page</p>"})
    assert '<a href="https://example.org/page">' in numbering.notes[0].html
