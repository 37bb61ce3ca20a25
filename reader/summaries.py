"""Plain-text summaries of an issue's rich text, for feeds and descriptions.

Pure functions over the stored HTML of a text (the introduction, say): no
database, no request. A feed entry's summary and a page's meta description
say the same thing because both come from :func:`summary_from_html`.

The text that comes out is safe to put anywhere text goes, XML included: the
characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE and
U+FFFF) are dropped, and so are the C1 controls and line separators that XML
allows but no reader wants (:func:`clean_text`).
"""

import re
from html.parser import HTMLParser

from common.xml_text import xml_safe

#: Characters never kept in plain text: everything XML 1.0 forbids, plus DEL,
#: the C1 controls and the Unicode line and paragraph separators.
#: (What XML forbids is common.xml_text's rule; these are the ones it allows that no reader wants.)
_UNWANTED_RE = re.compile("[\x7f-\x9f\u2028\u2029]")
#: A footnote marker as typed, well-formed (``[^source]``) or not (``[^Silk visa]``, an
#: unclosed ``[^x``): the same rule as ``briefs.footnotes``, which never prints one.
_MARKER_RE = re.compile(r"\[\^[^\[\]<>]{0,60}\]?")
#: Elements that end a line of text: their text is not run into the next one.
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td", "th"}
#: Elements whose content is never text a reader reads.
_HIDDEN = {"script", "style", "template", "head", "title"}


def clean_text(text):
    """``text`` without the characters XML 1.0 forbids or readers cannot see, whitespace folded.

    >>> clean_text("Tab\\there,\\x00 NUL\\x0b and  spaces")
    'Tab here, NUL and spaces'
    """
    return " ".join(_UNWANTED_RE.sub("", xml_safe(text or "")).split())


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.pieces.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.pieces.append(" ")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.pieces.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.pieces.append(data)


def plain_text(html):
    """The text of ``html`` as a reader reads it: no tags, entities as characters, no footnote markers.

    Paragraphs and list items are separated by a space; whitespace is folded.
    """
    parser = _TextOf()
    parser.feed(_MARKER_RE.sub("", html or ""))
    parser.close()
    return clean_text(_MARKER_RE.sub("", "".join(parser.pieces)))


#: The end of a paragraph-like block, as ``briefs.document.plain_text`` counts paragraphs.
_PARAGRAPH_END_RE = re.compile(r"</(?:p|li|h[1-6]|blockquote)\s*>", re.IGNORECASE)


def first_paragraph(html):
    """The text of the first paragraph of ``html`` that has any, whole (as :func:`plain_text` reads it).

    The same paragraph as the issue document's abstract (``briefs.document``), so
    a feed entry says what the page's ``citation_abstract`` says.

    >>> first_paragraph("<p> </p><p>On 1 May[^n] tariffs <em>fell</em>.<br>Trade rose.</p><p>More.</p>")
    'On 1 May tariffs fell. Trade rose.'
    """
    for block in _PARAGRAPH_END_RE.split(html or ""):
        text = plain_text(block)
        if text:
            return text
    return ""


def opening_paragraph(introduction, body):
    """What opens an issue, as plain text: the introduction's first paragraph, whole, else the body's.

    The rule of the issue document's abstract (``briefs.document.IssueDocument.abstract``,
    which the page's ``citation_abstract`` and the home page's standfirst use), read from
    the texts as stored, for the feeds, which do not build each issue's document. A test
    holds the two to the same answer (tests/reader/test_feeds.py).

    >>> opening_paragraph("<p></p>", "<p>By 2020 trade[^1] doubled.</p><p>More.</p>")
    'By 2020 trade doubled.'
    """
    return first_paragraph(introduction) or first_paragraph(body)


def truncate_words(text, limit):
    """``text`` cut at a word boundary to at most ``limit`` characters, “…” included when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def summary_from_html(html, limit=300):
    """A plain-text summary of ``html``: its text, cut at a word boundary to at most ``limit`` characters.

    >>> summary_from_html("<p>On 1 May[^note] the &amp; tariffs fell.</p><p>Trade rose.</p>", 30)
    'On 1 May the & tariffs fell…'
    """
    return truncate_words(plain_text(html), limit)
