"""Footnotes: markers in rich text, numbered in reading order, then formatted.

An editor types a marker such as ``[^source]`` where a note belongs and writes the
note under the same label. Two separate steps turn that into output:

* **numbering** (:func:`number_footnotes`): which note gets which number and where
  each reference stands. Notes are numbered 1..n by their first reference across
  all the issue's texts; a note cited twice keeps its number.
* **formatting**: the web formatter (:func:`format_web`) makes superscript links and
  back links; the print formatter (:func:`format_print`) puts each note's text at
  its call site, for WeasyPrint's ``float: footnote``.

Everything here works on HTML that has already been sanitised: markers become
references only in text, never inside a tag. A marker that is malformed, or names
no note, is never printed as typed (the admin refuses both before saving).
"""

import re
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

#: ``[^label]``: a caret and a label of letters, digits, ``-`` or ``_``.
MARKER_RE = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_-]*)\]")
LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
#: Anything that starts like a marker: ``[^`` and what follows up to ``]``, if any.
_CANDIDATE_RE = re.compile(r"\[\^([^\[\]<>]{0,60})(\])?")
_TOKEN_RE = re.compile(r"(<[^>]*>)")
_OPEN_LINK = re.compile(r"<a[\s>]", re.IGNORECASE)
_CLOSE_LINK = re.compile(r"</a\s*>", re.IGNORECASE)
_BETWEEN_PARAGRAPHS = re.compile(r"\s*</p>\s*<p(?:\s[^>]*)?>\s*")
_FIRST_P = re.compile(r"^<p(?:\s[^>]*)?>")
_LAST_P_END = re.compile(r"</p>$")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)]}'"

MARKER_HELP = (
    "To add a footnote, put the cursor where the reference belongs, click the toolbar's footnote button and "
    "write the note in the box that opens; it is listed under Footnotes. Each marker shows the number readers "
    "will see: the site numbers notes 1, 2, 3… in reading order."
)


def normalise_label(label):
    """The one form of a label: ``" Source "`` and ``"source"`` are the same note."""
    return label.strip().lower()


def _text_segments(html):
    """Yield ``(token, is_tag)`` for the tags and the text between them."""
    for token in _TOKEN_RE.split(html):
        if token:
            yield token, token.startswith("<")


def _is_open_link(tag):
    return _OPEN_LINK.match(tag) is not None


def _is_close_link(tag):
    return _CLOSE_LINK.match(tag) is not None


def _markers_in_text(text):
    """``(start, end, label or None, as typed)`` for each marker-like run in ``text``.

    ``label`` is None for a malformed one: ``[^Silk visa]``, ``[^ visa]``, an
    unclosed ``[^trade-forum``, a bare ``[^``.
    """
    for match in _CANDIDATE_RE.finditer(text):
        well_formed = MARKER_RE.fullmatch(match.group(0))
        if well_formed:
            yield match.start(), match.end(), normalise_label(well_formed.group(1)), match.group(0)
        elif match.group(2):  # closed, but not a valid label
            yield match.start(), match.end(), None, match.group(0)
        else:  # unclosed: the caret and the word it starts
            word = match.group(1).split()[0] if match.group(1)[:1].strip() else ""
            yield match.start(), match.start() + 2 + len(word), None, "[^" + word


def find_markers(html):
    """The normalised labels of the well-formed markers in ``html``, in order, with repeats."""
    return [
        label
        for token, is_tag in _text_segments(html or "")
        if not is_tag
        for _start, _end, label, _typed in _markers_in_text(token)
        if label is not None
    ]


def malformed_markers(html):
    """The malformed markers in ``html`` as typed, in order: ``["[^Silk visa]", "[^"]``."""
    return [
        typed
        for token, is_tag in _text_segments(html or "")
        if not is_tag
        for _start, _end, label, typed in _markers_in_text(token)
        if label is None
    ]


# -- numbering ---------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One citation of a note in the text."""

    number: int
    #: 1 for the note's first citation, 2 for the second, …
    occurrence: int


@dataclass(frozen=True)
class NumberedNote:
    number: int
    label: str
    #: The note's sanitised HTML, bare web addresses made links.
    html: SafeString
    #: How many times the text cites it.
    references: int


@dataclass(frozen=True)
class Numbering:
    #: Per input fragment: HTML pieces (str) and :class:`Reference` objects, in order.
    fragments: tuple
    notes: tuple


