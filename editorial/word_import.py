"""An issue from a Word file: read a .docx, recognise its parts, plan a draft issue.

Pure steps, with no database writes (``editorial.word_import_admin`` adds the
pages and the confirm):

1. :func:`read_docx` converts the file with mammoth (a well-kept .docx
   converter) to simple HTML, Word's footnotes included, and lists what it
   leaves out: images, tables, comments, tracked changes, styles it does not
   know. Endnotes are kept as footnotes (Word numbers both from 1: each note is
   keyed by its kind and number, ``footnote-1`` and ``endnote-1``).
2. :func:`recognise` splits that HTML into blocks and finds the title, the
   byline (authors; for an interview, the interviewer and the interviewee), the
   introduction, the questions and answers (numbered “1.” / “2:” paragraphs,
   numbered list items, or paragraphs in bold) with the speaker label (“EB:”)
   taken off the answers, or the body; Word's footnote and endnote references
   become ``[^1]``, ``[^2]`` markers at the same places, numbered in reading
   order, and the notes become the issue's footnotes. A note cited in the title
   or the byline, which have no notes, is cited at the end of the text's first
   paragraph instead, and the preview says so.

Everything goes through the same sanitiser as typed text.
"""

import dataclasses
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from xml.parsers import expat

import mammoth
from django.conf import settings
from django.utils.html import escape, strip_tags

from briefs.footnotes import find_markers, malformed_markers
from imports import ImportFileError, check_upload, text_problem
from richtext.fields import sanitize

#: Word styles authors use for a title; the rest of the formatting is read from the runs.
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Footnote Text'] => p:fresh
p[style-name='Author'] => p.byline:fresh
r[style-name='Footnote Reference'] =>
r[style-name='Footnote Characters'] =>
r[style-name='Footnote Anchor'] =>
r[style-name='Endnote Reference'] =>
r[style-name='Endnote Characters'] =>
r[style-name='Endnote Anchor'] =>
r[style-name='Hyperlink'] =>
r[style-name='Internet Link'] =>
"""

#: Styles that carry no meaning here: their text is plain paragraphs (lists keep their numbering).
PLAIN_STYLES = {"Body Text", "First Paragraph", "Compact", "List Paragraph", "Normal (Web)", "Text Body", "Default"}


class WordFileError(ValueError):
    """A file that cannot be read as a Word document; the message is for the editor."""


@dataclass
class ReadDocument:
    html: str
    #: Word's footnotes and endnotes: key (``footnote-1``, ``endnote-1``) → HTML of the note.
    #: The text cites each as ``[^footnote-1]``, ``[^endnote-1]``.
    footnotes: dict
    #: What the conversion left out or could not place, in words for the editor.
    left_out: list = field(default_factory=list)


# -- reading -------------------------------------------------------------------


def read_docx(data):
    """Convert the bytes of a .docx; raises WordFileError with a message for the editor."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WordFileError(
            "This file is password-protected or in the old .doc format. Open it in Word, save it as a "
            ".docx without a password, and upload that."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise WordFileError(
            "This is not a Word document (.docx). Save the file from Word as .docx and upload that."
        ) from None
    if "word/document.xml" not in names:
        raise WordFileError("This file is not a Word document (.docx): it has no document part.")
    check_docx_parts(archive)
    left_out = _parts_left_out(archive, names)
    images = []
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, convert_image=_ImageSkipper(images), id_prefix="w-"
        )
    except Exception as error:  # mammoth raises plain exceptions for broken files
        raise WordFileError(
            f"This Word document could not be read ({error.__class__.__name__}). Is it damaged?"
        ) from None
    html, footnotes, typed = _split_footnotes(result.value)
    if typed:
        left_out.append(
            "the text has “" + "”, “".join(typed) + "” typed as text, which reads as a footnote marker: check it after "
            "the import (Word's own footnotes are numbered 1, 2, 3…)"
        )
    for kind in ("footnote", "endnote"):
        uncited = _word_note_count(archive, names, kind) - sum(key.startswith(f"{kind}-") for key in footnotes)
        if uncited > 0:
            left_out.append(f"{uncited} {kind}(s) of the file are cited nowhere in its text: they were left out")
    if images:
        left_out.append(f"{len(images)} image(s): images are not imported")
    if "<table" in html:
        left_out.append("a table: tables are not imported; their text is kept as paragraphs")
    for message in result.messages:
        text = str(getattr(message, "message", message))
        style = re.search(r"Unrecognised (?:paragraph|run) style: '?(.+?)'? \(Style ID", text)
        if style and style.group(1) not in PLAIN_STYLES:
            left_out.append(f"Word style “{style.group(1)}” (its text is imported as plain text)")
    if not strip_tags(html).strip():
        raise WordFileError("This Word document is empty: it has no text to import.")
    return ReadDocument(html=html, footnotes=footnotes, left_out=_unique(left_out))


class _ImageSkipper:
    """mammoth calls ``convert_image`` with the image and expects a list of HTML elements."""

    def __init__(self, images):
        self.images = images

    def __call__(self, image):
        self.images.append(getattr(image, "content_type", "image"))
        return []


