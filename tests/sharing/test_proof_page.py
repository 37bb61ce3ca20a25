"""A proofreading link: the author sees the unpublished issue, read-only, until it expires or is revoked.

The clock is fixed (``clock``): links are made at ``MADE`` and the site's
“now” is whatever the test sets.
"""

import datetime
import io
import uuid
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from briefs.models import Issue
from printing import draft_pdfs
from sharing.services import revoke_share_link, share_issue
from sharing.tokens import token_for
from sitecache import versioning
from tests.conftest import make_interview, make_series

pytestmark = pytest.mark.django_db

MADE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch):
    """The site's current time, fixed at ``MADE`` until a test moves it."""

    class Clock:
        now = MADE

        def __call__(self):
            return self.now

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", fixed)
    return fixed


@pytest.fixture
def janny(django_user_model):
    return django_user_model.objects.create_user("jschulz", first_name="Janny", last_name="Schulz", is_staff=True)


@pytest.fixture
def link(janny, clock):
    draft = make_interview(status=Issue.Status.DRAFT, title="Trade across the Syr Darya", footnotes=1)
    return share_issue(issue=draft, by=janny, note="for Erkin Baydarov", now=MADE)


def _html(response):
    return response.content.decode()


def _publish(issue, *, public_from):
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PUBLISHED, public_from=public_from)


# -- what the holder of a valid link sees -------------------------------------------------------


def test_a_valid_link_shows_the_draft_as_the_web_page_will_show_it(client, link):
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    html = _html(response)
    assert '<h1 id="issue-title">Trade across the Syr Darya</h1>' in html
    assert "Question 0?" in html and "Answer 1" in html and "Note text 0" in html
    assert 'id="footnotes-heading">Notes</h2>' in html and 'id="imprint-heading">Imprint</h2>' in html
    assert "Draft preview" not in html  # the editors' banner is not the author's


def test_the_banner_says_it_is_an_unpublished_copy_who_shared_it_and_until_when(client, link):
    html = _html(client.get(link.get_absolute_url()))
    # Made on 2 March 2026 at 10:00 in Berlin, for the 7 days a link lasts unless the editor chooses.
    assert (
        '<p class="draft-banner" role="status"><strong>Proofreading copy — not published.</strong> '
        "Shared by Janny Schulz, link valid until 9 March 2026, 10:00 CET.</p>" in html
    )


def test_the_editors_note_is_not_shown_to_the_author(client, link):
    assert "for Erkin Baydarov" not in _html(client.get(link.get_absolute_url()))


def test_a_scheduled_issue_can_be_proofread_before_it_goes_public(client, link):
    _publish(link.issue, public_from=MADE + 3 * DAY)
    assert client.get(link.issue.get_absolute_url()).status_code == 404  # not public yet
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200 and "Proofreading copy — not published." in _html(response)


def test_the_page_offers_the_draft_pdf_built_for_the_link_and_marked_draft(
    client, link, django_capture_on_commit_callbacks
):
    html = _html(client.get(link.get_absolute_url()))
    assert f'href="{link.get_pdf_url()}"' in html and "(PDF, marked DRAFT)" in html
    with mock.patch("printing.draft_pdfs.build_pdf", wraps=draft_pdfs.build_pdf) as builds:
        with django_capture_on_commit_callbacks(execute=True):  # the worker's job, run in-process here
            first = client.get(link.get_pdf_url())
        assert first.status_code == 503 and "being prepared" in _html(first) and first["Retry-After"] == "5"
        response = client.get(link.get_pdf_url())
        client.get(link.get_pdf_url())
        assert builds.call_count == 1, "built once for this version, by the job, not per request"
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages]
    assert all("DRAFT" in page for page in pages[1:])
    assert any("Question 0?" in page for page in pages)


def test_the_page_costs_the_same_queries_whatever_the_issue_holds(client, janny, django_assert_num_queries):
    series = make_series()
    short = share_issue(issue=make_interview(series, status=Issue.Status.DRAFT, questions=1), by=janny)
    long = share_issue(
        issue=make_interview(series, status=Issue.Status.DRAFT, questions=8, footnotes=8, authors=3), by=janny
    )
    client.get(short.get_absolute_url())  # the series' front matter, read once per process
    with CaptureQueriesContext(connection) as short_page:
        client.get(short.get_absolute_url())
    with django_assert_num_queries(len(short_page)):
        assert client.get(long.get_absolute_url()).status_code == 200


