"""Footnotes in the issue form as readers will see them (static/briefs/prose/footnote.js).

A note is written in a dialog at the cursor; each marker shows the number the
issue page gives it, and the Footnotes rows are titled and listed in that order.
"""

import re

import pytest

from briefs.models import Issue
from tests.browser.admin_helpers import insert_footnote
from tests.browser.test_accessibility import AXE, WCAG_TAGS
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from tests.conftest import make_interview, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/h-notes-shots"
RUN_AXE = """async ([tags, include]) => {
  const results = await axe.run({include}, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}"""


def _answer(n):
    return f"#questions-{n} .field-answer"


def _press(page, selector, key):
    """Press Home or End in ``selector``'s editor, and wait until the editor has the cursor there.

    The editor learns of a cursor the browser moved a moment later; a person's next click
    on the toolbar comes later still, Playwright's may not.
    """
    # The note dialog hands the focus back to the editor as it closes; a key pressed before that goes nowhere.
    page.wait_for_function(
        "(selector) => document.activeElement && document.activeElement.closest(selector) !== null", arg=selector
    )
    page.keyboard.press(key)
    page.wait_for_function(
        """([selector, key]) => {
          const editor = document.querySelector(`${selector} .ProseMirror[contenteditable=true]`).editor;
          const $head = editor.state.doc.resolve(editor.state.selection.head);
          return $head.parentOffset === (key === "Home" ? 0 : $head.parent.content.size);
        }""",
        arg=[selector, key],
    )


def _chips(page):
    return page.locator("#questions-group .fn-chip").all_inner_texts()


def _known(text):
    """Tiptap's Link warns when an editor is made after another has used linkify (a new note's row): harmless,
    and open upstream (ueberdosis/tiptap#5450). It came in 1 run of the suite in 3."""
    return text.startswith("linkifyjs: already initialized - will not register custom scheme")


