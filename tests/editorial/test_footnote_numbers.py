"""The footnote numbers the issue form shows before saving, and its rows in reading order.

The editor (static/briefs/prose/footnote.js) posts the form as typed to
``admin:briefs_issue_footnote_numbers`` and shows each marker as the number it
gets back; the rows under Footnotes are titled and listed by those numbers. The
numbers must be the ones the issue page will show: the server's own rule.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from briefs.document import issue_document
from briefs.models import Footnote, Issue, Question
from tests.conftest import make_interview, make_series
from tests.editorial.test_admin_forms import ADD_ISSUE, field_errors, interview_rows, issue_post, people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
NUMBERS = reverse("admin:briefs_issue_footnote_numbers")


def numbers(client, data):
    response = client.post(NUMBERS, data)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["numbers"]


def tricky_form(series, people):
    """An interview whose markers are in every text, in links, repeated, and in mixed case."""
    return issue_post(
        series,
        introduction='<p>See <a href="https://example.org">the report[^Report]</a> and [^ctx].</p>',
        body="",
        contributions=interview_rows(people),
        questions=[
            # Saved as question 2: its order says so, though it comes first in the form.
            {"sort_order": "2", "question": "<p>Later?</p>", "answer": "<p>Yes[^late] and [^REPORT] again.</p>"},
            {"sort_order": "1", "question": "<p>First[^q1]?</p>", "answer": "<p>No[^ctx].</p>"},
        ],
        footnotes=[
            {"label": "late", "text": "<p>Late.</p>"},
            {"label": "ctx", "text": "<p>Context.</p>"},
            {"label": "report", "text": "<p>The report.</p>"},
            {"label": "q1", "text": "<p>In the question.</p>"},
        ],
    )


def test_the_numbers_are_those_of_the_issue_page_once_the_same_form_is_saved(editor_client, people):
    data = tricky_form(make_series(), people)
    shown = numbers(editor_client, data)

    saved = editor_client.post(ADD_ISSUE, data)
    assert saved.status_code == 302, field_errors(saved)
    web = issue_document(Issue.objects.get()).texts("web")
    assert shown == {note.label: note.number for note in web.notes}
    # Reading order: the introduction (a marker in a link counts, upper case is the same note),
    # then question 1 by its order, its answer, then question 2's answer.
    assert shown == {"report": 1, "ctx": 2, "q1": 3, "late": 4}


def test_only_the_rows_and_questions_that_would_be_saved_count(editor_client, people):
    data = tricky_form(make_series(), people)
    data["questions-1-DELETE"] = "on"  # question 1 (with [^q1]) is deleted
    data["footnotes-0-DELETE"] = "on"  # the note “late” is deleted: its marker names no note
    data["introduction"] = "<p>Nothing cited here; [^typo] names no note.</p>"
    assert numbers(editor_client, data) == {"report": 1}


def test_a_form_with_nothing_cited_or_garbled_rows_gets_no_numbers_and_no_error(editor_client):
    data = {"introduction": "<p>[^1]</p>", "questions-999999-answer": "<p>[^x]</p>", "questions-abc-answer": "[^y]"}
    data |= {"footnotes-0-label": "X", "questions-999999-sort_order": "not a number", "footnotes-1-label": "  "}
    assert numbers(editor_client, data) == {"x": 1}
    assert numbers(editor_client, {}) == {}


def test_only_staff_who_may_edit_issues_get_numbers(client_in_role, editor_client):
    issue = make_interview(footnotes=1)
    form = {"issue": str(issue.pk), "introduction": "<p>[^n0]</p>", "footnotes-0-label": "n0"}
    assert numbers(editor_client, form) == {"n0": 1}
    assert numbers(client_in_role("Editor"), form) == {"n0": 1}
    assert client_in_role("Programme staff").post(NUMBERS, form).status_code == 403
    signed_out = Client().post(NUMBERS, form)
    assert signed_out.status_code == 302 and "/admin/login/" in signed_out["Location"]
    assert editor_client.post(NUMBERS, form | {"issue": "999999"}).status_code == 404
    assert editor_client.post(NUMBERS, form | {"issue": "1 OR 1=1"}).status_code == 404
    assert editor_client.get(NUMBERS).status_code == 405


def test_a_post_without_the_forms_csrf_token_is_refused(editor):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    assert browser.post(NUMBERS, {"introduction": "<p>[^a]</p>", "footnotes-0-label": "a"}).status_code == 403


def _row_titles(html):
    """``[(title, label)]`` of the Footnotes rows as listed, the empty template row left out."""
    group = html[html.index('id="footnotes-group"') :]
    rows = re.findall(
        r'<div class="inline-related[^"]*" id="footnotes-(\d+|empty)">\s*<h3><b class="fn-row-title">([^<]*)</b>\s*'
        r'<small class="fn-row-label">([^<]*)</small>',
        group,
    )
    return [(title, label) for row, title, label in rows if row != "empty"]


def test_an_opened_issue_lists_its_notes_in_reading_order_and_those_not_cited_last(editor_client):
    issue = make_interview(questions=2, footnotes=0, status=Issue.Status.DRAFT)
    for label in ["unused", "b", "a"]:  # added in this order: ids 1, 2, 3
        Footnote.objects.create(issue=issue, label=label, text=f"<p>{label}</p>")
    Question.objects.filter(issue=issue, sort_order=0).update(answer="<p>First [^a].</p>")
    Question.objects.filter(issue=issue, sort_order=1).update(answer="<p>Then [^b] and [^A].</p>")

    response = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk]))
    html = response.content.decode()
    assert _row_titles(html) == [("Note 1", "[^a]"), ("Note 2", "[^b]"), ("Not cited yet", "[^unused]")]
    # The editor's script starts from the same numbers, and knows where to ask for new ones.
    group = re.search(r'<div class="js-inline-admin-formset[^>]*id="footnotes-group"[^>]*>', html).group(0)
    assert json.loads(re.search(r'data-numbers="([^"]*)"', group).group(1).replace("&quot;", '"')) == {"a": 1, "b": 2}
    assert f'data-numbers-url="{NUMBERS}"' in group and f'data-issue="{issue.pk}"' in group
