"""Correcting published No. 6 in Chromium: the editor prepares it with the toolbar, the chief publishes it.

A public issue's edits go to its working copy (briefs.working_copies): the
form is the same as a draft's, with the prose editor and its footnote button,
and loads with no console error and no Content-Security-Policy violation.
"""

import os
import re

import pytest
from django.core.management import call_command

from briefs.models import Issue
from tests.browser.admin_helpers import insert_footnote, type_rich

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def no6(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return Issue.objects.get(series__slug="eucacis-in-brief", number=6)


def sign_in(browser, live_server, user):
    """A new browser window signed in as ``user``, recording console errors and CSP violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def open_issue(page, live_server, issue):
    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
    problems = page.problems + page.evaluate("window.__cspViolations")
    assert problems == [], problems
    # The footnote button is on every rich-text field's toolbar, as on a draft.
    assert page.locator("#questions-0 .field-answer button[title^='Insert a footnote']").count() == 1


def role_user(django_user_model, role, name):
    from django.contrib.auth.models import Group

    from editorial.roles import ensure_roles

    ensure_roles()
    user = django_user_model.objects.create_user(name, f"{name}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_an_editor_corrects_no_6_with_the_toolbar_and_the_chief_publishes_it_with_a_note(
    browser, live_server, django_user_model, no6
):
    editor = sign_in(browser, live_server, role_user(django_user_model, "Editor", "editor"))
    open_issue(editor, live_server, no6)
    assert "Your edits go to a working copy" in editor.locator(".workflow-box").inner_text()
    answer = "#questions-0 .field-answer"
    type_rich(editor, answer, " As of March 2019, the checkpoint was open daily")
    insert_footnote(editor, answer, "Ministry of Transport, notice of 1 March 2019.")
    editor.click("input[name=_continue]")
    editor.wait_for_url(re.compile(rf"/admin/briefs/issue/{no6.pk}/change/$"))
    assert "saved in the working copy" in editor.locator(".messagelist").inner_text()
    # Readers still see the published text; the editor may not publish.
    assert "checkpoint was open daily" not in Issue.objects.get(pk=no6.pk).questions.first().answer
    assert "Publish the prepared change" not in editor.locator(".workflow-box").inner_text()
    editor.screenshot(path=os.environ.get("SCREENSHOT_DIR", "/tmp") + "/no6-correction-editor.png", full_page=False)

    chief = sign_in(browser, live_server, role_user(django_user_model, "Editor-in-chief", "chief"))
    open_issue(chief, live_server, no6)
    assert "checkpoint was open daily" in chief.locator(f"{answer} .ProseMirror[contenteditable=true]").inner_text()
    chief.locator(".workflow-steps a", has_text="Publish the prepared change").click()
    chief.fill("textarea[name=comment]", "Answer 1 now says when the checkpoint reopened.")
    chief.click("input[type=submit][value='Publish the prepared change']")
    chief.wait_for_url(re.compile(rf"/admin/briefs/issue/{no6.pk}/change/$"))
    assert "Status now: Published." in chief.locator(".messagelist").inner_text()

    reader = chief.context.browser.new_page()
    reader.goto(f"{live_server.url}/series/eucacis-in-brief/6/")
    text = reader.locator("main").inner_text()
    assert "the checkpoint was open daily" in text
    assert "Ministry of Transport, notice of 1 March 2019." in text
    assert "Answer 1 now says when the checkpoint reopened." in text
