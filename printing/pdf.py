"""The printed brief: an issue document laid out as an A4 PDF with WeasyPrint.

:func:`build_pdf` lays the print template out and checks that every footnote
landed on the page of its call. WeasyPrint 70 can put a note on the page *after*
its call when the call falls in the last lines of a page (upstream issues #2502
and #1564), so the build reads each call's page and each note's page from the
laid-out pages and, where they differ, moves the calling line to the next page
(by splitting its paragraph there) and lays the document out again.

It also keeps hyphenation to two lines in a row. The styles limit it to words of six
letters or more (``hyphenate-limit-chars``) and to lines that would otherwise end
well short (``hyphenate-limit-zone``); WeasyPrint has no ``hyphenate-limit-lines``,
so where a paragraph still ends three lines in a row with a hyphen, the build keeps
the third line's word whole and lays the document out again.
"""

import hashlib
import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from xml.etree import ElementTree

import weasyprint
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from weasyprint.formatting_structure import boxes

logger = logging.getLogger(__name__)

PRINT_DIR = Path(__file__).resolve().parent / "print"
TEMPLATE = "printing/issue.html"
#: PDF/UA-1: a tagged PDF with a language and a title shown in the viewer's title bar.
PDF_VARIANT = "pdf/ua-1"
#: Layout passes before giving up, plus one per five notes. Each pass corrects the
#: first misplaced note only (moving lines shifts everything after them); one or
#: two extra passes are usual for a brief, up to nine seen in a 25-page article.
MAX_PASSES = 10


class FootnotePlacementError(Exception):
    """A footnote still lands on another page than its call after every pass."""


@dataclass(frozen=True)
class PdfBuild:
    data: bytes
    pages: int
    #: Layout passes used: 1 when every note landed with its call at once.
    passes: int
    seconds: float
    #: ``{number: (call page, note page)}``, pages counted from 1.
    placements: dict
    #: Characters the shipped fonts lack: they print in a system font, or as a box.
    missing_glyphs: tuple = ()
    #: ``{page: lines}``: the empty space between the text and the notes of each page
    #: with notes, in lines of text, beyond the notes' own top margin.
    note_gaps: dict = None
    #: The longest run of lines ending in a hyphenation hyphen, in one paragraph.
    longest_hyphen_run: int = 0


def css_string(value):
    """``value`` as a quoted CSS string that cannot end the string or the style element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 else c for c in str(value).replace("\n", " "))
    return mark_safe(f'"{escaped}"')


@lru_cache(maxsize=1)
def stylesheet():
    return mark_safe((PRINT_DIR / "issue.css").read_text())


#: The code that turns an issue document into a PDF, besides the template and styles.
LAYOUT_CODE = ("printing.pdf", "briefs.footnotes", "briefs.document")


@lru_cache(maxsize=1)
def layout_version():
    """A digest of what shapes the PDF besides the issue.

    The template, the styles, the fonts, the code that formats and lays out
    (:data:`LAYOUT_CODE`) and the versions of WeasyPrint, its PDF and CSS
    libraries and Pango: a deployment that changes any of them makes every
    stored PDF out of date.
    """
    import cssselect2
    import pydyf
    import tinycss2
    from weasyprint.text.ffi import pango

    engines = f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__} tinycss2 {tinycss2.__version__} "
    engines += f"cssselect2 {cssselect2.__version__} pango {pango.pango_version()}"
    digest = hashlib.sha256(engines.encode())
    template_path = Path(get_template(TEMPLATE).origin.name)
    code = [Path(import_module(name).__file__) for name in LAYOUT_CODE]
    for path in [template_path, PRINT_DIR / "issue.css", *code, *sorted((PRINT_DIR / "fonts").glob("*.ttf"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_version(document):
    """The content version of ``document``'s PDF: a new one whenever anything shown changes."""
    return hashlib.sha256(f"{document.version}:{layout_version()}".encode()).hexdigest()


#: Control and separator characters that have no glyph and no place in print.
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_TAG_RE = re.compile(r"<[^>]*>")


@lru_cache(maxsize=1)
def printable_characters():
    """The characters every shipped font has a glyph for."""
    from fontTools.ttLib import TTFont

    cmaps = [set(TTFont(path, lazy=True).getBestCmap()) for path in (PRINT_DIR / "fonts").glob("*.ttf")]
    return frozenset(chr(code) for code in set.intersection(*cmaps))


