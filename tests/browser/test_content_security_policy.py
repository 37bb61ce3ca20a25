"""The Content-Security-Policy blocks nothing the site itself uses.

Chromium enforces the policy the site sends; each test records every violation
it reports (the ``securitypolicyviolation`` event, installed before any of the
page's own scripts run, and the console messages Chromium writes for them) and
fails if there is one.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_interview, make_person, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    """A function returning every violation the pages of this test reported so far.

    The console messages cover earlier pages too; the events, the current one.
    """
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(f"console: {m.text}"))
    return lambda: console + page.evaluate("window.__cspViolations")


def _report(found):
    return "The Content-Security-Policy blocked:\n" + "\n".join(f"- {v}" for v in found)


def test_editing_in_the_admin_with_the_prose_editor_breaks_no_policy(page, live_server, django_user_model, violations):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_person(given_name="Albina", family_name="Muratbekova")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/briefs/issue/add/")
    assert not violations(), _report(violations())  # e.g. the editor's import map refused

    editor = page.locator(".field-introduction .ProseMirror[contenteditable=true]")
    editor.click()
    editor.press_sequentially("Why trade ")
    page.locator(".field-introduction .prose-menubar__button[data-name=bold]").click()
    editor.press_sequentially("matters")
    assert editor.locator("strong").inner_text() == "matters", "the toolbar's Bold did not work"
    editor.press("Shift+Home")
    page.locator(".field-introduction .prose-menubar__button[data-name=link]").click()
    page.locator("dialog[open] input[name=href]").fill("https://example.org/trade")
    page.locator("dialog[open] button[type=submit]").click()
    assert editor.locator("a[href='https://example.org/trade']").count() == 1, "the toolbar's link dialog did not work"

    page.get_by_text("Add another Contributor").click()
    page.locator("#contributions-0 .field-person .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Muratbekova")
    page.locator(".select2-results__option", has_text="Muratbekova").click()
    page.select_option("#id_kind", "interview")  # a new series' first issue is an article until told
    page.get_by_text("Add another Question and answer").click()
    page.locator("#questions-0 .field-question .ProseMirror[contenteditable=true]").press_sequentially("How?")
    assert not violations(), _report(violations())


def test_a_public_issue_page_breaks_no_policy(page, live_server, violations):
    issue = make_interview(footnotes=2, title="Trade across the border")
    response = page.goto(f"{live_server.url}{issue.get_absolute_url()}")
    assert response.status == 200 and "default-src 'self'" in response.headers["content-security-policy"]
    page.locator("sup.fn-ref a").first.click()
    expect(page.locator("#fn-1")).to_have_class("is-current")  # the page's script ran
    assert not violations(), _report(violations())
