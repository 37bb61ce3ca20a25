"""An editor writes and publishes an interview; a reader follows its footnote."""

import re

import pytest
from playwright.sync_api import expect

from briefs.models import Issue
from tests.browser.admin_helpers import choose_person, type_rich
from tests.conftest import make_about, make_person, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_publishes_an_interview_and_a_reader_follows_the_footnote_and_back(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_about(series, "About EUCACIS")
    make_person(given_name="Albina", family_name="Muratbekova", biography="<p>Fellow 2017-2019.</p>")
    make_person(given_name="Erkin", family_name="Baydarov", honorific="Dr")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/briefs/issue/add/")

    page.select_option("#id_series", label="EUCACIS in Brief")
    page.fill("#id_number", "7")
    page.locator("#id_title").press_sequentially("Trade across the border: Interview with Erkin Baydarov")
    assert page.input_value("#id_slug") == "trade-across-the-border-interview-with-erkin-baydarov"
    page.select_option("#id_kind", "interview")
    page.fill("#id_publication_date", "2019-03-01")
    type_rich(page, ".field-introduction", "Why trade matters.")

    page.get_by_text("Add another Contributor").click()
    choose_person(page, "contributions-0", "Muratbekova")
    page.select_option("#id_contributions-0-role", "interviewer")
    page.get_by_text("Add another Contributor").click()
    choose_person(page, "contributions-1", "Baydarov")
    page.select_option("#id_contributions-1-role", "interviewee")
    page.fill("#id_contributions-1-speaker_label", "EB")

    page.get_by_text("Add another Question and answer").click()
    type_rich(page, "#questions-0 .field-question", "How has trade changed?")
    type_rich(page, "#questions-0 .field-answer", "It grew by 40 percent[^trade] in a year.")

    page.get_by_text("Add another Footnote").click()
    page.fill("#id_footnotes-0-label", "trade")
    type_rich(page, "#footnotes-0 .field-text", "Source: https://example.org/trade-figures")

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/briefs/issue/$"))
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    issue = Issue.objects.get(series=series, number=7)
    assert issue.status == "draft"
    # Through the workflow, with the buttons on the issue's page (a superuser may take every step).
    page.goto(f"{live_server.url}/admin/briefs/issue/{issue.pk}/change/")
    for button, status in [("Submit for review", "In review"), ("Approve", "Approved"), ("Publish", "Published")]:
        page.locator(".workflow-steps a", has_text=button).first.click()
        page.click(f"input[type=submit][value='{button}']")  # the confirmation page
        page.wait_for_url(re.compile(rf"/admin/briefs/issue/{issue.pk}/change/$"))
        assert f"Status: {status}." in page.locator(".workflow-box").inner_text()
    issue.refresh_from_db()
    assert issue.status == "published" and issue.public_from is not None
    page.goto(f"{live_server.url}{issue.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "Trade across the border: Interview with Erkin Baydarov"
    assert page.locator(".question").inner_text().startswith("1.")
    assert page.locator(".answer").inner_text().startswith("EB: It grew by 40 percent")

    page.locator("sup.fn-ref a").click()
    note = page.locator("#fn-1")
    expect(note).to_have_class("is-current")  # beside its call on a wide screen: marked, not jumped to
    assert note.is_visible() and "https://example.org/trade-figures" in note.inner_text()
    assert note.locator("a[href='https://example.org/trade-figures']").count() == 1

    note.locator("a.fn-back").click()
    page.wait_for_url(re.compile(r"#fnref-1$"))
    assert page.evaluate("document.activeElement.id || location.hash") in {"fnref-1", "#fnref-1"}
