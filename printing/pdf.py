"""The printed brief: an issue document laid out as an A4 PDF with WeasyPrint.

:func:`build_pdf` lays the print template out and checks that every footnote
landed on the page of its call. WeasyPrint 70 can put a note on the page *after*
its call when the call falls in the last lines of a page (upstream issues #2502
and #1564), so the build reads each call's page and each note's page from the
laid-out pages and, where they differ, moves the calling line to the next page
(by splitting its paragraph there) and lays the document out again.
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


def _make_room_for_note(html, rendered, number, page_index):
    """Move the last lines of the call's page to the next page, enough for note ``number``.

    WeasyPrint pushes a note to the next page when a line further down its call's
    page needs the room (to honour ``orphans`` and ``widows``). Ending that page
    earlier leaves the note room beside its call; if the lines moved include the
    call, note and call move together. Returns False if nothing can be moved.
    """
    page = rendered.pages[page_index]
    lines = [(box, ancestors) for box, ancestors in _walk(page._page_box) if _is_body_line(box, ancestors)]
    if len(lines) < 2:
        return False
    # The note's height, and the footnote area's rule and spacing if it was empty.
    needed = _note_height(rendered, number) + 20
    freed, index = 0, len(lines)
    while index > 1 and freed < needed:
        index -= 1
        freed += lines[index][0].margin_height()
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


def build_pdf(document, *, draft=False, strict=True):
    """Lay ``document`` out as the printed brief; returns a :class:`PdfBuild`.

    If a note cannot be brought onto its call's page, raises
    :class:`FootnotePlacementError`; unless ``strict`` is off (a staff preview),
    when the PDF is made as it stands and the problem is logged.
    """
    started = time.perf_counter()
    source = print_html(document, draft=draft)
    html = weasyprint.HTML(string=source, base_url=str(PRINT_DIR) + "/")
    max_passes = MAX_PASSES + len(document.notes) // 5
    for passes in range(1, max_passes + 1):
        rendered = html.render(pdf_variant=PDF_VARIANT)
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
    data = rendered.write_pdf(pdf_variant=PDF_VARIANT)
    return PdfBuild(
        data=data,
        pages=len(rendered.pages),
        passes=passes,
        seconds=time.perf_counter() - started,
        placements=placements,
        missing_glyphs=missing_glyphs(source),
    )