def _parts_left_out(archive, names):
    left_out = []
    if "word/comments.xml" in names and b"<w:comment " in archive.read("word/comments.xml"):
        left_out.append("comments: they are not imported")
    document = archive.read("word/document.xml")
    if b"<w:ins " in document or b"<w:del " in document:
        left_out.append(
            "tracked changes: accept or reject them in Word first; insertions are imported as if accepted, "
            "deletions are left out"
        )
    if _word_note_count(archive, names, "endnote"):
        left_out.append("endnotes: they are imported as footnotes, numbered with them in reading order")
    return left_out


def _word_note_count(archive, names, kind):
    """How many real footnotes or endnotes (``kind``; not Word's separators) the file holds."""
    if f"word/{kind}s.xml" not in names:
        return 0
    xml = archive.read(f"word/{kind}s.xml")
    separator = rb'(?![^>]*w:type="(?:separator|continuationSeparator|continuationNotice)")'
    return len(re.findall(rb"<w:" + kind.encode() + rb"\b" + separator + rb"[^>]*>", xml))


def _unique(items):
    return list(dict.fromkeys(items))


_NOTE_REF = re.compile(
    r'<sup><a href="#w-((?:footnote|endnote)-\d+)" id="w-(?:footnote|endnote)-ref-\d+">\[\d+\]</a></sup>'
)
_NOTES_LIST = re.compile(r'<ol><li id="w-(?:footnote|endnote)-\d+">.*</ol>\s*$', re.S)
_NOTE_ITEM = re.compile(r'<li id="w-((?:footnote|endnote)-\d+)">(.*?)</li>', re.S)
#: The marker of a Word note in the text until the notes are numbered: ``[^footnote-1]``, ``[^endnote-1]``.
_WORD_MARKER = re.compile(r"\[\^((?:footnote|endnote)-\d+)\]")
_BACK_LINK = re.compile(r'\s*<a href="#w-(?:footnote|endnote)-ref-\d+">↑</a>')


def _split_footnotes(html):
    """The text with ``[^footnote-n]``/``[^endnote-n]`` markers where Word's references were, and the notes by key.

    Word numbers footnotes and endnotes each from 1, so the kind is part of the key.
    """
    typed = sorted(set(re.findall(r"\[\^[^\]\s<]{0,40}\]?", re.sub(r"<[^>]+>", " ", html))))
    notes = {}
    listing = _NOTES_LIST.search(html)
    if listing:
        for key, note in _NOTE_ITEM.findall(listing.group(0)):
            notes[key] = re.sub(r"^<p>\s+", "<p>", _BACK_LINK.sub("", note).strip())
        html = html[: listing.start()]
    html = _NOTE_REF.sub(lambda m: f"[^{m.group(1)}]", html)
    html = re.sub(r"<sup>(\[\^(?:footnote|endnote)-\d+\])</sup>", r"\1", html)  # a reference styled superscript as well
    return html, notes, typed


# -- recognising ---------------------------------------------------------------


@dataclass
class Block:
    tag: str
    html: str  # the inner HTML
    css_class: str = ""

    @property
    def text(self):
        return " ".join(unescape(strip_tags(self.html)).split())


