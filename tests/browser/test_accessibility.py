"""Every public page type has no axe-core violations of WCAG 2.1 A and AA.

The demo content is loaded once for the module and served by one live server;
each page type is its own test, in one Chromium. axe-core comes from npm
(package-lock.json; scripts/setup.sh runs ``npm ci``).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import modify_settings, override_settings
from pytest_django.live_server_helper import LiveServer

from tests.public_pages import ERROR_URLCONF, PAGE_TYPES, public_pages

# The mark makes pytest-django create the test database; each test then runs in
# a transaction that is rolled back, over the demo content the module committed.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Rules run in addition to the WCAG tags. axe files heading-order under "best
#: practice", but skipped heading levels confuse navigation by headings.
EXTRA_RULES = ["heading-order"]

RUN_AXE = """async ([tags, extraRules]) => {
  const rules = Object.fromEntries(extraRules.map((id) => [id, {enabled: true}]));
  const options = {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE.relative_to(AXE.parents[2])} (npm ci)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """A live server on the demo content, for the whole module.

    pytest-django's ``live_server`` fixture would bring ``transactional_db`` to
    every test, which empties the database after each one; so this module starts
    pytest-django's LiveServer itself, commits the demo once, and empties the
    database at the end as a transactional test does. Database access stays
    unblocked meanwhile because the server thread needs it.
    """
    with django_db_blocker.unblock():
        for alias in connections:  # never load into (and flush) a real database
            db = connections[alias]
            assert db.is_in_memory_db() if db.vendor == "sqlite" else db.settings_dict["NAME"].startswith("test_"), (
                f"{alias} is not a test database: {db.settings_dict['NAME']}"
            )
        call_command("load_demo", stdout=open(os.devnull, "w"))
        pages = public_pages()
        server = LiveServer("localhost")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": "localhost"}), override_settings(ROOT_URLCONF=ERROR_URLCONF):
                yield server.url, pages
        finally:
            server.stop()
            for alias in connections:
                call_command("flush", verbosity=0, interactive=False, database=alias)


def _report(path, violations):
    lines = [
        f"axe-core found {len(violations)} violation(s) of WCAG 2.1 A/AA (and {', '.join(EXTRA_RULES)}) on {path}:"
    ]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_has_no_axe_violations(axe_script, demo_site, page, page_type):
    base_url, pages = demo_site
    path, status, text = pages[page_type]
    response = page.goto(base_url + path)
    assert response.status == status
    assert text in page.locator("main").inner_text()

    # Evaluated rather than added as a <script>, which the site's
    # Content-Security-Policy would refuse; so the page is checked as readers get it.
    page.evaluate(axe_script)
    violations = page.evaluate(RUN_AXE, [WCAG_TAGS, EXTRA_RULES])
    assert not violations, _report(path, violations)
