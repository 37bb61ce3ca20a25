"""The interview form follows the task: who, then the text, then the questions, in one screenful or two."""

import pytest

from briefs.models import Issue
from tests.conftest import make_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What the issue asks of a 2-question interview's form at 1,280 px (sidebar open).
MOST_PX = 2500


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page


def _open(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
    return page


def _top(page, selector):
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().top + window.scrollY")


def test_a_two_question_interview_is_at_most_2500_px_tall_in_the_order_of_the_task(signed_in, live_server):
    issue = make_interview(questions=2, footnotes=2, status=Issue.Status.DRAFT, public_from=None)
    page = _open(signed_in, live_server, f"/admin/briefs/issue/{issue.pk}/change/")
    assert page.viewport_size["width"] == 1280
    page.screenshot(path="/tmp/shots/interview-form.png", full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MOST_PX, f"the form is {height} px tall"
    order = [
        _top(page, selector)
        for selector in (
            ".field-title",
            "#contributions-group",
            ".field-introduction",
            "#questions-group",
            "#footnotes-group",
        )
    ]
    assert order == sorted(order)


def test_the_form_follows_the_kind_chosen_body_or_questions_and_the_roles_of_new_rows(signed_in, live_server):
    from tests.conftest import make_series

    make_series()
    page = _open(signed_in, live_server, "/admin/briefs/issue/add/")
    page.select_option("#id_kind", "opinion")
    assert page.locator("fieldset.issue-body").is_visible()
    assert not page.locator("#questions-group").is_visible()
    assert page.input_value("#id_contributions-0-role") == "author"
    page.select_option("#id_kind", "interview")
    assert page.input_value("#id_contributions-0-role") == "interviewer"  # the spare row follows the kind
    assert not page.locator("fieldset.issue-body").is_visible()
    assert page.locator("#questions-group").is_visible()
    page.get_by_text("Add another Contributor").click()
    page.get_by_text("Add another Contributor").click()
    # The spare author row becomes the interviewer's when set so; then each new row is an interviewee.
    page.select_option("#id_contributions-0-role", "interviewer")
    page.get_by_text("Add another Contributor").click()
    assert page.input_value("#id_contributions-3-role") == "interviewee"


def test_every_editor_of_the_form_is_named_by_its_fields_label(signed_in, live_server):
    issue = make_interview(questions=2, footnotes=2, status=Issue.Status.DRAFT, public_from=None)
    page = _open(signed_in, live_server, f"/admin/briefs/issue/{issue.pk}/change/")
    page.locator("#footnotes-1 .ProseMirror[contenteditable=true]").wait_for()
    names = page.eval_on_selector_all(
        ".ProseMirror[contenteditable=true]", "els => els.map(el => el.getAttribute('aria-label'))"
    )
    assert len(names) >= 7 and None not in names, names
    assert {"Introduction", "Question", "Answer", "Note"} <= set(names)