class _Blocks(HTMLParser):
    """Top-level blocks of mammoth's HTML: paragraphs, headings, list items, quotes."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks, self.stack, self.depth, self.list_kinds = [], [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("ol", "ul") and not self.stack:
            self.list_kinds.append(tag)
            return
        if not self.stack and tag in self.BLOCKS:
            self.stack.append(
                [
                    tag if tag != "li" else f"li-{self.list_kinds[-1] if self.list_kinds else 'ul'}",
                    [],
                    dict(attrs).get("class", ""),
                ]
            )
            self.depth = 1
            return
        if self.stack:
            if tag == self.stack[0][0]:
                self.depth += 1
            self.stack[0][1].append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if self.stack:
            self.stack[0][1].append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in ("ol", "ul") and not self.stack:
            if self.list_kinds:
                self.list_kinds.pop()
            return
        if not self.stack:
            return
        opened = self.stack[0][0]
        if tag == opened.split("-")[0]:
            self.depth -= 1
            if self.depth == 0:
                name, parts, css = self.stack.pop()
                self.blocks.append(Block(name, "".join(parts).strip(), css))
                return
        self.stack[0][1].append(f"</{tag}>")

    def handle_data(self, data):
        if self.stack:
            self.stack[0][1].append(data)

    def handle_entityref(self, name):
        if self.stack:
            self.stack[0][1].append(f"&{name};")

    def handle_charref(self, name):
        if self.stack:
            self.stack[0][1].append(f"&#{name};")


def blocks_of(html):
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return [b for b in parser.blocks if b.text or b.tag == "table"]


@dataclass
class NamedPerson:
    """A name as the byline gives it. The family name is the last word, with the particles before it
    (“Pieter van der Berg”: “Pieter” and “van der Berg”)."""

    name: str
    honorific: str = ""

    def _split(self):
        words = self.name.split()
        start = len(words) - 1
        while start > 1 and words[start - 1].lower() in _NAME_PARTICLES:
            start -= 1
        return " ".join(words[:start]) or self.name, " ".join(words[start:]) if len(words) > 1 else ""

    @property
    def given_name(self):
        return self._split()[0]

    @property
    def family_name(self):
        return self._split()[1]


@dataclass
class Recognised:
    title: str = ""
    kind: str = "article"
    authors: list = field(default_factory=list)
    interviewees: list = field(default_factory=list)
    #: The speaker label when all labelled answers have the same one (“EB”), else "".
    speaker_label: str = ""
    #: Each answer's speaker label as the file gave it ("" for none), in the order of ``questions``.
    answer_labels: list = field(default_factory=list)
    introduction: str = ""
    questions: list = field(default_factory=list)  # (question HTML, answer HTML)
    body: str = ""
    footnotes: dict = field(default_factory=dict)  # label → note HTML
    #: What was recognised, in words for the editor's preview.
    found: list = field(default_factory=list)
    #: What was not: parts left out, text that fits nowhere, problems to fix after the import.
    problems: list = field(default_factory=list)


_HONORIFICS = ("Prof. Dr.", "Prof. Dr", "Prof.", "Dr.", "Dr", "Mr", "Mrs", "Ms")
_QUESTION_NUMBER = re.compile(r"^\s*(?:<(?:strong|b|em|i)>\s*)*(\d{1,2})\s*[.:)]\s*")
#: A speaker label opening an answer: up to four capitals of any script (“EB:”, “АН:”), maybe in bold.
_SPEAKER = re.compile(r"^(\s*(?:<(?:strong|b)>)?)\s*([^\W\d_]{1,4})\s*:\s*(?:</(?:strong|b)>)?\s*")
_INTERVIEW = r"(?:an\s+)?interview"
#: The bylines recognised, first match first: (pattern, is it an interview). ``by`` names the authors or
#: interviewers, ``with`` the interviewees.
_BYLINES = [
    (re.compile(rf"^{_INTERVIEW}\s+(?:conducted\s+)?by\s+(?P<by>.+?)\s+with\s+(?P<with>.+?)\.?$", re.I), True),
    (re.compile(rf"^{_INTERVIEW}\s+with\s+(?P<with>.+?),?\s+(?:conducted\s+)?by\s+(?P<by>.+?)\.?$", re.I), True),
    (re.compile(rf"^{_INTERVIEW}\s+(?:conducted\s+)?by\s+(?P<by>.+?)\.?$", re.I), True),
    (re.compile(rf"^{_INTERVIEW}\s+with\s+(?P<with>.+?)\.?$", re.I), True),
    (re.compile(r"^(?P<by>.+?)\s+in\s+conversation\s+with\s+(?P<with>.+?)\.?$", re.I), True),
    (re.compile(r"^(?:written\s+)?by\s+(?P<by>.+?)\.?$", re.I), False),
]
#: An interviewee named in the title: “Water across borders: Interview with Erkin Baydarov”.
_TITLE_WITH = re.compile(r"(?:^|[:–—-]\s*)(?:an\s+)?(?:interview|in\s+conversation)\s+with\s+(?P<with>.+?)\.?$", re.I)


def _visible(text):
    """``text`` without invisible format characters (zero-width spaces, direction overrides, BOMs)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


_NAME_PARTICLES = {
    "van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "al", "el", "bin", "ibn", "ter", "y", "zu", "dos",
}  # fmt: skip


def _name_word(word):
    """A word of a name: it opens with a capital, or a letter of a script without case (Arabic, Chinese), or it
    is a particle, alone (“van”) or joined to the name (“al-Farabi”, “d'Alembert”)."""
    first = word[0]
    if first.isalpha() and not first.islower():
        return True
    particle = re.split(r"[-'’]", word, maxsplit=1)
    return word.lower() in _NAME_PARTICLES or (
        len(particle) == 2
        and particle[1][:1].isupper()
        and (particle[0].lower() in _NAME_PARTICLES or len(particle[0]) == 1)
    )


def _looks_like_names(people):
    """Names, not a sentence: “By the way, the river flows north” is no byline."""
    return bool(people) and all(
        1 <= len(p.name.split()) <= 6 and all(_name_word(word) for word in p.name.split()) for p in people
    )


def _byline(text):
    """``(authors, interviewees, is_interview)`` if ``text`` is a byline, else None."""
    for pattern, interview in _BYLINES:
        match = pattern.match(text)
        if match:
            by, with_ = _people(match.groupdict().get("by") or ""), _people(match.groupdict().get("with") or "")
            return (by, with_, interview) if _looks_like_names(by + with_) else None
    return None


def _people(names):
    people = []
    for raw in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", names):
        name = " ".join(_visible(raw).split())
        honorific = ""
        for candidate in _HONORIFICS:
            if name.startswith(candidate + " "):
                honorific, name = candidate.rstrip("."), name[len(candidate) + 1 :].strip()
                break
        if name:
            people.append(NamedPerson(name, honorific))
    return people


def _is_bold_paragraph(block):
    html = block.html.strip()
    return bool(re.fullmatch(r"<(strong|b)>.*</\1>\s*(\[\^\w+\])?", html, re.S)) and len(block.text) > 3