def missing_glyphs(html):
    """The characters of ``html``'s text that the shipped fonts cannot print, in order of first use."""
    from html import unescape

    printable = printable_characters()
    text = unescape(_TAG_RE.sub(" ", html.split("<body>", 1)[-1]))
    return tuple(dict.fromkeys(c for c in text if c not in printable and not c.isspace()))


def print_html(document, *, draft=False):
    """The print template filled with ``document``; notes sit at their calls."""
    running_head = f"{document.series_name} · No. {document.number} · {document.short_title}"
    return _UNPRINTABLE_RE.sub(
        "",
        get_template(TEMPLATE).render(
            {
                "doc": document,
                "texts": document.texts("print"),
                "draft": draft,
                "stylesheet": stylesheet(),
                "running_head": css_string(running_head),
            }
        ),
    )


def _walk(box, ancestors=()):
    yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from _walk(child, (*ancestors, box))


def _anchor_pages(rendered):
    """``{id: page index}`` for every element with an id, from the laid-out pages."""
    pages = {}
    for index, page in enumerate(rendered.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index)
    return pages


def footnote_placements(rendered):
    """``{number: (call page, note page)}`` (from 1) for every footnote of a laid-out document."""
    pages = _anchor_pages(rendered)
    placements = {}
    for anchor, call_page in pages.items():
        if anchor.startswith("call-"):
            number = int(anchor[len("call-") :])
            note_page = pages.get(f"note-{number}")
            placements[number] = (call_page + 1, None if note_page is None else note_page + 1)
    return placements


def _first_text_box(line):
    return next((box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()), None)


def _top_level_child(block, element):
    """The child of ``block`` that is or contains ``element``."""
    for child in block:
        if child is element or any(descendant is element for descendant in child.iter()):
            return child
    return None


def _line_text(line):
    return "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox)).replace("\u2010", "")


def _line_offset(rendered, page_index, block, line):
    """About how many characters of ``block``'s text come before ``line``."""
    offset = 0
    for page in rendered.pages[: page_index + 1]:
        for box, ancestors in _walk(page._page_box):
            if box is line:
                return offset
            if isinstance(box, boxes.LineBox) and ancestors and ancestors[-1].element is block:
                offset += len(_line_text(box))
    return offset


def _text_before(block, index, offset):
    """How many characters of ``block``'s text precede ``offset`` in segment ``index``."""
    children = list(block)
    before = len(block.text or "")
    for child in children[: index + 1]:
        before += len("".join(child.itertext()))
    for child in children[:index]:
        before += len(child.tail or "")
    return (0 if index == -1 else before) + offset


def _split_point(block, line, line_offset):
    """Where in ``block`` ``line`` starts: ``(child index, offset)``.

    ``child index`` -1 means the block's own leading text, else the tail of that
    child; ``offset`` is a position in that text, or None for "before the next
    child". Only the block's own text is split; a line that starts inside an
    inline element (a link, italics) is moved with that whole element.
    ``line_offset`` (see :func:`_line_offset`) picks among repeated words.
    """
    children = list(block)
    first = _first_text_box(line)
    if first is not None and first.element is not block:
        owner = _top_level_child(block, first.element)
        if owner is not None:
            return children.index(owner) - 1, None
    words = (first.text if first is not None else "").split()[:8]
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word.rstrip("\u2010-")) for word in words))
    candidates = [
        (abs(_text_before(block, index, match.start()) - line_offset), index, match.start(), text)
        for index in range(-1, len(children))
        for text in [block.text if index == -1 else children[index].tail]
        for match in pattern.finditer(text or "")
    ]
    if not candidates:
        return None
    _distance, index, offset, text = min(candidates, key=lambda c: c[0])
    while offset > 0 and (text[offset - 1].isalnum() or text[offset - 1] in "-\u2010"):
        offset -= 1  # a hyphenated word moves whole
    return index, offset


