"""Readable differences between two revisions of an issue: pure functions, no database.

Editors compare what they read, not the markup: rich text becomes plain text
with its paragraph breaks (:func:`html_to_text`), and :func:`word_diff` marks
the words removed (``<del>``) and added (``<ins>``). :func:`compare_issues`
does this per part of the issue: the details, title, introduction, body, each
question and answer (by position), each footnote (by label) and the
contributors (names and roles).
"""

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import mark_safe

#: Elements that start a new paragraph in the plain text.
_BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
#: Elements whose text is never shown.
_HIDDEN = {"script", "style", "template"}
_PARAGRAPH = "\x00"  # a paragraph break while the text is collected; no text contains it


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            if tag == "li":
                self.parts.append("• ")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_data(self, data):
        if not self.hidden:
            # Spaces and line ends in the markup are one space, as a browser shows them.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html):
    """The text of ``html`` as a reader sees it: paragraphs separated by a blank line, no markup.

    Block elements (paragraphs, headings, list items…) become paragraphs, ``<br>``
    a line break, entities their characters; runs of spaces collapse to one.
    """
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    paragraphs = []
    for paragraph in "".join(collector.parts).split(_PARAGRAPH):
        lines = [line.strip() for line in paragraph.split("\n")]
        text = "\n".join(lines).strip()
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


_TOKENS = re.compile(r"\n+|[^\S\n]+|\w+|[^\w\s]")


def _render(text):
    return escape(text).replace("\n", "<br>")


def word_diff(old, new):
    """``new`` as HTML, with the words of ``old`` it lost in ``<del>`` and those it gained in ``<ins>``.

    Both are plain text (see :func:`html_to_text`); they are compared word by
    word, and everything in them is escaped, so no markup of the content
    reaches the page. Line breaks become ``<br>``.
    """
    old_tokens, new_tokens = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    # Runs of changes separated only by a space read as one change:
    # “<del>a b</del><ins>x y</ins>”, not “<del>a</del><ins>x</ins> <del>b</del><ins>y</ins>”.
    chunks = []  # [equal_text] or [removed, added]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            chunks.append([added])
        elif chunks and len(chunks[-1]) == 2:
            chunks[-1][0] += removed
            chunks[-1][1] += added
        elif len(chunks) >= 2 and len(chunks[-2]) == 2 and chunks[-1][0].isspace() and "\n" not in chunks[-1][0]:
            space = chunks.pop()[0]
            chunks[-1][0] += space + removed
            chunks[-1][1] += space + added
        else:
            chunks.append([removed, added])
    html = []
    for chunk in chunks:
        if len(chunk) == 1:
            html.append(_render(chunk[0]))
            continue
        removed, added = chunk
        if removed.isspace() or added.isspace() or not (removed or added):
            # Only spacing changed around a word: shown as it is now.
            html.append(_render(added))
            if removed.strip():
                html.append(f"<del>{_render(removed.strip())}</del>")
            continue
        if removed:
            html.append(f"<del>{_render(removed)}</del>")
        if added:
            html.append(f"<ins>{_render(added)}</ins>")
    return mark_safe("".join(html))


@dataclass(frozen=True)
class IssueText:
    """What an editor compares between two revisions of an issue.

    Texts are HTML as stored; ``questions`` are (question, answer) pairs in
    order; ``footnotes`` (label, note) pairs; ``contributors`` one line each,
    e.g. “Albina Muratbekova (Interviewer)”; ``details`` one line each for the
    number, kind, date and web address.
    """

    title: str = ""
    introduction: str = ""
    body: str = ""
    questions: tuple = ()
    footnotes: tuple = ()
    contributors: tuple = ()
    details: tuple = ()


@dataclass(frozen=True)
class PartChange:
    """One part of the issue in a comparison: its name, the marked-up difference, whether it changed."""

    label: str
    html: str
    changed: bool
    #: "added" or "removed" when the part exists on one side only.
    presence: str = field(default="")


def _part(label, old, new, *, old_exists=True, new_exists=True):
    presence = "added" if not old_exists else "removed" if not new_exists else ""
    return PartChange(label=label, html=word_diff(old, new), changed=old != new or bool(presence), presence=presence)


def compare_issues(old, new):
    """The parts of two :class:`IssueText` (older first), each with its word difference.

    Questions are compared by position (question 2 with question 2), footnotes
    by label; a part on one side only is all added or all removed.
    """
    parts = [
        _part("Details", "\n".join(old.details), "\n".join(new.details)),
        _part("Title", old.title, new.title),
        _part("Introduction", html_to_text(old.introduction), html_to_text(new.introduction)),
    ]
    for number in range(1, max(len(old.questions), len(new.questions)) + 1):
        before = old.questions[number - 1] if number <= len(old.questions) else None
        after = new.questions[number - 1] if number <= len(new.questions) else None
        for index, name in ((0, "Question"), (1, "Answer")):
            parts.append(
                _part(
                    f"{name} {number}",
                    html_to_text(before[index]) if before else "",
                    html_to_text(after[index]) if after else "",
                    old_exists=before is not None,
                    new_exists=after is not None,
                )
            )
    parts.append(_part("Body", html_to_text(old.body), html_to_text(new.body)))
    old_notes, new_notes = dict(old.footnotes), dict(new.footnotes)
    labels = [label for label, _ in new.footnotes] + [label for label, _ in old.footnotes if label not in new_notes]
    for label in labels:
        parts.append(
            _part(
                f"Footnote [^{label}]",
                html_to_text(old_notes.get(label, "")),
                html_to_text(new_notes.get(label, "")),
                old_exists=label in old_notes,
                new_exists=label in new_notes,
            )
        )
    parts.append(_part("Contributors", "\n".join(old.contributors), "\n".join(new.contributors)))
    return parts