# -- expired, revoked, withdrawn: 410 with a page that says what to do ---------------------------


def test_a_link_works_until_the_moment_it_expires_then_answers_410(client, clock, link):
    clock.now = link.expires_at - SECOND
    assert client.get(link.get_absolute_url()).status_code == 200
    clock.now = link.expires_at
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    html = _html(response)
    assert "This proofreading link has expired" in html and "Ask the editor who sent it to you for a new one" in html
    assert "Trade across the Syr Darya" not in html and "Question 0?" not in html


def test_an_expired_links_pdf_answers_410_too(client, clock, link):
    clock.now = link.expires_at + DAY
    assert client.get(link.get_pdf_url()).status_code == 410


def test_a_revoked_link_answers_410_saying_it_was_withdrawn(client, clock, link, janny):
    clock.now = MADE + DAY
    revoke_share_link(link=link, by=janny)
    for url in (link.get_absolute_url(), link.get_pdf_url()):
        response = client.get(url)
        assert response.status_code == 410, url
    html = _html(client.get(link.get_absolute_url()))
    assert "This proofreading link was withdrawn" in html and "Ask the editor who sent it to you for a new one" in html
    assert "Trade across the Syr Darya" not in html


def test_a_link_to_an_issue_withdrawn_from_the_site_answers_410(client, link):
    Issue.objects.filter(pk=link.issue_id).update(status=Issue.Status.WITHDRAWN, public_from=MADE - DAY)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410 and "This issue was withdrawn" in _html(response)
    assert "Question 0?" not in _html(response)


# -- tokens that were not made here: 404, and the database is not asked --------------------------


def test_a_tampered_token_is_404_without_asking_the_database(client, link, django_assert_num_queries):
    token = link.token
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        ("0" if token[0] != "0" else "1") + token[1:],  # the id
        token.split(":")[0],  # no signature
        "made-up",
    ]
    for bad in tampered:
        with django_assert_num_queries(0):
            response = client.get(reverse("sharing:proof", args=[bad]))
        assert response.status_code == 404, bad
        assert "Page not found" in _html(response)
        with django_assert_num_queries(0):
            assert client.get(reverse("sharing:proof_pdf", args=[bad])).status_code == 404


def test_another_issues_link_id_signed_with_another_salt_is_404(client, janny, link, django_assert_num_queries):
    other = share_issue(issue=make_interview(status=Issue.Status.DRAFT), by=janny)
    for forged in (
        signing.Signer(salt="briefs").sign(other.pk.hex),
        signing.Signer().sign(other.pk.hex),
    ):
        with django_assert_num_queries(0):
            assert client.get(reverse("sharing:proof", args=[forged])).status_code == 404, forged
    assert client.get(other.get_absolute_url()).status_code == 200  # the real token works


def test_a_well_signed_token_of_a_link_that_does_not_exist_is_404(client, link):
    assert client.get(reverse("sharing:proof", args=[token_for(uuid.uuid4())])).status_code == 404


# -- never indexed, never cached, no referrer ------------------------------------------------------


def _every_kind_of_answer(link):
    """The page, its PDF, a 410, a 404, a redirect and a refused POST, for the same link's issue."""
    client = Client()
    revoked = share_issue(issue=link.issue, by=None, now=MADE)
    revoke_share_link(link=revoked, by=None, now=MADE)
    published = share_issue(issue=make_interview(status=Issue.Status.DRAFT), by=None, now=MADE)
    _publish(published.issue, public_from=MADE)
    draft_pdfs.build_draft_pdf.call(link.issue.pk)  # as the worker would have
    answers = {
        "page": client.get(link.get_absolute_url()),
        "pdf": client.get(link.get_pdf_url()),
        "gone": client.get(revoked.get_absolute_url()),
        "not found": client.get(reverse("sharing:proof", args=["made-up"])),
        "redirect": client.get(published.get_absolute_url()),
        "post": client.post(link.get_absolute_url()),
    }
    assert [r.status_code for r in answers.values()] == [200, 200, 410, 404, 302, 405]
    return answers


def test_every_answer_says_noindex_nofollow_in_its_header(link):
    for kind, response in _every_kind_of_answer(link).items():
        assert response["X-Robots-Tag"] == "noindex, nofollow", kind


