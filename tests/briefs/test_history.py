"""Readable differences between revisions (briefs/history.py): pure functions, no database."""

import re

from briefs.history import IssueText, compare_issues, html_to_text, word_diff


def test_rich_text_becomes_plain_text_with_its_paragraph_breaks():
    html = "<p>First <strong>bold</strong> paragraph.</p>\n<p>Second<br>line</p><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(html) == "First bold paragraph.\n\nSecond\nline\n\n• one\n\n• two"


def test_plain_text_has_characters_for_entities_no_scripts_and_single_spaces():
    html = "<p>Trade &amp; visas\n   in  &ldquo;Central Asia&rdquo;<script>alert(1)</script></p>"
    assert html_to_text(html) == "Trade & visas in “Central Asia”"
    assert html_to_text("") == "" and html_to_text(None) == ""


def test_the_diff_marks_removed_words_with_del_and_added_words_with_ins():
    diff = word_diff("The quick brown fox jumps.", "The slow red fox jumps high.")
    assert diff == "The <del>quick brown</del><ins>slow red</ins> fox jumps<ins> high</ins>."


def test_the_diff_of_equal_texts_marks_nothing():
    assert word_diff("Same words here.", "Same words here.") == "Same words here."


def test_the_diff_escapes_the_text_so_no_markup_reaches_the_page():
    diff = word_diff("A <b>tag</b> & more", "A <i>tag</i> & more")
    assert set(re.findall(r"</?(\w+)", diff)) == {"del", "ins"}
    assert "&lt;" in diff and "&amp; more" in diff


def test_paragraph_breaks_are_kept_in_the_diff():
    assert word_diff("One.\n\nTwo.", "One.\n\nTwo and three.") == "One.<br><br>Two<ins> and three</ins>."


def test_a_change_of_spacing_alone_is_not_marked():
    assert word_diff("a  b", "a b") == "a b"


def test_a_footnote_marker_change_is_shown_as_words():
    assert word_diff("Visas[^silk] for tourists.", "Visas[^silk-visa] for tourists.") == (
        "Visas[^silk<ins>-visa</ins>] for tourists."
    )


def _parts(old, new):
    return {part.label: part for part in compare_issues(old, new)}


def test_rich_text_fields_are_compared_as_words_not_markup():
    parts = _parts(
        IssueText(title="T", introduction="<p>Old <em>intro</em>.</p>", body="<p>Body.</p>"),
        IssueText(title="T", introduction="<p>New <strong>intro</strong>.</p>", body="<p>Body.</p>"),
    )
    assert parts["Introduction"].html == "<del>Old</del><ins>New</ins> intro."
    assert parts["Introduction"].changed and not parts["Title"].changed and not parts["Body"].changed


def test_questions_are_compared_by_position_and_an_added_one_is_all_new():
    old = IssueText(questions=(("<p>Why?</p>", "<p>Because.</p>"),))
    new = IssueText(questions=(("<p>Why now?</p>", "<p>Because.</p>"), ("<p>And?</p>", "<p>More.</p>")))
    parts = _parts(old, new)
    assert parts["Question 1"].html == "Why<ins> now</ins>?" and not parts["Answer 1"].changed
    assert parts["Question 2"].presence == "added" and parts["Answer 2"].html == "<ins>More.</ins>"


def test_footnotes_are_compared_by_label_and_a_removed_one_is_all_struck_out():
    old = IssueText(footnotes=(("a", "<p>Note A.</p>"), ("b", "<p>Note B.</p>")))
    new = IssueText(footnotes=(("b", "<p>Note B, longer.</p>"),))
    parts = _parts(old, new)
    assert parts["Footnote [^a]"].presence == "removed" and parts["Footnote [^a]"].html == "<del>Note A.</del>"
    assert parts["Footnote [^b]"].html == "Note B<ins>, longer</ins>."


def test_contributors_are_compared_by_name_and_role():
    old = IssueText(contributors=("Albina Muratbekova (Interviewer)",))
    new = IssueText(contributors=("Albina Muratbekova (Author)", "Erkin Baydarov (Interviewee, EB)"))
    diff = _parts(old, new)["Contributors"].html
    assert "<del>Interviewer</del><ins>Author</ins>" in diff and "<ins>" in diff and "Erkin Baydarov" in diff
