"""The footnote rules, as pure functions: no database, no request."""

from briefs.footnotes import find_markers, linkify, render_footnotes


def render(*fragments, **notes):
    return render_footnotes(list(fragments), notes)


def test_notes_are_numbered_in_reading_order_across_fields_not_in_entry_order():
    result = render("<p>Intro[^b].</p>", "<p>Answer[^a].</p>", a="<p>Note A</p>", b="<p>Note B</p>")
    assert [(n.number, n.label) for n in result.notes] == [(1, "b"), (2, "a")]
    assert '<a href="#fn-1" id="fnref-1" aria-label="Note 1">1</a>' in result.fragments[0]
    assert '<a href="#fn-2" id="fnref-2" aria-label="Note 2">2</a>' in result.fragments[1]


def test_a_note_cited_twice_keeps_one_number_and_gets_a_back_link_per_reference():
    result = render("<p>One[^src] and two[^src].</p>", "<p>Three[^src].</p>", src="<p>Source</p>")
    (note,) = result.notes
    assert note.number == 1
    assert note.ref_ids == ("fnref-1", "fnref-1-2", "fnref-1-3")
    assert [href for href, _text, _name in note.backlinks] == list(note.ref_ids)
    assert result.fragments[0].count('href="#fn-1"') == 2
    assert 'id="fnref-1-3"' in result.fragments[1]


def test_a_single_reference_has_one_back_link_with_an_accessible_name():
    (note,) = render("<p>x[^a]</p>", a="<p>A</p>").notes
    assert note.backlinks == [("fnref-1", "↩", "Back to the text of note 1")]


def test_markers_next_to_punctuation_keep_the_punctuation_in_place():
    result = render("<p>cooperation[^a]. Then (region[^b]), and “quoted.”[^c]</p>", a="a", b="b", c="c")
    html = result.fragments[0]
    assert "cooperation<sup" in html and "</sup>. Then (region<sup" in html
    assert "</sup>), and “quoted.”<sup" in html


def test_an_unknown_marker_is_left_as_typed_and_takes_no_number():
    result = render("<p>See[^missing] here[^a].</p>", a="<p>A</p>")
    assert result.fragments[0] == (
        '<p>See[^missing] here<sup class="fn-ref"><a href="#fn-1" id="fnref-1" aria-label="Note 1">1</a></sup>.</p>'
    )
    assert [(n.number, n.label) for n in result.notes] == [(1, "a")]


def test_a_note_nothing_cites_is_not_shown():
    result = render("<p>Text[^a].</p>", a="<p>A</p>", orphan="<p>Nobody cites me</p>")
    assert [n.label for n in result.notes] == ["a"]
    assert all("Nobody cites me" not in n.html for n in result.notes)


def test_a_marker_inside_italics_becomes_a_reference_inside_the_italics():
    result = render("<p><em>Dostyk Order[^d]</em> awarded</p>", d="<p>D</p>")
    assert result.fragments[0].startswith("<p><em>Dostyk Order<sup")
    assert "</sup></em> awarded" in result.fragments[0]


def test_a_marker_inside_a_link_is_moved_after_the_link_because_links_cannot_nest():
    result = render('<p><a href="https://example.org/">the report[^r]</a> says</p>', r="<p>R</p>")
    html = result.fragments[0]
    assert '<a href="https://example.org/">the report</a><sup class="fn-ref"><a href="#fn-1"' in html
    assert html.count("<a ") == 2 and "</sup> says" in html


def test_labels_are_matched_without_regard_to_case():
    result = render("<p>x[^Source]</p>", source="<p>S</p>")
    assert [n.label for n in result.notes] == ["source"] and "[^" not in result.fragments[0]


def test_markers_inside_tag_attributes_are_not_touched():
    html = '<p><a href="https://example.org/[^a]">link</a></p>'
    result = render(html, a="<p>A</p>")
    assert result.fragments[0] == html
    assert find_markers(html) == []


def test_text_that_only_looks_like_a_marker_is_not_one():
    assert find_markers("<p>[^] [ ^a] [a] ^[b] [^-x]</p>") == []


def test_find_markers_returns_labels_in_order_with_repeats():
    assert find_markers("<p>[^b] x [^A] y [^b]</p>") == ["b", "a", "b"]


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


def test_notes_are_linkified_when_rendered():
    result = render("<p>x[^a]</p>", a="<p>From https://example.org/page</p>")
    assert '<a href="https://example.org/page">' in result.notes[0].html