def _split_block(block, parent, index, offset):
    """Split ``block`` in two at ``(index, offset)``; the second part starts a page."""
    children = list(block)
    second = ElementTree.Element(block.tag, {k: v for k, v in block.attrib.items() if k != "id"})
    if index == -1:
        if offset is None:
            moved_text, block.text, moved = "", block.text, children
        else:
            moved_text, block.text, moved = block.text[offset:], block.text[:offset], children
    else:
        tail = children[index].tail or ""
        cut = len(tail) if offset is None else offset
        moved_text, children[index].tail, moved = tail[cut:], tail[:cut], children[index + 1 :]
    second.text = moved_text.lstrip()
    # The first part ends where its last line did: no trailing space to justify.
    if index == -1:
        block.text = (block.text or "").rstrip()
    else:
        children[index].tail = (children[index].tail or "").rstrip()
    for child in moved:
        block.remove(child)
        second.append(child)
    second.tail, block.tail = block.tail, None
    parent.insert(list(parent).index(block) + 1, second)
    block.set("style", f"{block.get('style', '')}; margin-bottom: 0; text-align-last: justify")
    second.set("style", f"{second.get('style', '')}; break-before: page; text-indent: 0")


def _parents(root):
    return {child: parent for parent in root.iter() for child in parent}


def _is_body_line(box, ancestors):
    """A line of the page's text: not in a margin box (running head) nor in a footnote."""
    return isinstance(box, boxes.LineBox) and not any(
        isinstance(a, boxes.MarginBox) or (a.element is not None and a.element.get("class") == "footnote")
        for a in (*ancestors, box)
    )


def _note_height(rendered, number):
    for page in rendered.pages:
        for box, _ancestors in _walk(page._page_box):
            if box.element is not None and box.element.get("id") == f"note-{number}" and box.element_tag == "span":
                return box.margin_height()
    return 0


def _footnote_area(page_box):
    return next((child for child in page_box.children if isinstance(child, boxes.FootnoteAreaBox)), None)


def _notes_top(page_box):
    """Where the page's notes begin (the top of the footnote area's margin), or None if it has none."""
    area = _footnote_area(page_box)
    return area.position_y if area is not None and area.children else None


def _area_decoration(page_box):
    """The height an empty footnote area takes once it holds a note: margins, rule, padding."""
    area = _footnote_area(page_box)
    if area is None:
        return 0
    return (
        area.margin_top
        + area.border_top_width
        + area.padding_top
        + area.padding_bottom
        + area.border_bottom_width
        + area.margin_bottom
    )


def _line_bottom(line):
    return line.position_y + line.margin_height()


def _body_lines(page_box):
    return [(box, ancestors) for box, ancestors in _walk(page_box) if _is_body_line(box, ancestors)]


def _make_room_for_note(html, rendered, number, page_index):
    """Move the last lines of the call's page to the next page, just enough for note ``number``.

    WeasyPrint pushes a note to the next page when a line further down its call's
    page needs the room (to honour ``orphans`` and ``widows``). Ending that page
    earlier leaves the note room beside its call; if the lines moved include the
    call, note and call move together. Only as many lines move as the note needs
    beyond the page's empty space, so no gap opens above the notes. Returns False
    if nothing can be moved.
    """
    page_box = rendered.pages[page_index]._page_box
    lines = _body_lines(page_box)
    if len(lines) < 2:
        return False
    notes_top = _notes_top(page_box)
    if notes_top is None:
        notes_top = page_box.content_box_y() + page_box.height - _area_decoration(page_box)
    # The text must end this far up for the note to fit below it.
    limit = notes_top - _note_height(rendered, number)
    index = len(lines) - 1  # at least the last line moves
    while index > 1 and _line_bottom(lines[index - 1][0]) > limit:
        index -= 1
    line, ancestors = lines[index]
    block = ancestors[-1].element
    parent = _parents(html.etree_element).get(block)
    point = (
        _split_point(block, line, _line_offset(rendered, page_index, block, line))
        if block.tag == "p" and parent is not None
        else None
    )
    if point is None:
        # Not a paragraph, or its line could not be found: the whole block moves.
        block.set("style", f"{block.get('style', '')}; break-before: page")
    else:
        _split_block(block, parent, *point)
    return True


def note_gaps(rendered):
    """``{page: lines}`` (pages from 1): the space left between the text and the notes, in lines.

    Counted from the last line of text to the top of the notes' margin (the
    ``@footnote`` margin is the designed space, not a gap), in lines of the text's
    line height.
    """
    gaps = {}
    for index, page in enumerate(rendered.pages):
        page_box = page._page_box
        top = _notes_top(page_box)
        lines = _body_lines(page_box)
        if top is None or not lines:
            continue
        line_height = lines[-1][0].margin_height() or 1
        gaps[index + 1] = round(max(0, top - max(_line_bottom(line) for line, _a in lines)) / line_height, 2)
    return gaps


