"""End to end: a publication's deposit is sent by a real worker process and followed to Crossref's result.

The worker (``manage.py jobs_worker``) runs as a deployment runs it, against a
database of its own (tests/jobs/test_worker.py's ``site``); the deposit address is
the local stand-in for Crossref (tests/crossref/fake_crossref.py).
"""

import pytest

from tests.crossref import fake_crossref
from tests.jobs.test_worker import site, wait_for  # noqa: F401  (site is a fixture)

PUBLISH = """
from briefs.models import Issue
from briefs.workflow import apply_transition
from tests.conftest import make_interview, make_series
series = make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org", crossref_deposit_url="{url}")
issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None)
apply_transition(issue, "publish", by=None, check_permission=False)
issue.refresh_from_db()
print(issue.pk, issue.doi)
"""


@pytest.fixture
def crossref(monkeypatch):
    fake = fake_crossref.start()
    for name, value in {
        "SITE_URL": "https://briefs.example.org",
        "CROSSREF_LOGIN": fake_crossref.LOGIN,
        "CROSSREF_PASSWORD": fake_crossref.PASSWORD,
        "CROSSREF_CHECK_DELAYS": "1,1",
        "CROSSREF_DEPOSIT_URLS": fake.deposit_url,
    }.items():
        monkeypatch.setenv(name, value)
    yield fake
    fake.server.shutdown()


def test_a_worker_sends_a_publications_deposit_and_records_crossrefs_acceptance(crossref, site):  # noqa: F811
    run, start_worker, db, _ = site
    pk, doi = run("shell", "--no-imports", "-c", PUBLISH.format(url=crossref.deposit_url)).stdout.split()
    assert db.one("SELECT state FROM crossref_deposit WHERE issue_id = ?", [pk]) == ("queued",)
    start_worker()
    state = wait_for(
        lambda: (
            (row := db.one("SELECT state, message FROM crossref_deposit WHERE issue_id = ?", [pk]))
            and row[0] == "accepted"
            and row
        ),
        30,
    )
    assert state == ("accepted", "Successfully added")
    (received,) = crossref.deposits
    assert crossref.doi_of(received) == doi
    assert crossref.result_requests and crossref.result_requests[0]["doi_batch_id"]
