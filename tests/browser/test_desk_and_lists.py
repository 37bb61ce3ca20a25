"""The chief's desk and the lists, in Chromium at 1,280 px with the sidebar open.

One test follows the desk's counts to their lists; the other measures that the
issue and fellowship lists fit: no cell clipped or overflowing, no sideways
scrolling, the authors column on screen, titles on one or two lines; and that the
issue page's History / View on site buttons do not cover its title. Both
pages are checked with axe-core as the public pages are (no violations).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from briefs.models import Contribution, Issue
from crossref.models import Deposit
from sharing.models import ShareLink
from tests.browser.test_accessibility import EXTRA_RULES, RUN_AXE, WCAG_TAGS, _report, axe_script  # noqa: F401
from tests.conftest import make_fellowship, make_issue, make_person, make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Titles as long as the series' real ones (No. 6's is 75 characters).
TITLE = "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    return page, live_server.url


def assert_no_axe_violations(page, axe_script):
    page.evaluate(axe_script)
    violations = page.evaluate(RUN_AXE, [WCAG_TAGS, EXTRA_RULES])
    assert not violations, _report(page.url, violations)


def test_the_desk_counts_what_waits_and_each_count_opens_the_list_of_those(signed_in, axe_script):
    page, url = signed_in
    now = timezone.now()
    series = make_series()
    for _ in range(3):
        make_issue(series, status=Issue.Status.IN_REVIEW)
    make_issue(series, status=Issue.Status.DRAFT)
    make_issue(series, public_from=now + datetime.timedelta(days=3))
    draft = make_issue(series, status=Issue.Status.DRAFT)
    ShareLink.objects.create(issue=draft, expires_at=now + datetime.timedelta(days=1))
    ShareLink.objects.create(issue=draft, expires_at=now + datetime.timedelta(days=10))
    refused = make_issue(series, public_from=now - datetime.timedelta(days=1), doi="10.5555/refused.1")
    Deposit.objects.create(issue=refused, doi=refused.doi, reason="publication", state="failed", message="Refused.")

    page.goto(f"{url}/admin/")
    desk = page.get_by_role("region", name="Waiting on the desk")
    counts = {
        " ".join(item.inner_text().split()[1:]): int(item.locator(".desk-count").inner_text())
        for item in desk.locator("li").all()
    }
    assert counts == {
        "issues in review": 3,
        "scheduled issue": 1,
        "issues whose PDF could not be built": 0,
        "issue whose DOI deposit failed": 1,
        "proofreading link expiring within 3 days": 1,
    }
    assert_no_axe_violations(page, axe_script)
    for label, rows in (
        ("issues in review", 3),
        ("scheduled issue", 1),
        ("issue whose DOI deposit failed", 1),
        ("proofreading link expiring", 1),
    ):
        page.goto(f"{url}/admin/")
        desk.get_by_role("link", name=label).click()
        expect(page.locator("#result_list tbody tr")).to_have_count(rows)


MEASURE = """() => {
  const results = document.querySelector("#changelist .results");
  const cells = [...document.querySelectorAll("#result_list th, #result_list td")];
  const clipped = cells
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1)
    .map((cell) => cell.className + ": " + cell.innerText.slice(0, 40));
  const line = (el) => parseFloat(getComputedStyle(el).lineHeight);
  const titles = [...document.querySelectorAll("#result_list .issue-title")].map(
    (title) => Math.round(title.getBoundingClientRect().height / line(title))
  );
  const header = (name) => {
    const th = [...document.querySelectorAll("#result_list thead th")].find((th) => th.innerText.trim().toLowerCase() === name);
    return th && th.getBoundingClientRect().toJSON();
  };
  return {
    sideways: results.scrollWidth - results.clientWidth,
    clipped,
    titles,
    authors: header("authors"),
    sidebarOpen: getComputedStyle(document.querySelector("#nav-sidebar")).display !== "none",
    first: document.querySelector("#result_list thead th:nth-child(2)").innerText.trim().toLowerCase(),
    viewport: window.innerWidth,
  };
}"""


OVERLAPS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const titles = [...document.querySelectorAll("#content > h1, #content > h2")].map(box);
  return [...document.querySelectorAll(".object-tools a")].some((a) => {
    const b = box(a);
    return titles.some((t) => b.left < t.right && b.right > t.left && b.top < t.bottom && b.bottom > t.top);
  });
}"""


def test_at_1280_px_the_lists_fit_and_the_issue_pages_buttons_leave_its_title_clear(signed_in, axe_script):
    page, url = signed_in
    series = make_series(name="EUCACIS in Brief")
    authors = [make_person(given_name="Albina", family_name=f"Muratbekova-{n}") for n in range(2)]
    for n in range(8):
        issue = make_issue(series, title=f"{TITLE} {n}", status=[*Issue.Status.values][n % 5])
        for order, person in enumerate(authors):
            Contribution.objects.create(issue=issue, person=person, role=Contribution.Role.AUTHOR, sort_order=order)
    for n in range(6):
        make_fellowship(
            home_institution="Institute of Oriental Studies and Al-Farabi Kazakh National University",
            city="Almaty",
            discipline="economics",
            start_year=2017 + n,
            end_year=2019 + n,
        )

    page.goto(f"{url}/admin/briefs/issue/")
    issues = page.evaluate(MEASURE)
    page.screenshot(path="/tmp/h-desk-shots/issue-list-1280.png", full_page=True)
    assert issues["viewport"] == 1280 and issues["sidebarOpen"]
    assert issues["first"] == "status"
    assert issues["sideways"] <= 0, "the list scrolls sideways"
    assert issues["clipped"] == []
    assert issues["authors"] is not None and issues["authors"]["right"] <= 1280
    assert issues["titles"] and max(issues["titles"]) <= 2, issues["titles"]
    assert page.locator("#result_list td.field-authors", has_text="Albina Muratbekova-1").count() == 8
    assert_no_axe_violations(page, axe_script)

    page.goto(f"{url}/admin/people/fellowship/")
    fellows = page.evaluate(MEASURE)
    assert fellows["first"] == "status"
    assert fellows["sideways"] <= 0 and fellows["clipped"] == []

    # History / View on site beside a title as long as the list's: in the flow, not over it.
    page.goto(f"{url}/admin/briefs/issue/{Issue.objects.filter(status=Issue.Status.DRAFT).first().pk}/change/")
    assert page.locator(".object-tools a").count() >= 1
    assert not page.evaluate(OVERLAPS)
