"""Footnotes: markers in rich text, numbered in reading order.

An editor types a marker such as ``[^source]`` where a note belongs and writes the
note under the same label. On the page, notes are numbered 1..n by their first
reference across all the issue's texts; each reference is a superscript link to
its note and each note links back to every reference to it.

Everything here works on HTML that has already been sanitised: markers become
links only after cleaning, and only in text, never inside a tag.
"""

import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

#: ``[^label]``: a caret and a label of letters, digits, ``-`` or ``_``.
MARKER_RE = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_-]*)\]")
LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_TOKEN_RE = re.compile(r"(<[^>]*>)")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)]}'"

MARKER_HELP = (
    "To cite a footnote, type its label in square brackets with a caret where the "
    "reference belongs, e.g. [^source] or [^1]. The site numbers notes 1, 2, 3… "
    "in reading order."
)


def normalise_label(label):
    return label.strip().lower()


def _text_segments(html):
    """Yield ``(token, is_tag)`` for the tags and the text between them."""
    for token in _TOKEN_RE.split(html):
        if token:
            yield token, token.startswith("<")


def _is_open_link(tag):
    return re.match(r"<a[\s>]", tag, re.IGNORECASE) is not None


def _is_close_link(tag):
    return re.match(r"</a\s*>", tag, re.IGNORECASE) is not None


def find_markers(html):
    """Return the normalised labels of the markers in ``html``, in order."""
    return [
        normalise_label(match.group(1))
        for token, is_tag in _text_segments(html or "")
        if not is_tag
        for match in MARKER_RE.finditer(token)
    ]


@dataclass(frozen=True)
class Note:
    number: int
    label: str
    html: SafeString
    #: The ids of the references to this note, in reading order.
    ref_ids: tuple

    @property
    def anchor(self):
        return f"fn-{self.number}"

    @property
    def backlinks(self):
        """``(ref_id, text, accessible name)`` for each link back to a reference."""
        if len(self.ref_ids) == 1:
            return [(self.ref_ids[0], "↩", f"Back to the text of note {self.number}")]
        return [
            (ref_id, f"↩{index}", f"Back to reference {index} of note {self.number}")
            for index, ref_id in enumerate(self.ref_ids, start=1)
        ]


@dataclass
class RenderedFootnotes:
    fragments: list
    notes: list


def _reference_html(number, ref_id):
    return (
        f'<sup class="fn-ref"><a href="#fn-{number}" id="{ref_id}" '
        f'aria-label="Note {number}">{number}</a></sup>'
    )


def render_footnotes(fragments, notes):
    """Turn markers into numbered references across ``fragments``.

    ``fragments``: sanitised HTML strings in reading order. ``notes``: a mapping
    of label to sanitised note HTML. A marker inside a link is placed just after
    that link, since links cannot nest. A marker with no note is left as typed and
    a note nothing cites is not shown (the admin refuses both before saving).
    """
    notes = {normalise_label(label): html for label, html in notes.items()}
    numbers = {}
    refs = {}

    def reference(label):
        if label not in notes:
            return None
        number = numbers.setdefault(label, len(numbers) + 1)
        label_refs = refs.setdefault(label, [])
        ref_id = f"fnref-{number}" if not label_refs else f"fnref-{number}-{len(label_refs) + 1}"
        label_refs.append(ref_id)
        return _reference_html(number, ref_id)

    rendered = []
    for html in fragments:
        out = []
        in_link = 0
        deferred = []
        for token, is_tag in _text_segments(html or ""):
            if is_tag:
                out.append(token)
                if _is_open_link(token):
                    in_link += 1
                elif _is_close_link(token) and in_link:
                    in_link -= 1
                    if not in_link:
                        out.extend(deferred)
                        deferred = []
                continue
            pos = 0
            for match in MARKER_RE.finditer(token):
                out.append(token[pos : match.start()])
                ref = reference(normalise_label(match.group(1)))
                if ref is None:
                    out.append(match.group(0))
                elif in_link:
                    deferred.append(ref)
                else:
                    out.append(ref)
                pos = match.end()
            out.append(token[pos:])
        out.extend(deferred)
        rendered.append(mark_safe("".join(out)))

    ordered = sorted(numbers.items(), key=lambda item: item[1])
    return RenderedFootnotes(
        fragments=rendered,
        notes=[
            Note(number=n, label=label, html=linkify(notes[label]), ref_ids=tuple(refs[label]))
            for label, n in ordered
        ],
    )


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