def test_the_page_and_the_410_page_say_noindex_nofollow_in_a_meta_tag(client, clock, link):
    meta = '<meta name="robots" content="noindex, nofollow">'
    assert meta in _html(client.get(link.get_absolute_url()))
    clock.now = link.expires_at
    assert meta in _html(client.get(link.get_absolute_url()))


def test_every_answer_is_private_and_never_stored(link):
    for kind, response in _every_kind_of_answer(link).items():
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store", "no-cache", "max-age=0"} <= directives, kind
        assert "ETag" not in response and "Last-Modified" not in response, kind


def test_every_answer_sends_no_referrer_so_the_token_does_not_leak_through_links(link):
    for kind, response in _every_kind_of_answer(link).items():
        assert response["Referrer-Policy"] == "no-referrer", kind
    assert '<meta name="referrer" content="no-referrer">' in _html(Client().get(link.get_absolute_url()))


def test_the_page_cache_never_keeps_a_proof_page_so_revoking_works_at_once(client, clock, link, settings):
    settings.PAGE_CACHE_ENABLED = True
    public = make_interview()
    client.get(public.get_absolute_url())
    assert "ETag" in client.get(public.get_absolute_url())  # the page cache is on and serving
    for _ in range(2):
        assert client.get(link.get_absolute_url()).status_code == 200
    revoke_share_link(link=link, by=None, now=MADE)
    assert client.get(link.get_absolute_url()).status_code == 410


def test_proof_addresses_are_kept_out_of_the_page_cache_before_it_looks_anything_up(client, link, settings):
    settings.PAGE_CACHE_ENABLED = True
    draft_pdfs.build_draft_pdf.call(link.issue.pk)  # as the worker would have
    with mock.patch("sitecache.middleware.state_now", wraps=versioning.state_now) as page_cache_lookup:
        assert client.get(link.get_absolute_url()).status_code == 200
        assert client.get(link.get_pdf_url()).status_code == 200
        assert not page_cache_lookup.called
        client.get(reverse("reader:home"))
        assert page_cache_lookup.called  # while other pages go through the page cache


def test_even_inside_the_page_cache_no_store_keeps_a_proof_page_out(client, link, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_EXCLUDE = [p for p in settings.PAGE_CACHE_EXCLUDE if p != "/proof/"]
    for _ in range(2):
        assert client.get(link.get_absolute_url()).status_code == 200
    revoke_share_link(link=link, by=None, now=MADE)
    assert client.get(link.get_absolute_url()).status_code == 410


# -- read-only; and once the issue is public, the public page -------------------------------------


def test_a_proof_link_is_read_only(link):
    browser = Client(enforce_csrf_checks=True)  # as a real browser: the CSRF check runs
    for url in (link.get_absolute_url(), link.get_pdf_url()):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(browser, method)(url, {"note": "changed"} if method == "post" else None)
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET, HEAD"
    assert browser.head(link.get_absolute_url()).status_code == 200
    link.refresh_from_db()
    assert link.note == "for Erkin Baydarov" and link.revoked_at is None


def test_once_the_issue_is_public_the_link_leads_to_its_public_page(client, clock, link):
    _publish(link.issue, public_from=MADE + DAY)
    clock.now = MADE + DAY
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == link.issue.get_absolute_url()
    pdf = client.get(link.get_pdf_url())
    assert pdf.status_code == 302 and pdf["Location"] == reverse(
        "reader:issue_pdf", args=[link.issue.series.slug, link.issue.number]
    )


def test_an_expired_link_to_an_issue_public_since_still_leads_to_it(client, clock, link):
    _publish(link.issue, public_from=MADE + DAY)
    clock.now = link.expires_at + 30 * DAY
    assert client.get(link.get_absolute_url())["Location"] == link.issue.get_absolute_url()


def test_a_revoked_link_stays_revoked_when_the_issue_is_public(client, clock, link):
    revoke_share_link(link=link, by=None, now=MADE)
    _publish(link.issue, public_from=MADE)
    assert client.get(link.get_absolute_url()).status_code == 410


def test_the_draft_pdf_with_the_file_storage_down_is_an_honest_503_never_a_traceback(client, link):
    from unittest import mock

    from printing import draft_pdfs

    with mock.patch.object(draft_pdfs, "stored_draft", side_effect=OSError("the storage does not answer")):
        response = client.get(reverse("sharing:proof_pdf", args=[link.token]))
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert "Nothing is lost" in _html(response)
