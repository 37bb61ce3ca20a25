"""The issue page's “Cite this” block in Chromium: copied from the keyboard, within the policy."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from briefs.models import Issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citation_is_copied_with_the_keyboard_and_the_status_says_so(page, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    issue = Issue.objects.select_related("series").get(number=6)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    blocked = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    page.goto(live_server.url + issue.get_absolute_url())

    apa = page.locator("#cite-apa").inner_text()
    assert apa.startswith("Muratbekova, A. (2019). Recent changes")
    button = page.get_by_role("button", name="Copy the APA (7th edition) citation")
    assert button.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".copy-status")).to_have_text("Copied the APA (7th edition) citation.")
    expect(page.locator("button.copy-citation").first).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == apa
    assert not blocked, blocked


def test_without_the_clipboard_the_copy_buttons_stay_hidden(browser, live_server):
    # Plain HTTP on a non-local address is no secure context: no clipboard, so no button.
    call_command("load_demo", stdout=open("/dev/null", "w"))
    issue = Issue.objects.select_related("series").get(number=6)
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(live_server.url + issue.get_absolute_url())
    assert page.locator("button.copy-citation").count() == 3
    assert not page.locator("button.copy-citation").first.is_visible()
    assert page.locator("#cite-chicago").is_visible()
    context.close()
