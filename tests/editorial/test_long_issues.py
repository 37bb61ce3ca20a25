"""An issue with hundreds of questions and notes opens and saves in the admin (issue 17, item 6)."""

import time

import lxml.html
import pytest
from django.urls import reverse

from briefs.models import Footnote, Issue, Question
from editorial.admin import LAZY_EDITORS_FROM_ROWS
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db


def _long_interview(questions=200, notes=500):
    issue = make_interview(questions=questions, footnotes=notes, status=Issue.Status.DRAFT, public_from=None)
    return issue


def _form_values(response):
    form = lxml.html.fromstring(response.content).get_element_by_id("issue_form")
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def test_an_issue_with_500_notes_and_200_questions_opens_and_saves_with_nothing_lost(editor_client):
    issue = _long_interview()
    url = reverse("admin:briefs_issue_change", args=[issue.pk])
    started = time.perf_counter()
    response = editor_client.get(url)
    opened = time.perf_counter() - started
    assert response.status_code == 200
    data = _form_values(response)
    assert len(data) > 3000  # over Django's default limit of 1,000 fields, which refused this save (400)
    data["questions-0-answer"] = ["<p>Answer 0, corrected.[^n0][^n200][^n400]</p>"]
    data["_continue"] = ["Save and continue editing"]
    started = time.perf_counter()
    response = editor_client.post(url, data)
    saved = time.perf_counter() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Question.objects.filter(issue=issue, answer__startswith="<p>Answer 0, corrected.").count() == 1
    assert Question.objects.filter(issue=issue).count() == 200
    assert Footnote.objects.filter(issue=issue).count() == 500
    print(f"opened in {opened:.2f} s, saved in {saved:.2f} s (test settings)")
    # The server's part of the issue's goal (under 2 s each; 0.74 s and 0.59 s here, 1.9 s and 0.93 s before
    # the plain renderer and the one-pass row reading). Chromium's part: scripts/bench_long_issue.py.
    assert opened < 2 and saved < 2


def test_a_long_issues_row_editors_are_made_as_they_come_into_view_with_their_configuration_said_once(
    editor_client,
):
    issue = _long_interview(questions=20, notes=LAZY_EDITORS_FROM_ROWS)
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()
    assert html.count('data-django-prose-editor-lazy=""') == 20 * 2 + LAZY_EDITORS_FROM_ROWS + 2  # + biographies
    assert html.count('data-django-prose-editor-lazy="{') == 4  # the template rows: question, answer, note, bio
    assert "briefs/prose/lazy" in html
    # Its contributor, question and note rows are laid out only as they come near the window (static/admin/css/issue-form.css).
    assert 'id="questions-group"' in html and html.count(" long-issue-rows") == 3
    # The issue's own texts are made at once.
    assert 'name="introduction"' in html and html.count("data-django-prose-editor-configurable") >= 2


def test_a_short_issue_makes_every_editor_at_once(editor_client):
    issue = _long_interview(questions=10, notes=LAZY_EDITORS_FROM_ROWS - 11)
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()
    assert "data-django-prose-editor-lazy" not in html
    assert "long-issue-rows" not in html


def test_a_long_issues_answered_by_is_a_plain_list_of_its_interviewees(editor_client):
    issue = _long_interview(questions=20, notes=LAZY_EDITORS_FROM_ROWS)
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()
    select = html[html.index('name="questions-0-speaker"') :]
    select = select[: select.index("</select>")]
    interviewee = issue.contributions.get(role="interviewee").person
    assert "admin-autocomplete" not in select
    assert f'<option value="{interviewee.pk}">' in select
    assert select.count("<option") == 2  # the empty choice and the one interviewee


def test_a_long_issues_page_asks_the_same_number_of_queries_however_many_questions_it_has(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for questions in (20, 60):
        issue = _long_interview(questions=questions, notes=LAZY_EDITORS_FROM_ROWS)
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts  # “Answered by” read its choices once per row
