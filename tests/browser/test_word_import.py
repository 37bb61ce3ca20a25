"""An editor imports an interview whose byline names no interviewee: the preview asks who “EB:” is.

Then the same file uploaded again is named in the preview, with a link to the
draft it made. Screenshots go to ``WORD_IMPORT_SHOTS`` when it is set.
"""

import os
import re
import shutil

import pytest

from briefs.models import Issue
from tests.browser.test_accessibility import AXE, EXTRA_RULES, RUN_AXE, WCAG_TAGS, _report
from tests.conftest import make_person, make_series
from tests.editorial.test_word_import import pandoc_docx
from tests.editorial.test_word_import_people import interview_md

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed"),
]


def _shot(page, name):
    folder = os.environ.get("WORD_IMPORT_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _axe(page):
    if AXE.exists():
        page.evaluate(AXE.read_text(encoding="utf-8"))
        return page.evaluate(RUN_AXE, [WCAG_TAGS, EXTRA_RULES])
    return []


def test_the_preview_asks_who_answers_as_eb_and_names_the_draft_when_the_file_comes_again(
    page, live_server, django_user_model, tmp_path
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    make_person(given_name="Erkin", family_name="Baydarov", honorific="Dr")
    (tmp_path / "water.docx").write_bytes(
        pandoc_docx(interview_md("Water and borders", "By Albina Muratbekova"), tmp_path)
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/briefs/issue/import-word/")
    page.set_input_files("#id_file", str(tmp_path / "water.docx"))
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/import-word/[0-9a-f-]+/$"))
    fieldset = page.get_by_role("group", name="Who answers as “EB:”?")
    assert fieldset.is_visible()
    violations = _axe(page)
    assert violations == [], _report(page.url, violations)
    fieldset.get_by_label("A person already here").select_option(label="Dr Erkin Baydarov")
    _shot(page, "preview-asks-who-answers")
    page.click("input[value='Create the draft']")
    page.wait_for_url(re.compile(r"/admin/briefs/issue/\d+/change/$"))
    issue = Issue.objects.get(series=series)
    assert issue.contributions.get(role="interviewee").speaker_label == "EB"

    page.goto(f"{live_server.url}/admin/briefs/issue/import-word/")
    page.set_input_files("#id_file", str(tmp_path / "water.docx"))
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/import-word/[0-9a-f-]+/$"))
    warning = page.get_by_role("region", name="Imported before?")
    assert "This same file was imported on" in warning.inner_text()
    _shot(page, "preview-imported-before")
    violations = _axe(page)
    assert violations == [], _report(page.url, violations)
    warning.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/admin/briefs/issue/{issue.pk}/change/$"))
