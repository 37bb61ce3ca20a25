"""The clicks a new editor needs, counted (issue 17's goals): a manual interview from draft to a published
correction in at most 30, a Word import to a saved draft in at most 8. Every click and file choice counts;
typing does not."""

import re
import shutil

import pytest

from briefs.models import Issue, Place
from tests.conftest import make_interview, make_person, make_series
from tests.editorial.test_word_import import pandoc_docx
from tests.editorial.test_word_import_people import interview_md

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    def __init__(self, page):
        self.page, self.count, self.steps = page, 0, []

    def __call__(self, locator, why):
        locator.click()
        self.count += 1
        self.steps.append(why)


def _sign_in(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")


def _rich(click, page, selector, text, why):
    click(page.locator(f"{selector} .ProseMirror[contenteditable=true]"), why)
    page.keyboard.type(text)


def _note(click, page, selector, text):
    click(page.locator(f"{selector} button[title^='Insert a footnote']"), "footnote button")
    page.locator("dialog.fn-dialog[open] textarea").wait_for()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.locator("dialog.fn-dialog").wait_for(state="detached")


def _step(click, page, name):
    click(page.locator(".workflow-steps a", has_text=name).first, name)
    click(page.locator(".submit-row input[type=submit]"), f"confirm {name}")
    page.locator(".messagelist").wait_for()


def test_a_manual_no_7_from_draft_to_a_published_correction_takes_at_most_30_clicks(
    page, live_server, django_user_model
):
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_interview(series, number=6)  # the series publishes interviews
    make_person(given_name="Albina", family_name="Muratbekova", biography="<p>Fellow 2017-2019.</p>")
    _sign_in(page, live_server, django_user_model)
    click = Clicks(page)

    click(page.locator("tr.model-issue a.addlink").first, "Issues: Add")
    page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
    click(page.locator("#id_title"), "title")
    page.keyboard.type("Water across the border: Interview with Dilnoza Rahimova")
    # The interviewer: the first row is one already.
    click(page.locator("#contributions-0 .field-person .select2-selection"), "interviewer")
    page.keyboard.type("Muratbekova")
    click(page.locator(".select2-results__option", has_text="Muratbekova"), "pick her")
    # A new interviewee, added in the admin's popup.
    with page.expect_popup() as opened:
        click(page.locator("#contributions-1 .field-person a.add-related"), "add a person")
    popup = opened.value
    popup.locator("#id_given_name").wait_for()
    click(popup.locator("#id_given_name"), "given name")
    popup.keyboard.type("Dilnoza")
    popup.keyboard.press("Tab")
    popup.keyboard.type("Rahimova")
    click(popup.locator("input[name=_save]"), "save the person")
    page.locator("#contributions-1 .field-person .select2-selection", has_text="Rahimova").wait_for()
    _rich(click, page, ".field-introduction", "Dilnoza Rahimova studies water law.", "introduction")
    _rich(click, page, "#questions-0 .field-question", "Who shares the rivers?", "question 1")
    _rich(click, page, "#questions-0 .field-answer", "Five states do", "answer 1")
    _note(click, page, "#questions-0 .field-answer", "Treaty of 1998.")
    _rich(click, page, "#questions-1 .field-question", "What changed?", "question 2")
    _rich(click, page, "#questions-1 .field-answer", "The quotas", "answer 2")
    _note(click, page, "#questions-1 .field-answer", "Agreement of 2018.")
    click(page.locator(".fieldBox.field-places .select2-selection"), "places")
    page.keyboard.type("Tajik")
    click(page.locator(".select2-results__option", has_text="Tajikistan (new)"), "Tajikistan (new)")
    click(page.locator("input[name=_continue]"), "save and continue")
    page.locator(".messagelist .success").wait_for()
    issue = Issue.objects.get(series=series, number=7)
    assert issue.status == "draft" and issue.footnotes.count() == 2
    assert issue.contributions.get(role="interviewee").speaker_label == "DR"
    assert Place.objects.filter(country="TJ").exists()

    for name in ("Submit for review", "Approve", "Publish"):
        _step(click, page, name)
    assert Issue.objects.get(pk=issue.pk).status == "published"

    # A correction: the answer's number was wrong.
    answer = page.locator("#questions-1 .field-answer .ProseMirror[contenteditable=true]")
    click(answer, "the answer to correct")
    page.keyboard.press("End")
    page.keyboard.type(", by a third.")
    click(page.locator("input[name=_continue]"), "save the correction")
    page.locator(".messagelist .success").wait_for()
    click(page.locator(".workflow-steps a", has_text="Publish the prepared change").first, "publish the change")
    click(page.locator("#id_comment"), "correction note")
    page.keyboard.type("The change in quotas was added.")
    click(page.locator(".submit-row input[type=submit]"), "confirm")
    page.locator(".messagelist").wait_for()
    page.goto(f"{live_server.url}/series/eucacis-in-brief/7/")
    assert "by a third" in page.locator("main").inner_text()
    print(f"{click.count} clicks: " + ", ".join(click.steps))
    assert click.count <= 30, click.steps


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed")
def test_a_word_import_to_a_saved_draft_takes_at_most_8_clicks(page, live_server, django_user_model, tmp_path):
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_interview(series, number=6)
    make_person(given_name="Albina", family_name="Muratbekova")
    markdown = interview_md("Water and borders: Interview with Erkin Baydarov", "Interview by Albina Muratbekova")
    (tmp_path / "water.docx").write_bytes(pandoc_docx(markdown, tmp_path))
    _sign_in(page, live_server, django_user_model)
    click = Clicks(page)

    click(page.locator("tr.model-issue th a").first, "Issues")
    click(page.get_by_role("link", name=re.compile("Import from Word")), "Import from Word")
    with page.expect_file_chooser() as chooser:
        click(page.locator("#id_file"), "choose the file")
    chooser.value.set_files(str(tmp_path / "water.docx"))
    click(page.locator("input[type=submit]"), "preview")
    page.wait_for_url(re.compile(r"/import-word/[0-9a-f-]+/$"))
    click(page.locator("input[value='Create the draft']"), "create the draft")
    page.wait_for_url(re.compile(r"/admin/briefs/issue/\d+/change/$"))
    issue = Issue.objects.get(series=series, number=7)
    roles = {c.role: (c.person.family_name, c.speaker_label) for c in issue.contributions.all()}
    assert roles == {"interviewer": ("Muratbekova", ""), "interviewee": ("Baydarov", "EB")}
    assert issue.questions.count() == 2
    print(f"{click.count} clicks: " + ", ".join(click.steps))
    assert click.count <= 8, click.steps
