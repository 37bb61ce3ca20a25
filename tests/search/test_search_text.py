"""The search's text rules, without a database: the query as searched, folding, safe snippets."""

import pytest

from search.text import (
    MAX_QUERY_LENGTH,
    START_SEL,
    STOP_SEL,
    clean_query,
    fold,
    headline_html,
    plain_text,
    snippet,
)


@pytest.mark.parametrize(
    "raw, searched",
    [
        ("  Dostyk \n order ", "Dostyk order"),
        ("x\x00y", "x y"),  # PostgreSQL refuses NUL in text
        ("a\x02b\x03c\x1b", "a b c"),  # control characters: nothing of them reaches the query or a snippet mark
        ("lone \ud800 surrogate", "lone ? surrogate"),
        ("Mu\u0308ller", "Müller"),  # NFC: one letter, as typed on another keyboard
        (None, ""),
        (["a", "b"], ""),
    ],
)
def test_the_query_is_cleaned_to_ordinary_text(raw, searched):
    assert clean_query(raw).text == searched


def test_a_long_query_is_cut_at_the_limit_and_says_so():
    query = clean_query("word " * 2000)
    assert query.shortened and len(query.text) <= MAX_QUERY_LENGTH
    assert not clean_query("word " * 10).shortened


@pytest.mark.parametrize("raw", ["", "   ", "%%%", "'; --", "\\", "_", '"', "- -", "´’"])
def test_a_query_without_letters_or_digits_has_no_words(raw):
    assert not clean_query(raw).has_words


def test_terms_are_folded_distinct_and_capped():
    assert clean_query("Müller MULLER Mirziyoyev´s O‘zbekiston").terms == ["muller", "mirziyoyevs", "ozbekiston"]
    assert len(clean_query(" ".join(f"w{i}" for i in range(50))).terms) == 12


def test_folding_drops_accents_case_and_apostrophes_inside_words():
    assert fold("Müller, Mirziyoyev´s; Oʻzbekiston O'zbekiston Lefèvre STRAßE") == (
        " muller mirziyoyevs ozbekiston ozbekiston lefevre strasse "
    )
    assert fold("‘Silk visa’") == " silk visa "  # quotes around words are not inside one
    assert (
        fold("Қазақстан Сергей") == " қазақстан сергеи "
    )  # Kazakh letters are letters of their own; й loses its breve


def test_for_postgres_the_query_loses_its_inner_apostrophes_like_the_index():
    assert clean_query("Oʻzbekiston Mirziyoyev's").for_postgres == "Ozbekiston Mirziyoyevs"


def test_plain_text_has_no_markup_markers_or_control_characters():
    html = "<p>Awarded the Dostyk Order[^dostyk] &amp; more\x02</p><p>5 &lt; 6</p>"
    assert plain_text(html) == "Awarded the Dostyk Order & more \n\n5 < 6"


def test_a_headline_is_escaped_and_only_its_marks_become_markup():
    raw = f"Tom &amp; <script>alert(1)</script> {START_SEL}Dostyk{STOP_SEL} <mark>x</mark>"
    html = headline_html(raw)
    assert html == (
        "Tom &amp;amp; &lt;script&gt;alert(1)&lt;/script&gt; <mark>Dostyk</mark> &lt;mark&gt;x&lt;/mark&gt;"
    )
    assert headline_html(f"{START_SEL}unbalanced") == "unbalanced"
    assert headline_html(None) == ""


def test_the_python_snippet_marks_word_starts_in_the_original_text_and_escapes_it():
    text = "Shavkat Mirziyoyev´s visit <script>alert(1)</script> to Müller & co."
    html = snippet(text, clean_query("mirziyoyevs muller").terms)
    assert html == (
        "Shavkat <mark>Mirziyoyev´s</mark> visit &lt;script&gt;alert(1)&lt;/script&gt; to <mark>Müller</mark> &amp; co."
    )
    assert "<mark>" not in snippet("a partisan", clean_query("art").terms)  # the start of a word only


def test_the_python_snippet_shows_two_passages_far_apart():
    text = "Dostyk at the start. " + "filler words " * 40 + "Dostyk again in a note."
    html = snippet(text, ["dostyk"], width=60)
    assert html.count("<mark>Dostyk</mark>") == 2 and " … " in html and html.endswith("note.")


def test_without_a_match_the_snippet_is_the_start_of_the_text():
    assert snippet("One two three " * 30, ["zzz"], width=30).startswith("One two three")
    assert snippet("", ["x"]) == ""
