"""Two editors in two browsers open the same issue; the second to save is stopped and keeps their text."""

import re

import pytest

from briefs.models import Issue
from tests.conftest import make_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


def test_two_editors_in_two_browsers_the_second_save_is_refused_and_nothing_typed_is_lost(
    browser, live_server, django_user_model
):
    for username, first in (("albina", "Albina"), ("janny", "Janny")):
        django_user_model.objects.create_superuser(
            username, f"{username}@example.org", "a-long-test-password", first_name=first, last_name="Editor"
        )
    issue = make_interview(status=Issue.Status.DRAFT, title="The original title")
    change = f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/"
    (first_context, albina), (second_context, janny) = (
        _sign_in(browser, live_server, "albina"),
        _sign_in(browser, live_server, "janny"),
    )
    try:
        albina.goto(change)
        janny.goto(change)
        assert "Also open for editing by: Albina Editor" in janny.locator(".also-open").inner_text()

        albina.fill("#id_title", "Albina's title")
        albina.click("input[name=_continue]")
        albina.wait_for_selector(".messagelist .success")

        janny.fill("#id_title", "Janny's title")
        answer = janny.locator("#questions-1 .field-answer .ProseMirror[contenteditable=true]")
        answer.click()
        answer.press("End")
        answer.press_sequentially(" Added by Janny.")
        janny.click("input[name=_continue]")
        janny.wait_for_selector(".errorlist.nonfield")
        refusal = janny.locator(".errorlist.nonfield").inner_text()
        assert (
            "Your changes were NOT saved" in refusal
            and "Albina Editor saved it at" in refusal
            and "Changed Title." in refusal
        )
        assert janny.input_value("#id_title") == "Janny's title"
        assert "Added by Janny." in answer.inner_text()
        assert Issue.objects.get(pk=issue.pk).title == "Albina's title"

        # Janny merges by keeping her own title, and saves again: now it goes through.
        janny.click("input[name=_continue]")
        janny.wait_for_selector(".messagelist .success")
        issue.refresh_from_db()
        assert issue.title == "Janny's title"
        assert "Added by Janny." in issue.questions.order_by("sort_order")[1].answer
    finally:
        first_context.close()
        second_context.close()