def _unwrap_bold(html):
    match = re.fullmatch(r"<(strong|b)>(.*)</\1>(\s*(?:\[\^\w+\])?)", html.strip(), re.S)
    return (match.group(2) + match.group(3)).strip() if match else html


def _question_of(block):
    """The question's HTML if ``block`` is a question (numbered or bold), else None."""
    if block.tag == "li-ol":
        return _unwrap_bold(block.html)
    if block.tag != "p":
        return None
    numbered = _QUESTION_NUMBER.match(block.html)
    if numbered:
        rest = block.html[numbered.end() :]
        rest = re.sub(r"^((?:</(?:strong|b|em|i)>)\s*)+", "", rest)
        return _unwrap_bold(_balance(rest))
    if _is_bold_paragraph(block) and block.text.rstrip().endswith("?"):
        return _unwrap_bold(block.html)
    return None


def _balance(html):
    """Drop closing tags left without their opening one after the number was cut off."""
    for tag in ("strong", "b", "em", "i"):
        opened, closed = html.count(f"<{tag}>"), html.count(f"</{tag}>")
        while closed > opened:
            index = html.find(f"</{tag}>")
            html = html[:index] + html[index + len(tag) + 3 :]
            closed -= 1
    return html


def _paragraphs(blocks):
    out = []
    for block in blocks:
        if block.tag.startswith("li-"):
            kind = block.tag[3:]
            if out and out[-1][0] == kind:
                out[-1][1].append(f"<li>{block.html}</li>")
            else:
                out.append((kind, [f"<li>{block.html}</li>"]))
        elif block.tag == "blockquote":
            out.append(("raw", [f"<blockquote>{block.html}</blockquote>"]))
        elif block.tag in ("h2", "h3", "h4", "h5", "h6"):
            out.append(("raw", [f"<h3>{block.html}</h3>"]))
        elif block.tag == "table":  # its cells' paragraphs, in reading order
            cells = re.findall(r"<p>(.*?)</p>", block.html, re.S) or [strip_tags(block.html)]
            out.extend(("raw", [f"<p>{cell}</p>"]) for cell in cells if strip_tags(cell).strip())
        else:
            out.append(("raw", [f"<p>{block.html}</p>"]))
    return "".join(f"<{k}>{''.join(items)}</{k}>" if k in ("ol", "ul") else "".join(items) for k, items in out)


def _relabel(html, renumber):
    """Word's notes' markers (``[^endnote-1]``) as their numbers in reading order (``[^3]``)."""
    return _WORD_MARKER.sub(lambda m: f"[^{renumber.get(m.group(1), m.group(1))}]", html)


def speaker_labels(recognised):
    """The distinct speaker labels of the answers, in order of appearance."""
    return list(dict.fromkeys(label for label in recognised.answer_labels if label))


def _without_word_markers(text):
    return " ".join(_WORD_MARKER.sub("", text).split())


def _cite_first(found, markers):
    """Cite ``markers`` at the end of the first paragraph of the text; say where, or None if there is no text."""
    if found.introduction:
        found.introduction, where = _append_to_first_block(found.introduction, markers), "the introduction"
    elif found.questions:
        question, answer = found.questions[0]
        found.questions[0], where = (_append_to_first_block(question, markers), answer), "the first question"
    elif found.body:
        found.body, where = _append_to_first_block(found.body, markers), "the body"
    else:
        return None
    return f"the end of {where}'s first paragraph"


def _append_to_first_block(html, markers):
    return re.sub(r"(?=</(?:p|li|h3)>)", lambda _m: markers, html, count=1)