#: The hyphen WeasyPrint adds where it hyphenates (``hyphenate-character``'s default).
HYPHENATION_HYPHEN = "\u2010"
#: At most this many lines in a row end in a hyphenation hyphen.
MAX_HYPHENATED_LINES = 2
_WORD_END_RE = re.compile(r"(\S+)$")
_WORD_START_RE = re.compile(r"^(\S+)")


def hyphen_runs(rendered):
    """Runs of consecutive lines of one block that end hyphenated: lists of ``(line, block element)``.

    A paragraph broken across pages counts as one: its lines are consecutive.
    """
    runs, run, previous_block = [], [], None
    for page in rendered.pages:
        for line, ancestors in _body_lines(page._page_box):
            block = ancestors[-1].element
            hyphenated = _raw_line_text(line).rstrip().endswith(HYPHENATION_HYPHEN)
            if run and (not hyphenated or block is not previous_block):
                runs.append(run)
                run = []
            if hyphenated:
                run.append((line, block))
            previous_block = block
    if run:
        runs.append(run)
    return runs


def _raw_line_text(line):
    return "".join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox))


def _next_line(rendered, line):
    """The body line after ``line``, on the same page or the next."""
    found = False
    for page in rendered.pages:
        for box, _ancestors in _body_lines(page._page_box):
            if found:
                return box
            found = box is line
    return None


def _keep_whole(block, word):
    """Wrap each occurrence of ``word`` in ``block``'s own text in a span that is not hyphenated.

    The text of notes (``float: footnote`` spans) is left alone. Returns how many
    occurrences were wrapped.
    """
    pattern = re.compile(rf"(?<![\w\u00ad-]){re.escape(word)}(?![\w\u00ad])")
    wrapped = 0

    def span(text):
        element = ElementTree.Element("span", {"class": "nohyphen"})
        element.text = text
        return element

    def visit(element):
        nonlocal wrapped
        if element.get("class") in ("footnote", "nohyphen"):
            return
        # The element's leading text.
        match = pattern.search(element.text or "")
        if match:
            text = element.text
            element.text = text[: match.start()]
            new = span(match.group())
            new.tail = text[match.end() :]
            element.insert(0, new)
            wrapped += 1
        for child in list(element):
            if child.get("class") != "nohyphen":
                visit(child)
            match = pattern.search(child.tail or "")
            if match:
                tail = child.tail
                child.tail = tail[: match.start()]
                new = span(match.group())
                new.tail = tail[match.end() :]
                element.insert(list(element).index(child) + 1, new)
                wrapped += 1

    visit(block)
    return wrapped


#: A word of the text: letters (any script), digits and the soft hyphen.
_WORD_RE = re.compile(r"[^\W\d_][\w\u00ad]*")


def _keep_names_whole(root):
    """Keep whole every capitalised word of the text's running prose that hyphenation could break.

    Names and places are not hyphenated in print (the dictionaries break them badly:
    “Kaza-khstan”, “Bay-darov”, “Uzbek-istan”), nor is a word that opens a sentence. Only
    words as long as ``hyphenate-limit-chars`` lets hyphenation touch (6 letters) are
    wrapped, in ``.nohyphen`` spans; the notes (``float: footnote`` spans) are left alone,
    as they are not hyphenated. Returns how many words were wrapped.
    """
    wrapped = 0

    def split(text):
        """``text`` as (plain text, [(name, text after it), …])."""
        pieces, last, head = [], 0, None
        for match in _WORD_RE.finditer(text or ""):
            word = match.group()
            if len(word.replace("\u00ad", "")) < 6 or not word[0].isupper():
                continue
            if head is None:
                head = text[: match.start()]
            else:
                pieces[-1][1] = text[last : match.start()]
            pieces.append([word, ""])
            last = match.end()
        if head is None:
            return text, []
        pieces[-1][1] = text[last:]
        return head, pieces

    def span(word, tail):
        element = ElementTree.Element("span", {"class": "nohyphen"})
        element.text, element.tail = word, tail
        return element

    def visit(element):
        nonlocal wrapped
        if element.get("class") in ("footnote", "nohyphen"):
            return
        head, pieces = split(element.text)
        if pieces:
            element.text = head
            for position, (word, tail) in enumerate(pieces):
                element.insert(position, span(word, tail))
            wrapped += len(pieces)
        for child in list(element):
            visit(child)
            head, pieces = split(child.tail)
            if pieces:
                child.tail = head
                at = list(element).index(child) + 1
                for position, (word, tail) in enumerate(pieces):
                    element.insert(at + position, span(word, tail))
                wrapped += len(pieces)

    # The articles are found first: the tree is not changed while it is being walked.
    for text in [e for e in root.iter("article") if "text" in (e.get("class") or "").split()]:
        visit(text)
    return wrapped


