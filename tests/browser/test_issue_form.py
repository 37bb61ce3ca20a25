"""The issue form in Chromium at 1,280 px: layout, row order, toolbar."""

import pytest

from tests.conftest import make_series

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