def recognise(document):
    """The parts of ``document`` (a :class:`ReadDocument`) as a :class:`Recognised`."""
    found = Recognised(problems=list(document.left_out))
    blocks = blocks_of(document.html)
    if not blocks:
        found.problems.append("no text was found")
        return found

    # The title: a Title or Heading 1 paragraph, else the first paragraph.
    title_index = next((i for i, b in enumerate(blocks[:3]) if b.tag == "h1"), 0)
    found.title = _without_word_markers(_visible(blocks[title_index].text))
    #: Notes cited in the title or the byline, which have none: (key, where) in reading order.
    uncitable = [(key, "the title") for key in _WORD_MARKER.findall(blocks[title_index].html)]
    found.found.append(f"title: “{found.title}”")
    title_problem = text_problem(found.title, max_length=300)
    if title_problem:
        found.problems.append(
            f"the title {title_problem}; it will be cut to 300 characters: shorten it after the import"
        )
    rest = blocks[title_index + 1 :]

    # The byline, in the first few paragraphs after the title.
    for index, block in enumerate(rest[:3]):
        text = _without_word_markers(block.text)
        byline = _byline(text)
        if byline is None:
            continue
        found.authors, found.interviewees, interview = byline
        if interview:
            found.kind = "interview"
        found.found.append(f"byline: “{text}”")
        uncitable += [(key, "the byline") for key in _WORD_MARKER.findall(block.html)]
        rest = rest[:index] + rest[index + 1 :]
        break
    else:
        found.problems.append(
            "no byline (“By …”, “Interview by … with …”, “… in conversation with …”) was found: add the "
            "contributors after the import"
        )
    # “…: Interview with Erkin Baydarov” in the title names the interviewee the byline left out.
    in_title = _TITLE_WITH.search(found.title)
    if in_title and not found.interviewees and _looks_like_names(_people(in_title.group("with"))):
        found.kind, found.interviewees = "interview", _people(in_title.group("with"))
        found.found.append(f"interviewee named in the title: “{in_title.group('with')}”")

    # Questions and answers, or the body.
    first_question = next((i for i, b in enumerate(rest) if _question_of(b) is not None), None)
    if first_question is not None and (
        found.kind == "interview" or sum(_question_of(b) is not None for b in rest) >= 2
    ):
        found.kind = "interview"
        found.introduction = _paragraphs(rest[:first_question])
        current = None
        for block in rest[first_question:]:
            question = _question_of(block)
            if question is not None:
                current = [question, []]
                found.questions.append(current)
            else:
                current[1].append(block)
        for pair in found.questions:
            answer = _paragraphs(pair[1])
            speaker = _SPEAKER.match(answer[3:]) if answer.startswith("<p>") else None
            label = ""
            if speaker and speaker.group(2).isupper():
                label = speaker.group(2)
                answer = "<p>" + speaker.group(1) + answer[3 + speaker.end() :]
                answer = re.sub(r"^<p>(<(strong|b)>)</\2>", "<p>", answer)
            pair[1] = answer
            found.answer_labels.append(label)
        found.questions = [(f"<p>{q}</p>" if not q.startswith("<p>") else q, a) for q, a in found.questions]
        labels = speaker_labels(found)
        if len(labels) == 1:
            found.speaker_label = labels[0]
            found.found.append(
                f"speaker label: “{found.speaker_label}:” (taken off the answers, kept as the speaker's)"
            )
        elif labels:
            found.found.append(
                f"speaker labels: {', '.join(f'“{label}:”' for label in labels)} (taken off the answers; each answer "
                "keeps its speaker)"
            )
        found.found.append(f"introduction: {len(blocks_of(found.introduction))} paragraph(s)")
        found.found.append(f"questions and answers: {len(found.questions)}")
        empty = [str(n) for n, (_q, a) in enumerate(found.questions, 1) if not strip_tags(a).strip()]
        if empty:
            found.problems.append(f"question(s) {', '.join(empty)} have no answer")
    else:
        found.body = _paragraphs(rest)
        found.found.append(f"body: {len(rest)} paragraph(s)")
    if any(b.tag == "table" for b in blocks) and not any("table" in p for p in found.problems):
        found.problems.append("a table: tables are not imported")

    # A note on the title or the byline (often thanks, or the author's post) is cited at the end of
    # the text's first paragraph instead: never kept as “[^4]” in the title or a name, never lost.
    texts = (found.introduction, *(part for pair in found.questions for part in pair), found.body)
    cited_in_text = {key for text in texts for key in _WORD_MARKER.findall(text)}
    places = {}
    for key, where in uncitable:
        if key in document.footnotes:
            places.setdefault(key, where)
    to_move = [key for key in places if key not in cited_in_text]
    moved_to = _cite_first(found, "".join(f"[^{key}]" for key in to_move)) if to_move else None

    # Footnotes, with markers where Word had its references, numbered 1, 2, 3… in reading order.
    order = [
        key
        for text in (found.introduction, *(p for pair in found.questions for p in pair), found.body)
        for key in _WORD_MARKER.findall(text)
    ]
    renumber = {old: str(new) for new, old in enumerate(dict.fromkeys(m for m in order if m in document.footnotes), 1)}
    for old in document.footnotes:
        renumber.setdefault(old, str(len(renumber) + 1))  # a note Word had but the text never cites
    found.introduction, found.body = _relabel(found.introduction, renumber), _relabel(found.body, renumber)
    found.questions = [(_relabel(q, renumber), _relabel(a, renumber)) for q, a in found.questions]
    found.footnotes = {
        renumber[number]: note for number, note in sorted(document.footnotes.items(), key=lambda n: int(renumber[n[0]]))
    }
    if found.footnotes:
        found.found.append(f"footnotes: {len(found.footnotes)}, each with its marker where Word had it")
    for key, where in places.items():
        if key in cited_in_text:
            found.problems.append(
                f"footnote {renumber[key]} was cited in {where}, which cannot have notes: that marker was left out "
                "(the text cites the note too)"
            )
        elif moved_to:
            found.problems.append(
                f"footnote {renumber[key]} was cited in {where}, which cannot have notes: its marker was moved to "
                f"{moved_to}; move it where it belongs after the import"
            )
        else:
            found.problems.append(
                f"footnote {renumber[key]} was cited in {where}, which cannot have notes, and the file has no other "
                "text to cite it from: add its marker after the import"
            )

    # The same sanitising as typed text; then the marker rules the issue form applies.
    found.introduction = sanitize(found.introduction)
    found.body = sanitize(found.body)
    found.questions = [(sanitize(q, "note"), sanitize(a)) for q, a in found.questions]
    found.footnotes = {label: sanitize(html, "note") for label, html in found.footnotes.items()}
    texts = [found.introduction, found.body, *(part for pair in found.questions for part in pair)]
    cited = {marker for text in texts for marker in find_markers(text)}
    reported = {renumber[key] for key in places}
    for label in sorted(set(found.footnotes) - cited - reported, key=int):
        found.problems.append(f"footnote {label} is cited nowhere in the text")
    for text in texts:
        for marker in malformed_markers(text):
            found.problems.append(f"the text contains “{escape(marker)}”, which looks like a broken footnote marker")
    return found