def _break_hyphen_runs(rendered, runs):
    """Keep whole the word hyphenated at the end of the line after the second of each long run.

    One run per block: the lines after the change are laid out anew. Returns how
    many words were kept whole.
    """
    fixed, blocks = 0, set()
    for run in runs:
        line, block = run[MAX_HYPHENATED_LINES]
        if id(block) in blocks:
            continue
        following = _next_line(rendered, line)
        head = _WORD_END_RE.search(_raw_line_text(line).rstrip()[: -len(HYPHENATION_HYPHEN)])
        tail = _WORD_START_RE.search(_raw_line_text(following).lstrip()) if following is not None else None
        if head is None or tail is None:
            continue
        word = re.sub(r"[^\w\u00ad-]+$", "", re.sub(r"^[^\w]+", "", head.group(1) + tail.group(1)))
        if word and _keep_whole(block, word):
            blocks.add(id(block))
            fixed += 1
    return fixed


def build_pdf(document, *, draft=False, strict=True):
    """Lay ``document`` out as the printed brief; returns a :class:`PdfBuild`.

    If a note cannot be brought onto its call's page, raises
    :class:`FootnotePlacementError`; unless ``strict`` is off (a staff preview),
    when the PDF is made as it stands and the problem is logged.
    """
    started = time.perf_counter()
    source = print_html(document, draft=draft)
    html = weasyprint.HTML(string=source, base_url=str(PRINT_DIR) + "/")
    _keep_names_whole(html.etree_element)
    max_passes = MAX_PASSES + len(document.notes) // 5
    for passes in range(1, max_passes + 1):
        rendered = html.render(pdf_variant=PDF_VARIANT)
        runs = [run for run in hyphen_runs(rendered) if len(run) > MAX_HYPHENATED_LINES]
        if runs and passes < max_passes and _break_hyphen_runs(rendered, runs):
            logger.info("PDF of %s: %d runs of hyphenated lines; laying out again", document.subject, len(runs))
            continue
        placements = footnote_placements(rendered)
        misplaced = {n: pages for n, pages in placements.items() if pages[0] != pages[1]}
        if not misplaced:
            break
        logger.info("PDF of %s: notes %s left their calls' pages; laying out again", document.subject, misplaced)
        # One note per pass: moving a line shifts everything after it.
        number, (call_page, _) = min(misplaced.items())
        moved = _make_room_for_note(html, rendered, number, call_page - 1)
        if not moved or passes == max_passes:
            problem = (
                f"{document.subject}: footnotes {sorted(misplaced)} could not be placed on the page that cites them"
            )
            if strict:
                raise FootnotePlacementError(problem)
            logger.warning(problem)
            break
    rendered.metadata.modified = None
    # WeasyPrint writes <title> and the author, description, keywords, generator and
    # dcterms.created/modified <meta> into the PDF's metadata; any other <meta> name only with
    # custom_metadata, as an entry of the document information named after it: the template's
    # <meta name="doi"> becomes /doi, as many publishers' PDFs carry it (DOI finders such as
    # pdf2doi read the document information's values).
    data = rendered.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)
    return PdfBuild(
        data=data,
        pages=len(rendered.pages),
        passes=passes,
        seconds=time.perf_counter() - started,
        placements=placements,
        missing_glyphs=missing_glyphs(source),
        note_gaps=note_gaps(rendered),
        longest_hyphen_run=max((len(run) for run in hyphen_runs(rendered)), default=0),
    )
