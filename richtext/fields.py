"""Rich text: what editors may type, and the one sanitiser that enforces it.

The prose editor's toolbar and the server-side allowlist are built from the same
extension sets, so what an editor can make is exactly what survives cleaning.
Text is cleaned when a form saves it *and* again when a page renders it, so
content that reached the database another way (shell, fixtures, an import)
cannot carry markup a reader should never get.
"""

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.fields import ProseEditorField, create_sanitizer

_LINK = {"enableTarget": False, "protocols": ["http", "https", "mailto"]}

#: Long-form text: introductions, answers, bodies, about sections, biographies.
PROSE = {
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Link": _LINK,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    # The page title is h1 and the page's sections are h2; body text may
    # open sub-sections below those.
    "Heading": {"levels": [3, 4]},
}

#: Short text: questions and footnotes (italic titles, links to sources).
NOTE = {
    "Bold": True,
    "Italic": True,
    "Subscript": True,
    "Superscript": True,
    "Link": _LINK,
    "HardBreak": True,
}

_EXTENSION_SETS = {"prose": PROSE, "note": NOTE}


@cache
def _cleaner(kind):
    return create_sanitizer(_EXTENSION_SETS[kind])


def sanitize(html, kind="prose"):
    """Return ``html`` reduced to what the ``kind`` of editor allows, marked safe."""
    if not html:
        return SafeString("")
    return mark_safe(_cleaner(kind)(html))


def RichTextField(verbose_name=None, *, kind="prose", buttons=None, **kwargs):
    """A model field edited with the prose editor and cleaned when a form saves it.

    ``buttons``: extra extensions that only add toolbar buttons typing plain text
    (e.g. ``{"FootnoteMarker": True}``), so what the field allows stays ``kind``'s.
    """
    extensions = _EXTENSION_SETS[kind] | (buttons or {})
    return ProseEditorField(verbose_name, extensions=extensions, sanitize=True, **kwargs)