# -- limits ----------------------------------------------------------------------

#: A Word file's size, and what it may unpack to (a brief is some 50 KB of XML; a zip bomb is GBs).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: XML elements in all the file's parts together. No. 6 has some 1,400 (341 of them its text); a brief of
#: 24,000 words (No. 6 ten times over) has 3,100 to 4,400, as LibreOffice or pandoc write it, so this is
#: room for Word's splitting of runs by revision as well. Converting this many takes mammoth about 1.5 s
#: and 40 MB, where a file of one-letter runs (5 million elements) took 185 s and 4.5 GB.
MAX_XML_ELEMENTS = 50_000
#: The bytes of the XML parts together (No. 6's are 60 KB, the 24,000-word brief's 290 KB).
MAX_XML_BYTES = 16_000_000
#: Footnotes and endnotes together (No. 6 has 4). More than the issue's page can be worked with.
MAX_NOTES = 500

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOTE_TAGS = {f"{_W} footnote", f"{_W} endnote"}
#: Word's lines above the notes, not notes (mammoth skips the first two; a notice is as empty).
_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
_CHUNK = 64 * 1024


class _TooMuch(Exception):
    pass


def check_docx_parts(archive):
    """Refuse, before anything parses it, a file whose XML would take too long or too much memory to convert.

    Each XML part is read as a stream from the zip, by expat with no tree kept,
    and the reading stops as soon as a limit is passed: :data:`MAX_XML_ELEMENTS`
    elements and :data:`MAX_XML_BYTES` bytes in all parts together, and
    :data:`MAX_NOTES` footnotes and endnotes (Word's separators not counted). A
    part that declares entities (never in a file Word writes) is refused too.
    """
    counted = {"elements": 0, "bytes": 0, "notes": 0}
    parts = [member for member in archive.infolist() if member.filename.endswith((".xml", ".rels"))]
    # The notes first: a file with thousands of notes is told so, not that it has too many elements.
    parts.sort(key=lambda member: member.filename not in ("word/footnotes.xml", "word/endnotes.xml"))
    for member in parts:
        depth = [0]
        parser = expat.ParserCreate(namespace_separator=" ")

        def start(name, attrs, depth=depth):
            depth[0] += 1
            counted["elements"] += 1
            if counted["elements"] > MAX_XML_ELEMENTS:
                raise _TooMuch("elements")
            if depth[0] == 2 and name in _NOTE_TAGS and attrs.get(f"{_W} type") not in _SEPARATORS:
                counted["notes"] += 1
                if counted["notes"] > MAX_NOTES:
                    raise _TooMuch("notes")

        def end(name, depth=depth):
            depth[0] -= 1

        def entity(*args):
            raise _TooMuch("entities")

        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.EntityDeclHandler = entity
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    counted["bytes"] += len(chunk)
                    if counted["bytes"] > MAX_XML_BYTES:
                        raise _TooMuch("bytes")
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _TooMuch as limit:
            raise WordFileError(_limit_message(str(limit))) from None
        except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise WordFileError(
                f"This Word document is damaged: its part “{member.filename}” cannot be read. Open it in Word, "
                "save it again as .docx, and upload that."
            ) from None


def _limit_message(limit):
    return {
        "elements": (
            f"This Word document is too intricate to import: it is made of more than {MAX_XML_ELEMENTS:,} pieces "
            "(a long brief has a few thousand). This happens when formatting was applied letter by letter or the file "
            "holds generated content. Copy the text into a new Word document, save it, and upload that; or split it."
        ),
        "bytes": (
            f"This Word document holds more than {MAX_XML_BYTES / 1e6:g} MB of text and formatting "
            "(a long brief has well under 1 MB). Copy the text into a new Word document, save it, and upload that; "
            "or split it."
        ),
        "notes": (
            f"This Word document has more than {MAX_NOTES} footnotes and endnotes; at most {MAX_NOTES} can be imported "
            "into one issue. Split the text, or turn notes into a list of sources, and upload it again."
        ),
        "entities": (
            "This file declares XML entities, which Word never writes: it was not saved by Word. Open it in Word, "
            "save it as .docx, and upload that."
        ),
    }[limit]


def check_docx_size(data):
    """Refuse, before it is parsed, a file too big, not a .docx, password-protected, or unpacking to too much.

    The shared import core's check (``imports.check_upload``), with a Word file's limits.
    """
    try:
        return check_upload(
            data,
            max_bytes=settings.WORD_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=MAX_UNPACKED_BYTES,
            zip_expected=".docx",
        )
    except ImportFileError as error:
        raise WordFileError(str(error)) from None


