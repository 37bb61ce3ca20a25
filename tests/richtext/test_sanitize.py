"""The sanitiser: what survives cleaning, with no database."""

import pytest

from richtext.fields import sanitize

ATTACKS = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p onclick="alert(1)">para</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    "<svg><script>alert(1)</script></svg>",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("kind", ["prose", "note"])
def test_dangerous_markup_is_removed(attack, kind):
    cleaned = sanitize(f"<p>before</p>{attack}<p>after</p>", kind).lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "alert(1)</script"):
        assert bad not in cleaned
    assert "before" in cleaned and "after" in cleaned


def test_the_print_design_s_formatting_survives():
    html = (
        "<h3>Section</h3><p><strong>b</strong> <em>i</em> x<sub>2</sub> m<sup>2</sup> "
        '<a href="https://example.org/">link</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        "<blockquote><p>quote</p></blockquote>"
    )
    assert sanitize(html) == html


def test_notes_allow_inline_formatting_but_not_blocks_like_headings():
    cleaned = sanitize("<h3>Big</h3><p><em>Title</em></p>", "note")
    assert "<h3>" not in cleaned and "<em>Title</em>" in cleaned


def test_headings_that_would_break_the_page_outline_are_dropped():
    assert "<h1>" not in sanitize("<h1>Title</h1>") and "<h2>" not in sanitize("<h2>x</h2>")


def test_mailto_links_are_kept():
    assert 'href="mailto:info@eucacis.eu"' in sanitize('<p><a href="mailto:info@eucacis.eu">mail</a></p>')
