"""The admin pages editors use most have no axe-core violations, and each person picker is named by its label."""

import pytest

from briefs.models import Issue
from tests.browser.test_accessibility import EXTRA_RULES, RUN_AXE, WCAG_TAGS, _report, axe_script  # noqa: F401
from tests.conftest import make_fellowship, make_interview, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page, live_server.url


def _violations(page, axe_script):
    page.evaluate(axe_script)
    return page.evaluate(RUN_AXE, [WCAG_TAGS, EXTRA_RULES])


def test_a_new_interviews_person_pickers_are_named_by_their_label_also_on_an_added_row(signed_in, axe_script):
    page, url = signed_in
    make_series()
    page.goto(f"{url}/admin/briefs/issue/add/?kind=interview")
    page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
    pickers = page.locator("#contributions-group .inline-related:not(.empty-form) .field-person [role=combobox]")
    assert pickers.count() == 2
    for index in range(2):
        name = page.evaluate(
            """(i) => {
              const box = document.querySelectorAll(
                "#contributions-group .inline-related:not(.empty-form) .field-person [role=combobox]")[i];
              return box.getAttribute("aria-labelledby").split(" ").map((id) => document.getElementById(id).textContent);
            }""",
            index,
        )
        assert name[0].strip() == "Person:"
    page.locator("#contributions-group .add-row a").click()
    assert page.get_by_role("combobox", name="Person:").count() == 3
    violations = _violations(page, axe_script)
    assert not violations, _report(page.url, violations)


@pytest.mark.parametrize("path", ["issue", "fellowship", "lists"])
def test_the_issue_form_the_fellowship_form_and_the_lists_have_no_axe_violations(signed_in, axe_script, path):
    page, url = signed_in
    issue = make_interview(questions=2, footnotes=2, status=Issue.Status.DRAFT, public_from=None)
    make_fellowship()
    addresses = {
        "issue": [f"/admin/briefs/issue/{issue.pk}/change/"],
        "fellowship": ["/admin/people/fellowship/add/"],
        "lists": ["/admin/briefs/issue/", "/admin/people/fellowship/", "/admin/"],
    }[path]
    for address in addresses:
        page.goto(f"{url}{address}")
        page.wait_for_load_state("load")
        if "/change/" in address:
            page.locator(".field-introduction .ProseMirror[contenteditable=true]").wait_for()
        violations = _violations(page, axe_script)
        assert not violations, _report(page.url, violations)