# -- the people of the byline ------------------------------------------------------


@dataclass
class PersonChoice:
    """A name from the byline, and the person it is matched to (None: a new person will be added)."""

    role: str
    name: str
    honorific: str
    person_id: int = None
    person_label: str = ""
    problem: str = ""
    #: For an interviewee: the label that opens their answers (“EB”).
    speaker_label: str = ""
    #: A new person's names as the editor typed them (else they are taken from ``name``).
    given_name: str = ""
    family_name: str = ""


def _initials(name):
    """The ways ``name``'s initials are written as a speaker label: “Anna-Lena van Dijk” → ALVD, ALD, AVD, AD."""
    named = NamedPerson(name)
    given = [w[0] for w in re.split(r"[\s\-.]+", named.given_name) if w]
    family = [w[0] for w in re.split(r"[\s\-]+", named.family_name) if w]
    return {
        "".join(given_part + family_part).upper()
        for given_part in (given, given[:1])
        for family_part in (family, family[-1:])
    }


def assign_speakers(recognised, choices):
    """Give each speaker label to the interviewee it stands for; return the labels no interviewee was given.

    One label and one interviewee go together; otherwise a label goes to the one
    interviewee whose initials it is. A label left over is never dropped: the
    preview asks the editor whose it is (:class:`~editorial.word_import_admin.SpeakerForm`).
    """
    labels = speaker_labels(recognised)
    interviewees = [choice for choice in choices if choice.role == "interviewee"]
    if len(labels) == 1 and len(interviewees) == 1:
        interviewees[0].speaker_label = labels[0]
        return []
    left = []
    for label in labels:
        same = [c for c in interviewees if not c.speaker_label and label.upper() in _initials(c.name)]
        if len(same) == 1:
            same[0].speaker_label = label
        else:
            left.append(label)
    return left


def match_people(recognised, people):
    """Match the byline's names to existing people (``people``: a Person queryset), never duplicating one.

    Matched by given and family name, ignoring case and accents of spacing. Two
    people with the same name are not guessed between: that is a problem to
    solve in the admin.
    """
    roles = [("interviewer" if recognised.kind == "interview" else "author", p) for p in recognised.authors]
    roles += [("interviewee", p) for p in recognised.interviewees]
    choices, seen = [], set()
    for role, named in roles:
        if (role, named.name.casefold()) in seen:
            recognised.problems.append(f"{named.name} is named twice as {role}: added once")
            continue
        seen.add((role, named.name.casefold()))
        for part, value in (("given name", named.given_name), ("family name", named.family_name)):
            problem = text_problem(value, max_length=100)
            if problem:
                recognised.problems.append(f"{named.name}: the {part} {problem}; correct it after the import")
        if not named.family_name:
            recognised.problems.append(f"“{named.name}” has one name only: add the family name after the import")
        same = list(
            people.filter(given_name__iexact=named.given_name, family_name__iexact=named.family_name).order_by("pk")[:2]
        )
        choice = PersonChoice(role, named.name, named.honorific)
        if len(same) == 1:
            choice.person_id, choice.person_label = same[0].pk, same[0].full_name
        elif len(same) > 1:
            choice.problem = f"two people are called {named.name}: choose the right one after the import"
        choices.append(choice)
    return choices


# -- the draft ---------------------------------------------------------------------


def _add_person(choice):
    """The person ``choice`` names, added; or the one of that name added since the preview.

    Two imports confirmed at the same moment may both add the same new person: the
    second's insert then meets the first's person on the unique slug. Its savepoint
    keeps the transaction usable, and the person found by name is credited instead.
    """
    from django.db import IntegrityError, transaction
    from django.utils.text import slugify

    from people.models import Person

    named = NamedPerson(choice.name, choice.honorific)
    given_name = (choice.given_name or named.given_name)[:100]
    family_name = (choice.family_name if choice.given_name else named.family_name)[:100]
    while True:
        same = list(
            Person.objects.filter(given_name__iexact=given_name, family_name__iexact=family_name).order_by("pk")[:2]
        )
        if len(same) == 1:  # as the preview would match them now
            return same[0]
        person = Person(given_name=given_name, family_name=family_name, honorific=choice.honorific)
        base = slugify(person.name)[:110] or "person"
        slug, n = base, 2
        while Person.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        person.slug = slug
        try:
            with transaction.atomic():
                person.save()
            return person
        except IntegrityError:
            if not Person.objects.filter(slug=slug).exists():
                raise  # not the slug: a fault to see
            # Taken since it was checked free: look again (each turn, someone else's person exists).


def next_free_number(series):
    from briefs.models import Issue

    numbers = set(Issue.objects.originals().filter(series=series).values_list("number", flat=True))
    return max(numbers, default=0) + 1


