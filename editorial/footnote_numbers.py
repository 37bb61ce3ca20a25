"""The footnote numbers readers will see, for the issue form's editor before anything is saved.

The prose editor shows each marker ``[^label]`` as the number the issue page will
give it, and the Footnotes rows are titled and listed in that order. The numbers
come from the server's own rule (:func:`briefs.document.footnote_numbers`) applied
to the form as typed: the editor posts the whole form, unsaved, and gets back
``{label: number}``. This module reads that form as the admin's save would.
"""

import re

from django import forms

from briefs.document import footnote_numbers
from briefs.footnotes import normalise_label
from briefs.reading import reading_order

_QUESTION_FIELD = re.compile(r"^questions-(\d{1,6})-(question|answer)$")
_LABEL_FIELD = re.compile(r"^footnotes-(\d{1,6})-label$")
_checkbox = forms.CheckboxInput()


def _deleted(data, name):
    return _checkbox.value_from_datadict(data, {}, name)


def _order(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def posted_questions(data):
    """``(question, answer)`` pairs of the posted question rows, in the order a save gives them.

    As ``editorial.forms._live_forms``: rows marked for deletion are left out, a row's
    "order" decides, and rows without one follow in the order they appear.
    """
    indexes = {int(m.group(1)) for m in map(_QUESTION_FIELD.match, data.keys()) if m}
    rows = []
    for index in indexes:
        if _deleted(data, f"questions-{index}-DELETE"):
            continue
        order = _order(data.get(f"questions-{index}-sort_order"))
        pair = (data.get(f"questions-{index}-question", ""), data.get(f"questions-{index}-answer", ""))
        rows.append(((order is None, order or 0, index), pair))
    return [pair for _key, pair in sorted(rows)]


def posted_labels(data):
    """The normalised labels of the posted footnote rows not marked for deletion."""
    labels = []
    for match in map(_LABEL_FIELD.match, data.keys()):
        if match and not _deleted(data, f"footnotes-{match.group(1)}-DELETE"):
            label = normalise_label(data.get(match.group(0), ""))
            if label:
                labels.append(label)
    return labels


def numbers_for_posted_form(data):
    """``{label: number}`` for the issue form's posted ``data`` (a QueryDict), as the issue page will number them."""
    passages = reading_order(
        introduction=data.get("introduction", ""), questions=posted_questions(data), body=data.get("body", "")
    )
    return footnote_numbers(passages, posted_labels(data))
