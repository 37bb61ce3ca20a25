"""The toolbar's “Insert a footnote” button (static/briefs/prose/footnote.js) and the marker rules.

The button types ``[^1]``, ``[^2]``… and names the new footnote row ``1``, ``2``…;
every rule of briefs/footnotes.py and the label's validator must accept exactly that.
The browser test (tests/browser/test_issue_form.py) clicks it.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from briefs.footnotes import LABEL_RE, MARKER_RE, find_markers, malformed_markers, normalise_label, number_footnotes
from briefs.models import Footnote

BUTTON_JS = Path(settings.BASE_DIR) / "static" / "briefs" / "prose" / "footnote.js"


@pytest.mark.parametrize("label", ["1", "2", "9", "10", "123"])
def test_every_marker_rule_accepts_what_the_button_inserts(label):
    html = f"<p>It grew by 40 percent[^{label}] in a year.</p>"
    assert find_markers(html) == [label]
    assert malformed_markers(html) == []
    assert LABEL_RE.match(label) and normalise_label(label) == label
    Footnote(label=label).clean_fields(exclude=["issue", "text"])  # the label field's validator
    numbering = number_footnotes([html], {label: "<p>Note.</p>"})
    assert [note.label for note in numbering.notes] == [label]


def test_the_button_finds_markers_as_the_server_does():
    # The button skips labels already used by a marker; its pattern is the server's.
    js = BUTTON_JS.read_text()
    pattern = re.search(r"const MARKER = /(.+)/g", js).group(1)
    assert pattern == MARKER_RE.pattern


@pytest.mark.django_db
def test_the_button_is_on_the_issue_texts_that_may_cite_a_note_and_nowhere_else(editor_client):
    html = editor_client.get(reverse("admin:briefs_issue_add")).content.decode()

    def modules(name):
        match = re.search(rf'name="{name}"[^>]*data-django-prose-editor-configurable="([^"]+)"', html)
        config = json.loads(match.group(1).replace("&quot;", '"'))
        return "FootnoteMarker" in config["extensions"], config["js_modules"]

    for name in ["introduction", "body", "questions-__prefix__-question", "questions-__prefix__-answer"]:
        enabled, js = modules(name)
        assert enabled and js == ["/static/briefs/prose/footnote.js"], name
    for name in ["footnotes-__prefix__-text", "contributions-__prefix__-printed_biography"]:
        assert modules(name) == (False, []), name