def earlier_imports(*, sha256, title):
    """What the house already has of this file: ``(records, issues)``.

    ``records``: the :class:`~editorial.models.ImportedWordFile` of issues
    imported from the same bytes (its ``issue`` and series fetched with it);
    ``issues``: other issues (originals, not working copies) with the same title,
    ignoring case. Both newest first, a few at most.
    """
    from briefs.models import Issue
    from editorial.models import ImportedWordFile

    records = list(
        ImportedWordFile.objects.filter(sha256=sha256, issue__working_copy_of__isnull=True)
        .select_related("issue__series")
        .order_by("-imported_at", "-pk")[:5]
    )
    same_file = {record.issue_id for record in records}
    issues = [
        issue
        for issue in Issue.objects.originals()
        .filter(title__iexact=title.strip())
        .select_related("series")
        .order_by("-pk")[:6]
        if issue.pk not in same_file
    ][:5]
    return records, issues


def create_draft(recognised, choices, *, series, number, publication_date, by=None, sha256="", filename="", now=None):
    """Create the draft issue the preview showed, in one transaction; returns it.

    Never overwrites an issue: a number already used in the series, or taken by
    another confirm at the same moment, is refused with a ValidationError
    (``number_taken``), and nothing of this draft is written.
    People matched in the preview are used; the others are added once each,
    unless someone of that name was added since the preview (by another import,
    maybe confirmed at this very moment): then that person is credited.
    Each interviewee keeps their speaker label (``PersonChoice.speaker_label``);
    with several labelled interviewees, each answer is given its speaker.
    With ``sha256``, the file is recorded, so importing it again is noticed.
    """
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.utils.text import slugify

    from briefs.models import Contribution, Footnote, Issue, IssueKind, Question
    from people.models import Person

    def number_taken():
        return ValidationError(
            f"{series.name} already has a No. {number}; the import never overwrites an issue. Choose another "
            f"number (the next free one is {next_free_number(series)}).",
            code="number_taken",
        )

    with transaction.atomic():
        if Issue.objects.originals().filter(series=series, number=number).exists():
            raise number_taken()
        try:
            # Another confirm may take the number between the check above and this insert
            # (on PostgreSQL nothing can lock a row that does not exist yet): the series'
            # unique number (issue_number_unique_in_series) then refuses this insert, and its
            # savepoint leaves the transaction usable to say so.
            with transaction.atomic():
                issue = Issue.objects.create(
                    series=series,
                    number=number,
                    title=recognised.title[:300],
                    slug=slugify(recognised.title)[:200] or f"issue-{number}",
                    kind=IssueKind.INTERVIEW if recognised.kind == "interview" else IssueKind.ARTICLE,
                    publication_date=publication_date,
                    introduction=recognised.introduction,
                    body=recognised.body,
                )
        except IntegrityError:
            if not Issue.objects.originals().filter(series=series, number=number).exists():
                raise  # not the number: a fault to see, not the editor's to fix
            raise number_taken() from None
        interviewees = [choice for choice in choices if choice.role == "interviewee"]
        if recognised.speaker_label and len(interviewees) == 1 and not any(c.speaker_label for c in choices):
            # A plan whose labels were never assigned (made before assign_speakers): the one label is theirs.
            interviewees[0] = dataclasses.replace(interviewees[0], speaker_label=recognised.speaker_label)
            choices = [interviewees[0] if choice.role == "interviewee" else choice for choice in choices]
        added, credited, speakers = {}, {}, {}
        for order, choice in enumerate(choices):
            person = Person.objects.filter(pk=choice.person_id).first() if choice.person_id else None
            if person is None:
                key = (choice.given_name.casefold(), choice.family_name.casefold(), choice.name.casefold())
                person = added.get(key)
                if person is None:
                    person = added[key] = _add_person(choice)
            label = choice.speaker_label if choice.role == "interviewee" else ""
            if label:
                speakers[label] = person
            contribution = credited.get((person.pk, choice.role))
            if contribution is not None:  # the same person named twice in one role: credited once, label kept
                if label and not contribution.speaker_label:
                    contribution.speaker_label = label
                    contribution.save(update_fields=["speaker_label"])
                continue
            credited[(person.pk, choice.role)] = Contribution.objects.create(
                issue=issue, person=person, role=choice.role, speaker_label=label[:12], sort_order=order
            )
        # One interviewee opens every answer with their label; several need each answer's speaker.
        several = len({person.pk for person in speakers.values()}) > 1
        labels = [*recognised.answer_labels, *[""] * (len(recognised.questions) - len(recognised.answer_labels))]
        Question.objects.bulk_create(
            Question(
                issue=issue,
                question=q,
                answer=a,
                sort_order=n,
                speaker=speakers.get(label) if several else None,
            )
            for n, ((q, a), label) in enumerate(
                zip(recognised.questions, labels[: len(recognised.questions)], strict=True), 1
            )
        )
        Footnote.objects.bulk_create(
            Footnote(issue=issue, label=label, text=text) for label, text in recognised.footnotes.items()
        )
        if sha256:
            from django.utils import timezone

            from editorial.models import ImportedWordFile

            ImportedWordFile.objects.create(
                issue=issue, sha256=sha256, filename=filename[:200], imported_at=now or timezone.now(), imported_by=by
            )
    return issue
