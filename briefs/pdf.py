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
from pathlib import Path
from xml.etree import ElementTree

import weasyprint
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from weasyprint.formatting_structure import boxes

logger = logging.getLogger(__name__)

PRINT_DIR = Path(__file__).resolve().parent / "print"
TEMPLATE = "briefs/print/issue.html"
#: PDF/UA-1: a tagged PDF with a language and a title shown in the viewer's title bar.
PDF_VARIANT = "pdf/ua-1"
#: Layout passes before giving up. Each pass moves the first misplaced call only
#: (moving a line shifts everything after it), so this bounds the number of notes
#: one build can correct; one extra pass is the usual case.
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


def css_string(value):
    """``value`` as a quoted CSS string that cannot end the string or the style element."""
    escaped = "".join(
        f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 else c for c in str(value).replace("\n", " ")
    )
    return mark_safe(f'"{escaped}"')


@lru_cache(maxsize=1)
def stylesheet():
    return mark_safe((PRINT_DIR / "issue.css").read_text())


@lru_cache(maxsize=1)
def layout_version():
    """A digest of what shapes the PDF besides the issue: template, styles, fonts, engine."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    template_path = Path(get_template(TEMPLATE).origin.name)
    for path in [template_path, PRINT_DIR / "issue.css", *sorted((PRINT_DIR / "fonts").glob("*.ttf"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_version(document):
    """The content version of ``document``'s PDF: a new one whenever anything shown changes."""
    return hashlib.sha256(f"{document.version}:{layout_version()}".encode()).hexdigest()


def print_html(document, *, draft=False):
    """The print template filled with ``document``; notes sit at their calls."""
    running_head = f"{document.series_name} · No. {document.number} · {document.short_title}"
    return get_template(TEMPLATE).render(
        {
            "doc": document,
            "texts": document.texts("print"),
            "draft": draft,
            "stylesheet": stylesheet(),
            "running_head": css_string(running_head),
        }
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


def _split_point(block, line, call):
    """Where in ``block`` the line holding the call starts: ``(child index, offset)``.

    ``child index`` -1 means the block's own leading text, else the tail of that
    child; ``offset`` is a position in that text, or None for "before the next
    child". Only the block's own text is split; a line that starts inside an
    inline element (a link, italics) is moved with that whole element.
    """
    children = list(block)
    call_child = _top_level_child(block, call)
    limit = children.index(call_child) if call_child is not None else len(children)
    first = _first_text_box(line)
    if first is not None and first.element is not block:
        owner = _top_level_child(block, first.element)
        if owner is not None:
            return children.index(owner) - 1, None
    words = (first.text if first is not None else "").split()[:4]
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(word.rstrip("\u2010-")) for word in words))
    found = None
    for index in range(-1, limit):
        text = block.text if index == -1 else children[index].tail
        for match in pattern.finditer(text or ""):
            found = (index, match.start(), text)
    if found is None:
        return None
    index, offset, text = found
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
    for child in moved:
        block.remove(child)
        second.append(child)
    second.tail, block.tail = block.tail, None
    parent.insert(list(parent).index(block) + 1, second)
    block.set("style", f"{block.get('style', '')}; margin-bottom: 0; text-align-last: justify")
    second.set("style", f"{second.get('style', '')}; break-before: page; text-indent: 0")


def _parents(root):
    return {child: parent for parent in root.iter() for child in parent}


def _move_call_to_next_page(html, rendered, number, page_index):
    """Make the line holding call ``number`` start the next page; False if it cannot."""
    page = rendered.pages[page_index]
    for box, ancestors in _walk(page._page_box):
        if box.element is not None and box.element.get("id") == f"call-{number}":
            call = box.element
            break
    else:
        return False
    lines = [i for i, ancestor in enumerate(ancestors) if isinstance(ancestor, boxes.LineBox)]
    if not lines or lines[0] == 0:
        return False
    line, block = ancestors[lines[0]], ancestors[lines[0] - 1].element
    parent = _parents(html.etree_element).get(block)
    point = _split_point(block, line, call) if block.tag == "p" and parent is not None else None
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
    html = weasyprint.HTML(string=print_html(document, draft=draft), base_url=str(PRINT_DIR) + "/")
    for passes in range(1, MAX_PASSES + 1):
        rendered = html.render(pdf_variant=PDF_VARIANT)
        placements = footnote_placements(rendered)
        misplaced = {n: pages for n, pages in placements.items() if pages[0] != pages[1]}
        if not misplaced:
            break
        logger.info("PDF of %s: notes %s left their calls' pages; laying out again", document.subject, misplaced)
        # One note per pass: moving a line shifts everything after it.
        number, (call_page, _) = min(misplaced.items())
        moved = _move_call_to_next_page(html, rendered, number, call_page - 1)
        if not moved or passes == MAX_PASSES:
            problem = f"{document.subject}: footnotes {sorted(misplaced)} could not be placed on the page that cites them"
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
    )
