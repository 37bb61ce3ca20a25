"""Search text rules as pure functions: the reader's query, folded text, safe snippets.

Nothing here touches the database or a request (tests/search/test_search_text.py).
:mod:`search.index` uses them to build the index and to query it.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from briefs.footnotes import MARKER_RE
from briefs.history import html_to_text

#: The longest query searched; a longer one is cut there, and the page says so.
MAX_QUERY_LENGTH = 200
#: Words a query may have on SQLite (each one is a LIKE over every issue).
MAX_TERMS = 12

#: Marks put around a match in a snippet by the database, then turned into
#: ``<mark>`` after escaping. Control characters: the indexed text never has
#: them (:func:`plain_text` removes them), so nothing the author typed can open
#: or close a mark.
START_SEL, STOP_SEL = "\x02", "\x03"

#: Marks that stand for an apostrophe between two letters: "Mirziyoyev´s"
#: (U+00B4), "Mirziyoyev's", "Mirziyoyev’s", Uzbek "Oʻzbekiston" (U+02BB),
#: "O‘zbekiston", "Oʼ"… Typed one way, found written any other way.
APOSTROPHES = "'`´ʹʻʼʽʾʿˈ‘’‛′"
_INNER_APOSTROPHE = re.compile(rf"(?<=\w)[{APOSTROPHES}](?=\w)")
#: Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(html):
    """What a reader reads of ``html``, as plain text: no markup, no footnote markers, no control characters."""
    return _CONTROL.sub(" ", MARKER_RE.sub("", html_to_text(html or "")))


def join_texts(*texts):
    return "\n\n".join(text for text in texts if text)


def without_inner_apostrophes(text):
    """``text`` with every apostrophe-like mark between two letters removed: "Mirziyoyev´s" → "Mirziyoyevs"."""
    return _INNER_APOSTROPHE.sub("", text)


def _fold_char(char):
    """One character, folded: lower case, without accents; "" for a combining mark, " " for anything not a letter or digit."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", char.casefold().translate(_LETTERS)) if not unicodedata.combining(c)
    )
    return "".join(c if c.isalnum() else " " for c in folded)


def fold_with_positions(text):
    """``(folded, positions)``: ``text`` folded character by character, and for each folded character the index it came from.

    Folding: inner apostrophes dropped, lower case, accents removed ("Müller" →
    "muller"), anything but letters and digits a space. The positions let a
    match in the folded text be shown in the original.
    """
    dropped = {match.start() for match in _INNER_APOSTROPHE.finditer(text)}
    folded, positions = [], []
    for index, char in enumerate(text):
        if index in dropped:
            continue
        for c in _fold_char(char):
            folded.append(c)
            positions.append(index)
    return "".join(folded), positions


def fold(text):
    """``text`` as the SQLite search compares it: folded words, each after one space, with a space at the end.

    " muller reforms mirziyoyevs " — so that ``" " + term`` finds words that start with ``term``.
    """
    return f" {' '.join(fold_with_positions(text)[0].split())} "


@dataclass(frozen=True)
class Query:
    #: The query as searched: at most MAX_QUERY_LENGTH characters, no control characters.
    text: str
    #: The reader typed more than MAX_QUERY_LENGTH characters.
    shortened: bool

    @property
    def terms(self):
        """The distinct folded words, in order (at most MAX_TERMS): what the SQLite search looks for."""
        seen = []
        for word in fold(self.text).split():
            if word not in seen:
                seen.append(word)
        return seen[:MAX_TERMS]

    @property
    def has_words(self):
        return bool(self.terms)

    @property
    def for_postgres(self):
        """The text given to ``websearch_to_tsquery``, with inner apostrophes dropped as in the index."""
        return without_inner_apostrophes(self.text)


def clean_query(raw):
    """The reader's query as it is searched: see :class:`Query`.

    Anything the address can carry comes out as ordinary text: NUL and other
    control characters, lone surrogates (an invalid UTF-8 escape), any length.
    """
    text = raw if isinstance(raw, str) else ""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text.replace("\x00", " ")))
    text = " ".join(text.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    if shortened:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    return Query(text=text, shortened=shortened)


def headline_html(headline):
    """A snippet from the database, safe to show: its text escaped, its match marks made ``<mark>``.

    The text between the marks is the issue's plain text, which may hold
    anything ("<script>", "&"): everything is escaped first, then the marks,
    which escaping leaves alone, become the only markup.
    """
    if not headline:
        return ""
    escaped = str(escape(" ".join(headline.split())))
    if escaped.count(START_SEL) != escaped.count(STOP_SEL):
        escaped = escaped.replace(START_SEL, "").replace(STOP_SEL, "")
    return mark_safe(escaped.replace(START_SEL, "<mark>").replace(STOP_SEL, "</mark>"))


def snippet(text, terms, *, width=120, fragments=2):
    """Up to ``fragments`` passages of ``text``, each around a word starting with one of ``terms`` (folded), those starts marked.

    The SQLite search's snippet, built in Python (PostgreSQL's is its
    ``ts_headline``). Passages are about ``width`` characters, cut at spaces and
    joined by “…”. Returns safe HTML; the text's start when nothing matches.
    """
    if not text:
        return ""
    folded, positions = fold_with_positions(text)
    pattern = re.compile("|".join(rf"(?<![^\W_]){re.escape(term)}" for term in terms) if terms else r"(?!)")
    matches = [(positions[m.start()], positions[m.end() - 1] + 1) for m in pattern.finditer(folded)]
    windows = []
    for begin, _finish in matches or [(0, 0)]:
        if len(windows) == fragments:
            break
        if windows and begin < windows[-1][1]:
            continue  # shown already
        windows.append(_window(text, begin, width))
    html = []
    for start, end in windows:
        pieces, at = [], start
        for begin, finish in matches:
            if begin >= at and finish <= end:
                pieces += [escape(text[at:begin]), "<mark>", escape(text[begin:finish]), "</mark>"]
                at = finish
        pieces.append(escape(text[at:end]))
        html.append(" ".join("".join(str(p) for p in pieces).split()))
    first, last = windows[0][0], windows[-1][1]
    return mark_safe(("… " if first else "") + " … ".join(html) + (" …" if last < len(text) else ""))


def _window(text, at, width):
    """``(start, end)``: about ``width`` characters of ``text`` around index ``at``, cut at spaces."""
    start = max(0, at - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    return start, end
