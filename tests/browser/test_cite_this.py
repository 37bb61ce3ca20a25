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
    page.get_by_role("radio", name="Chicago (author-date)").check()
    assert page.locator("#cite-chicago").is_visible()
    context.close()


def test_one_style_is_shown_and_the_others_are_chosen_from_the_keyboard(page, live_server):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    issue = Issue.objects.select_related("series").get(number=6)
    page.goto(live_server.url + issue.get_absolute_url())
    shown = page.locator(".cite-this .citation-text:visible")
    expect(shown).to_have_count(1)
    assert shown.get_attribute("id") == "cite-apa"
    expect(page.get_by_role("group", name="Citation style")).to_be_visible()

    page.get_by_role("radio", name="APA (7th edition)").focus()
    page.keyboard.press("ArrowRight")  # a radio group: the arrows move the choice
    expect(page.get_by_role("radio", name="Chicago (author-date)")).to_be_checked()
    expect(shown).to_have_count(1)
    assert shown.get_attribute("id") == "cite-chicago"
    assert shown.inner_text().startswith("Muratbekova, Albina. 2019. Recent Changes")
    page.keyboard.press("ArrowRight")
    assert shown.get_attribute("id") == "cite-harvard"
    # Every style's text is in the page (for search engines, readers without :has() and print).
    for key in ("apa", "chicago", "harvard"):
        assert "Muratbekova" in page.locator(f"#cite-{key}").text_content()
    # The reference-manager files stay one click away.
    for name, suffix in (("BibTeX", "cite.bib"), ("RIS", "cite.ris")):
        link = page.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        assert link.get_attribute("href").endswith(suffix)
        assert page.request.get(link.get_attribute("href")).ok
