"""The shared core of every import from a file (fellows from a spreadsheet, an issue from Word).

An import reads an upload, plans what it would do (the preview) and applies the
plan in one transaction. This package holds the parts every import shares, and
nothing here knows about briefs or people:

``from imports import ImportFileError, check_upload, text_problem``
    (:mod:`imports.files`) refuse a bad upload before it is parsed, and check one
    text value against a field's length and for control characters.

``from imports.previews import store_preview, load_preview, discard_preview, PREVIEW_VALID_FOR``
    (:mod:`imports.previews`) keep the preview on the server between the preview
    page and the confirmation, so the confirmation form carries only its id.
"""

from imports.files import ImportFileError, check_upload, text_problem

__all__ = ["ImportFileError", "check_upload", "text_problem"]