def number_footnotes(fragments, notes):
    """Number the notes cited in ``fragments`` and place each reference.

    ``fragments``: sanitised HTML strings in reading order. ``notes``: a mapping of
    label to sanitised note HTML. A marker inside a link is placed just after that
    link, since links cannot nest. A marker that is malformed or names no note is
    dropped; a note nothing cites gets no number.
    """
    notes = {normalise_label(label): html for label, html in notes.items()}
    numbers = {}
    counts = {}

    def reference(label):
        number = numbers.setdefault(label, len(numbers) + 1)
        counts[label] = counts.get(label, 0) + 1
        return Reference(number=number, occurrence=counts[label])

    numbered = []
    for html in fragments:
        pieces = []
        in_link = 0
        deferred = []
        for token, is_tag in _text_segments(html or ""):
            if is_tag:
                pieces.append(token)
                if _is_open_link(token):
                    in_link += 1
                elif _is_close_link(token) and in_link:
                    in_link -= 1
                    if not in_link:
                        pieces.extend(deferred)
                        deferred = []
                continue
            position = 0
            for start, end, label, _typed in _markers_in_text(token):
                pieces.append(token[position:start])
                position = end
                if label is None or label not in notes:
                    continue
                (deferred if in_link else pieces).append(reference(label))
            pieces.append(token[position:])
        pieces.extend(deferred)
        numbered.append(tuple(piece for piece in pieces if piece != ""))

    ordered = sorted(numbers.items(), key=lambda item: item[1])
    return Numbering(
        fragments=tuple(numbered),
        notes=tuple(
            NumberedNote(number=n, label=label, html=linkify(notes[label]), references=counts[label])
            for label, n in ordered
        ),
    )


def format_pieces(pieces, reference_html):
    """One numbered text as HTML, each reference made by ``reference_html``.

    A reference carries its number and occurrence, so texts can be formatted one
    at a time, in any order.
    """
    return mark_safe("".join(piece if isinstance(piece, str) else reference_html(piece) for piece in pieces))


# -- web ---------------------------------------------------------------------


def reference_id(reference):
    suffix = "" if reference.occurrence == 1 else f"-{reference.occurrence}"
    return f"fnref-{reference.number}{suffix}"


def web_reference(reference):
    return format_html(
        '<sup class="fn-ref"><a href="#fn-{n}" id="{id}" aria-label="Note {n}">{n}</a></sup>',
        n=reference.number,
        id=reference_id(reference),
    )


@dataclass(frozen=True)
class WebNote:
    number: int
    label: str
    html: SafeString
    #: ``(ref_id, text, accessible name)`` for each link back to a reference.
    backlinks: tuple

    @property
    def anchor(self):
        return f"fn-{self.number}"


def web_backlinks(note):
    ids = [reference_id(Reference(note.number, k)) for k in range(1, note.references + 1)]
    if len(ids) == 1:
        return ((ids[0], "↩", f"Back to the text of note {note.number}"),)
    return tuple(
        (ref_id, f"↩{k}", f"Back to reference {k} of note {note.number}") for k, ref_id in enumerate(ids, start=1)
    )


def web_notes(notes):
    """The numbered notes as the web page lists them, each with its back links."""
    return [WebNote(n.number, n.label, n.html, web_backlinks(n)) for n in notes]


def format_web(numbering):
    """``(fragments, notes)`` for the web page: superscript links there, back links here."""
    return [format_pieces(pieces, web_reference) for pieces in numbering.fragments], web_notes(numbering.notes)


# -- print -------------------------------------------------------------------


def inline_note(html):
    """A note's HTML as inline content: its paragraphs joined by line breaks.

    A footnote body is floated out of the paragraph that calls it, so it must be
    phrasing content: a ``<p>`` inside a ``<p>`` is not allowed.
    """
    paragraphs = _BETWEEN_PARAGRAPHS.split((html or "").strip())
    joined = "<br>".join(paragraphs)
    joined = _FIRST_P.sub("", joined)
    return mark_safe(_LAST_P_END.sub("", joined))


def print_reference(notes):
    """A formatter of references for print, given the numbered ``notes``.

    Each first call is preceded by an empty anchor ``call-N`` and its note has the
    id ``note-N``, so the PDF build can check that both land on the same page. A
    later call of the same note repeats its number only.
    """
    by_number = {note.number: note for note in notes}

    def reference_html(reference):
        if reference.occurrence > 1:
            return format_html('<span class="fn-call-again">{}</span>', reference.number)
        return format_html(
            '<span class="fn-anchor" id="call-{n}"></span><span class="footnote" id="note-{n}" data-n="{n}">{html}</span>',
            n=reference.number,
            html=inline_note(by_number[reference.number].html),
        )

    return reference_html


def format_print(numbering):
    """The fragments with each note's text at its first call, for ``float: footnote``."""
    reference_html = print_reference(numbering.notes)
    return [format_pieces(pieces, reference_html) for pieces in numbering.fragments]


# -- links -------------------------------------------------------------------


def linkify(html):
    """Make bare http(s) addresses in sanitised ``html`` clickable links."""
    out = []
    in_link = 0
    for token, is_tag in _text_segments(html or ""):
        if is_tag:
            if _is_open_link(token):
                in_link += 1
            elif _is_close_link(token) and in_link:
                in_link -= 1
            out.append(token)
        elif in_link:
            out.append(token)
        else:
            out.append(_URL_RE.sub(_link_for_url, token))
    return mark_safe("".join(out))


def _link_for_url(match):
    url = match.group(0)
    trailing = ""
    while url and url[-1] in _URL_TRAILING:
        # Keep a closing parenthesis that belongs to the address itself.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    return f'<a href="{url}">{url}</a>{trailing}'
