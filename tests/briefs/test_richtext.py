"""The sanitiser: what survives cleaning, with no database."""

import pytest

from briefs.rendering import prefix_speaker, render_issue_texts
from richtext.fields import sanitize

ATTACKS = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p onclick="alert(1)">para</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<svg><script>alert(1)</script></svg>',
    '<style>body{display:none}</style>',
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


def test_the_speaker_label_opens_the_first_paragraph_and_is_escaped():
    assert prefix_speaker("<p>Since 2016</p><p>Then</p>", "EB") == '<p><b class="speaker">EB:</b> Since 2016</p><p>Then</p>'
    assert "&lt;i&gt;" in prefix_speaker("<p>x</p>", "<i>")


def test_issue_texts_are_cleaned_before_markers_become_links():
    texts = render_issue_texts(
        introduction='<p>Intro[^a]<script>alert(1)</script></p>',
        questions=[("<p>Q?</p>", '<p><img src=x onerror="alert(1)">Answer[^b]</p>', "EB")],
        body="",
        notes={"a": '<p>See <a href="javascript:alert(1)">this</a></p>', "b": "<p>B</p>"},
    )
    assert "<script" not in texts.introduction and 'href="#fn-1"' in texts.introduction
    answer = texts.questions[0].answer
    assert "onerror" not in answer and 'href="#fn-2"' in answer and answer.startswith('<p><b class="speaker">EB:</b>')
    assert "javascript:" not in texts.notes[0].html
    assert texts.questions[0].number == 1


def test_questions_are_numbered_by_the_site_in_order():
    texts = render_issue_texts(
        introduction="", questions=[("<p>A?</p>", "<p>a</p>", "X"), ("<p>B?</p>", "<p>b</p>", "X")], body="", notes={}
    )
    assert [q.number for q in texts.questions] == [1, 2]


def test_the_team_is_grouped_by_role_in_imprint_order_and_only_members_in_office():
    import datetime

    from briefs.rendering import group_team
    from briefs.models import EditorialMembership

    day = datetime.date(2019, 2, 1)
    members = [
        EditorialMembership(pk=1, role="layout", sort_order=1),
        EditorialMembership(pk=2, role="editor", sort_order=2),
        EditorialMembership(pk=3, role="publisher", sort_order=1),
        EditorialMembership(pk=4, role="editor", sort_order=1),
        EditorialMembership(pk=5, role="editor", sort_order=0, end_date=datetime.date(2018, 1, 1)),
    ]
    groups = group_team(members, on=day)
    assert [(g.role, [m.pk for m in g.members]) for g in groups] == [
        ("Publishers", [3]), ("Editors", [4, 2]), ("Layout", [1]),
    ]
