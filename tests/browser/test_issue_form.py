"""The issue form in Chromium at 1,280 px: layout, row order, toolbar, and footnotes by button."""

import re

import pytest
from playwright.sync_api import expect

from briefs.models import Issue
from tests.browser.admin_helpers import choose_person, insert_footnote, type_rich
from tests.conftest import make_about, make_person, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def add_issue(page, live_server, django_user_model):
    """Signed in as an editor allowed every step, on an empty “Add issue” page."""
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")

    def open_form():
        page.goto(f"{live_server.url}/admin/briefs/issue/add/")
        page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
        return page

    return open_form


def _width(page, selector):
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().width")


def test_a_contributors_biography_is_edited_at_full_width_and_the_form_fits_a_1280_px_window(add_issue):
    make_series()
    page = add_issue()
    page.get_by_text("Add another Contributor").click()
    page.locator("#contributions-0 .field-printed_biography .ProseMirror[contenteditable=true]").wait_for()
    assert page.viewport_size["width"] == 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _width(page, "#contributions-0 .field-printed_biography .prose-editor") >= 600
    # A long word-by-word biography no longer makes a tall, narrow column.
    editor = page.locator("#contributions-0 .field-printed_biography .ProseMirror[contenteditable=true]")
    editor.click()
    editor.press_sequentially("Albina Muratbekova was a EUCACIS fellow from 2017 to 2019. " * 2)
    assert editor.bounding_box()["height"] < 150
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_new_question_rows_take_the_next_order(add_issue):
    make_series()
    page = add_issue()
    page.select_option("#id_kind", "interview")  # a new series' first issue is an article until told
    for _ in range(3):
        page.get_by_text("Add another Question and answer").click()
    orders = [page.input_value(f"#id_questions-{i}-sort_order") for i in range(3)]
    assert orders == ["1", "2", "3"]
    page.locator("#questions-2 .sortable-inline-buttons button", has_text="Move up").click()
    assert page.locator("#questions-group .inline-related:not(.empty-form)").nth(1).get_attribute("id") == "questions-2"
    assert [page.input_value(f"#id_questions-{i}-sort_order") for i in (0, 2, 1)] == ["1", "2", "3"]


def test_the_paragraph_style_button_draws_its_arrow_without_a_font_glyph(add_issue):
    make_series()
    page = add_issue()
    arrow = page.evaluate(
        """(() => {
            const style = getComputedStyle(document.querySelector('.field-introduction .prose-menubar__selected'), '::after');
            return {content: style.content, border: style.borderTopWidth, color: style.borderTopColor};
        })()"""
    )
    # The editor's own "⏷" (U+23F7) is in none of the usual system fonts: a box.
    assert arrow["content"] == '""' and arrow["border"] == "5px", arrow


def test_an_interview_with_two_footnotes_made_with_the_toolbar_only_is_published_with_notes_1_and_2_linked(
    add_issue, live_server
):
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_about(series, "About EUCACIS")
    make_person(given_name="Albina", family_name="Muratbekova", biography="<p>Fellow 2017-2019.</p>")
    make_person(given_name="Erkin", family_name="Baydarov", honorific="Dr")
    page = add_issue()
    # The only series, its next number and the kind it publishes are not asked for again.
    assert page.input_value("#id_number") == "1"
    page.locator("#id_title").press_sequentially("Trade across the border: Interview with Erkin Baydarov")
    page.select_option("#id_kind", "interview")
    page.fill("#id_publication_date", "2019-03-01")

    page.get_by_text("Add another Contributor").click()
    choose_person(page, "contributions-0", "Muratbekova")
    page.select_option("#id_contributions-0-role", "interviewer")
    page.get_by_text("Add another Contributor").click()
    choose_person(page, "contributions-1", "Baydarov")
    page.select_option("#id_contributions-1-role", "interviewee")
    page.fill("#id_contributions-1-speaker_label", "EB")

    page.get_by_text("Add another Question and answer").click()
    type_rich(page, "#questions-0 .field-question", "How has trade changed?")
    type_rich(page, "#questions-0 .field-answer", "It grew by 40 percent")
    insert_footnote(page, "#questions-0 .field-answer", "Source: https://example.org/trade-figures")
    type_rich(page, "#questions-0 .field-answer", " in a year.")
    page.get_by_text("Add another Question and answer").click()
    type_rich(page, "#questions-1 .field-question", "And the border?")
    type_rich(page, "#questions-1 .field-answer", "It opened")
    insert_footnote(page, "#questions-1 .field-answer", "Decree of 2018.")

    assert page.input_value("#id_footnotes-0-label") == "1" and page.input_value("#id_footnotes-1-label") == "2"
    assert "[^1]" in page.locator("#questions-0 .field-answer .ProseMirror[contenteditable=true]").inner_text()
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/briefs/issue/$"))
    issue = Issue.objects.get(series=series, number=1)
    assert [q.sort_order for q in issue.questions.all()] == [1, 2]

    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    for button, status in [("Submit for review", "In review"), ("Approve", "Approved"), ("Publish", "Published")]:
        page.locator(".workflow-steps a", has_text=button).first.click()
        page.click(f"input[type=submit][value='{button}']")
        page.wait_for_url(re.compile(rf"/admin/briefs/issue/{issue.pk}/change/$"))
        assert f"Status: {status}." in page.locator(".workflow-box").inner_text()

    page.goto(f"{live_server.url}{issue.get_absolute_url()}")
    references = page.locator("sup.fn-ref a")
    assert references.all_inner_texts() == ["1", "2"]
    assert [references.nth(i).get_attribute("href") for i in range(2)] == ["#fn-1", "#fn-2"]
    assert "https://example.org/trade-figures" in page.locator("#fn-1").inner_text()
    assert "Decree of 2018." in page.locator("#fn-2").inner_text()
    assert page.locator(".answer").first.inner_text().startswith("EB: It grew by 40 percent")
    references.nth(1).click()
    expect(page.locator("#fn-2")).to_have_class("is-current")