def test_a_note_inserted_earlier_takes_number_1_in_the_editor_the_rows_and_the_preview(
    page, live_server, django_user_model
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    issue = make_interview(make_series(), questions=2, status=Issue.Status.DRAFT, title="Trade across the border")
    console = []
    page.on("console", lambda m: m.type in ("error", "warning") and not _known(m.text) and console.append(m.text))
    page.on("pageerror", lambda e: console.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)

    def axe(include):
        """axe-core's WCAG violations within ``include``; what axe itself does breaks no rule of the page's."""
        if not AXE.exists():
            return []
        seen, blocked = len(console), page.evaluate("window.__cspViolations.length")
        page.evaluate(AXE.read_text(encoding="utf-8"))
        found = page.evaluate(RUN_AXE, [WCAG_TAGS, include])
        del console[seen:]  # axe's own inline styles, refused by the policy
        page.evaluate("(n) => window.__cspViolations.splice(n)", blocked)
        return found

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    second = page.locator(f"{_answer(1)} .ProseMirror[contenteditable=true]")
    second.click()
    _press(page, _answer(1), "End")
    # Escape cancels: no marker, no row, and the cursor is back where it was.
    page.locator(f"{_answer(1)} button[title^='Insert a footnote']").click()
    page.locator("dialog.fn-dialog[open] textarea").wait_for()
    page.keyboard.type("Not this one")
    page.keyboard.press("Escape")
    page.locator("dialog.fn-dialog").wait_for(state="detached")
    assert page.evaluate("document.activeElement.closest('.field-answer') !== null")
    assert page.input_value("#id_questions-1-answer") == "<p>Answer 1.</p>"
    assert page.locator("#footnotes-group .inline-related:not(.empty-form)").count() == 0

    insert_footnote(page, _answer(1), "Customs statistics, 2018.")
    page.wait_for_function("() => document.querySelector('#questions-group .fn-chip').textContent === '1'")
    first = page.locator(f"{_answer(0)} .ProseMirror[contenteditable=true]")
    first.click()
    _press(page, _answer(0), "End")
    # In view before measuring: Playwright itself scrolls to what it clicks.
    page.locator(f"{_answer(0)} button[title^='Insert a footnote']").scroll_into_view_if_needed()
    scroll = page.evaluate("window.scrollY")
    page.locator(f"{_answer(0)} button[title^='Insert a footnote']").click()
    page.locator("dialog.fn-dialog[open] textarea").wait_for()
    assert axe(["dialog.fn-dialog"]) == []
    page.keyboard.type("Decree of 2018.")
    page.screenshot(path=f"{SHOTS}/note-dialog.png")
    page.keyboard.press("Enter")
    assert page.evaluate("window.scrollY") == scroll, "the page scrolled"
    page.keyboard.type(" quite")  # the cursor is right after the marker
    page.screenshot(path=f"{SHOTS}/editor-chips.png")

    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#questions-group .fn-chip'), (c) => c.textContent).join() === '1,2'"
    )
    assert page.locator(f"{_answer(0)} .fn-chip").get_attribute("aria-label") == "Footnote 1"
    assert page.input_value("#id_questions-0-answer") == "<p>Answer 0.[^2] quite</p>"
    assert page.input_value("#id_questions-1-answer") == "<p>Answer 1.[^1]</p>"
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.fn-marker-text'), (m) => m.getBoundingClientRect().width)"
    )
    assert widths == [0, 0], "the markers are shown as typed"
    # The rows follow: the note cited first is listed first, titled “Note 1”, its label small.
    rows = page.locator("#footnotes-group .inline-related:not(.empty-form)")
    assert rows.locator(".fn-row-title").all_inner_texts() == ["Note 1", "Note 2"]
    assert rows.locator(".fn-row-label").all_inner_texts() == ["[^2]", "[^1]"]
    assert "Decree of 2018." in rows.nth(0).locator(".field-text .ProseMirror").inner_text()
    found = axe(["#footnotes-group", "#questions-group"])
    # The prose editors' and select2's own unnamed text boxes are older than the chips and the rows.
    assert [v for v in found if not re.match(r"aria-input-field-name: .*(tiptap|select2|ProseMirror)", v)] == []
    page.locator("#footnotes-group").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/footnote-rows.png")

    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(rf"/admin/briefs/issue/{issue.pk}/change/$"))
    # Opened again: the rows in reading order from the server.
    assert rows.locator(".fn-row-title").all_inner_texts() == ["Note 1", "Note 2"]
    assert rows.locator(".fn-row-label").all_inner_texts() == ["[^2]", "[^1]"]
    assert _chips(page) == ["1", "2"]

    page.goto(f"{live_server.url}{issue.get_absolute_url()}")
    assert page.locator("sup.fn-ref a").all_inner_texts() == ["1", "2"]
    assert "Decree of 2018." in page.locator("#fn-1").inner_text()
    assert "Customs statistics, 2018." in page.locator("#fn-2").inner_text()
    assert console == []
    assert page.evaluate("window.__cspViolations") == []


def test_a_new_note_listed_among_saved_ones_can_be_taken_back_without_losing_a_note(
    page, live_server, django_user_model
):
    # Rows are listed by number, so a new row can stand before saved ones; removing a new
    # row makes Django rename the rows in page order, and a formset needs its saved rows first.
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    issue = make_interview(make_series(), questions=2, footnotes=2, status=Issue.Status.DRAFT)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    answer = page.locator(f"{_answer(0)} .ProseMirror[contenteditable=true]")
    answer.click()
    _press(page, _answer(0), "Home")
    insert_footnote(page, _answer(0), "Taken back.")
    _press(page, _answer(0), "End")
    insert_footnote(page, _answer(0), "Kept.")
    rows = page.locator("#footnotes-group .inline-related:not(.empty-form)")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#footnotes-group .fn-row-title'), (t) => t.textContent).join()"
        " === 'Note 1,Note 2,Note 3,Note 4,New note'"  # the last: the template for new rows
    )
    assert rows.locator(".fn-row-label").all_inner_texts() == ["[^1]", "[^n0]", "[^2]", "[^n1]"]

    answer.click()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")  # over the first chip, as one step
    page.keyboard.press("Backspace")  # the whole marker goes
    rows.nth(0).locator("a.inline-deletelink").click()
    assert page.input_value("#id_questions-0-answer") == "<p>Answer 0[^n0].[^2]</p>"
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(rf"/admin/briefs/issue/{issue.pk}/change/$"))
    assert page.locator(".errornote").count() == 0
    assert sorted(issue.footnotes.values_list("label", "text")) == [
        ("2", "<p>Kept.</p>"),
        ("n0", "<p>Note text 0</p>"),
        ("n1", "<p>Note text 1</p>"),
    ]
