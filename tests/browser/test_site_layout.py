"""The site's layout as readers get it in Chromium, on a phone (390 px) and a wide screen (1280 px).

On a phone no public page scrolls sideways and none has an axe-core violation; on a wide
screen the home page sets the series beside the latest issue and the listings set their
filters beside the results; every page is set in the Noto faces, fetched from the site
itself.
"""

import pytest

from tests.browser.test_accessibility import EXTRA_RULES, RUN_AXE, WCAG_TAGS, _report, axe_script, demo_site
from tests.public_pages import PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

__all__ = ["axe_script", "demo_site"]  # module fixtures, shared with the accessibility checks

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_on_a_phone_no_page_scrolls_sideways_or_has_an_axe_violation(axe_script, demo_site, phone, page_type):
    base_url, pages = demo_site
    path, status, text = pages[page_type]
    response = phone.goto(base_url + path)
    assert response.status == status
    phone.evaluate("document.fonts.ready")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px screen"
    wider = phone.evaluate(
        """(limit) => [...document.querySelectorAll("main *, header *")]
             .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
             .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))
             .slice(0, 5)""",
        PHONE["width"],
    )
    assert not wider, f"{path}: these stick out on the right: {wider}"
    phone.evaluate(axe_script)
    violations = phone.evaluate(RUN_AXE, [WCAG_TAGS, EXTRA_RULES])
    assert not violations, _report(f"{path} at {PHONE['width']} px", violations)


def test_on_a_wide_screen_the_home_page_sets_the_series_beside_the_latest_issue(demo_site, page):
    base_url, _pages = demo_site
    page.set_viewport_size(WIDE)
    page.goto(base_url + "/")
    featured, about = _box(page, ".featured"), _box(page, ".home-about")
    assert about["x"] >= featured["x"] + featured["width"], "the series' box is not beside the latest issue"
    assert abs(about["y"] - featured["y"]) < 40
    # The latest issue names interviewer and interviewee, opens with its standfirst and lists its topics.
    byline = page.locator(".featured-byline").inner_text()
    assert byline == "Interview by Albina Muratbekova with Dr Erkin Baydarov"
    assert page.locator(".standfirst").inner_text().startswith("Since the beginning of Shavkat Mirziyoyev")
    assert "Trade and investment" in page.locator(".featured .issue-tags").inner_text()
    # The page fills the screen: the content spans well over half of its width.
    main = _box(page, "main")
    assert main["width"] > 0.8 * WIDE["width"]


@pytest.mark.parametrize("path", ["/issues/", "/fellows/", "/topics/trade-and-investment/"])
def test_on_a_wide_screen_the_filters_sit_beside_the_results(demo_site, page, path):
    base_url, _pages = demo_site
    page.set_viewport_size(WIDE)
    assert page.goto(base_url + path).status == 200
    filters, results = _box(page, ".with-filters .filters"), _box(page, ".with-filters .results")
    assert results["x"] >= filters["x"] + filters["width"], f"{path}: the results are not beside the filters"
    assert abs(results["y"] - filters["y"]) < 5


def test_pages_are_set_in_the_noto_faces_from_the_site_itself(demo_site, page):
    base_url, pages = demo_site
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(base_url + pages["issue-no-6"][0])
    page.evaluate("document.fonts.ready")
    assert page.evaluate(
        """document.fonts.check('1rem "Noto Serif"') && document.fonts.check('bold 1rem "Noto Sans"')"""
    )
    loaded = page.evaluate(
        "[...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replaceAll('\"', ''))"
    )
    assert {"Noto Serif", "Noto Sans"} <= set(loaded)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Noto Serif"')
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily").startswith('"Noto Sans"')
    assert any(url.endswith(".woff2") for url in asked)
    assert all(url.startswith(base_url) for url in asked), [url for url in asked if not url.startswith(base_url)]
