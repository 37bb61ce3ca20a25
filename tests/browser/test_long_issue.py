"""A long issue in Chromium: its rows' editors are made as they come into view, and what is typed is saved."""

import time

import pytest

from briefs.models import Footnote, Issue
from editorial.admin import LAZY_EDITORS_FROM_ROWS
from tests.conftest import make_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_far_notes_editor_is_made_when_scrolled_to_and_its_edit_is_saved(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    issue = make_interview(questions=20, footnotes=LAZY_EDITORS_FROM_ROWS, status=Issue.Status.DRAFT, public_from=None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    started = time.perf_counter()
    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    page.locator("#questions-0 .field-answer .ProseMirror[contenteditable=true]").wait_for()
    print(f"first editors ready {time.perf_counter() - started:.2f} s after the address was opened")
    last = page.locator("#footnotes-group .inline-related:not(.empty-form)").last
    assert last.locator(".ProseMirror").count() == 0  # far below: not made yet, its text in its textarea
    assert not last.locator("textarea").is_visible()  # and its markup not shown
    last.scroll_into_view_if_needed()
    editor = last.locator(".field-text .ProseMirror[contenteditable=true]")
    editor.wait_for()
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Checked again.")
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    assert Footnote.objects.filter(issue=issue, text__contains="Checked again.").count() == 1
    assert Footnote.objects.filter(issue=issue).count() == LAZY_EDITORS_FROM_ROWS
    assert console == []
