"""The content version is a database row renewed in the content's own transaction, once per transaction;
the page cache keys a page by the query parameters its view reads, and no others."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefs.models import Footnote, Issue, Question
from sitecache import versioning
from sitecache.models import ContentVersion
from tests.conftest import make_interview, make_series
from tests.editorial.test_edit_conflicts import open_form, save


def _stored_version():
    return ContentVersion.objects.get(pk=versioning.ROW).version


def _renewals(queries):
    """The statements that set a new version (not those that only note when the next scheduled change is)."""
    table = ContentVersion._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}" SET "version"')]


def _search_index_renewals():
    from unittest import mock

    import search.index

    return mock.patch.object(search.index, "new_state", wraps=search.index.new_state)


@pytest.mark.django_db(transaction=True)
def test_saving_an_issue_with_10_questions_through_the_admin_renews_the_version_once(client):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-for-tests-only")
    client.force_login(editor)
    issue = make_interview(questions=10, status=Issue.Status.DRAFT)
    fields = open_form(client, issue)
    edited = (
        fields | {"title": "A new title"} | {f"questions-{n}-answer": f"<p>A longer answer {n}.</p>" for n in range(10)}
    )
    before = _stored_version()
    with CaptureQueriesContext(connection) as queries, _search_index_renewals() as by_the_index:
        assert save(client, issue, edited).status_code == 302
    assert list(Question.objects.filter(issue=issue).values_list("answer", flat=True)) == [
        f"<p>A longer answer {n}.</p>" for n in range(10)
    ]
    # One in the save's transaction. The search index, brought up to date after the commit in a
    # transaction of its own (search.index), renews once more for the search pages.
    assert len(_renewals(queries.captured_queries)) - by_the_index.call_count == 1
    assert by_the_index.call_count <= 1
    assert _stored_version() != before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_of_many_writes_renews_once_and_a_rolled_back_one_never():
    issue = make_interview()
    before = _stored_version()
    with CaptureQueriesContext(connection) as queries, _search_index_renewals() as by_the_index:
        with transaction.atomic():
            for k in range(20):
                Footnote.objects.create(issue=issue, label=f"extra{k}", text="<p>x</p>")
    assert len(_renewals(queries.captured_queries)) - by_the_index.call_count == 1
    assert _stored_version() != before

    committed = _stored_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Footnote.objects.create(issue=issue, label="lost", text="<p>x</p>")
        raise RuntimeError("the save fails after its writes")
    assert _stored_version() == committed  # rolled back with the content

    # The next transaction renews again, whatever the one before did.
    Footnote.objects.create(issue=issue, label="kept", text="<p>x</p>")
    assert _stored_version() != committed


@pytest.mark.django_db(transaction=True)
def test_a_write_after_a_rolled_back_savepoint_that_held_the_renewal_renews_again():
    issue = make_interview()
    before = _stored_version()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint holding the transaction's first write, and its renewal
                Footnote.objects.create(issue=issue, label="tried", text="<p>x</p>")
                raise RuntimeError
        except RuntimeError:
            pass
        Footnote.objects.create(issue=issue, label="kept", text="<p>x</p>")
    assert Footnote.objects.filter(issue=issue, label="kept").exists()
    assert _stored_version() != before


@pytest.mark.django_db(transaction=True)
def test_a_commit_renews_even_with_every_cache_down():
    from unittest import mock

    issue = make_interview()
    before = _stored_version()
    with (
        mock.patch("sitecache.middleware.page_store", side_effect=ConnectionError("redis is down")),
        mock.patch.object(versioning, "cache", side_effect=ConnectionError("redis is down")),
    ):
        issue.title = "Saved while Redis was down"
        issue.save()
    assert _stored_version() != before


@pytest.mark.django_db
def test_a_page_read_inside_a_savepoint_that_is_rolled_back_is_never_served_afterwards(client):
    """A reader on the writing connection (a prepared change tried out) sees the uncommitted rows: what it
    caches there is keyed so that it is never current once they are rolled back."""
    issue = make_interview(title="The committed title")
    client.get(issue.get_absolute_url())
    with transaction.atomic():
        with transaction.atomic():
            Issue.objects.filter(pk=issue.pk).update(title="A title tried out")
            assert "A title tried out" in client.get(issue.get_absolute_url()).content.decode()
            transaction.set_rollback(True)
        assert "The committed title" in client.get(issue.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_working_copys_writes_leave_the_version_and_the_pages_alone_and_publishing_it_renews_them(client):
    from briefs import working_copies

    issue = make_interview(title="The committed title", footnotes=1)
    client.get(issue.get_absolute_url())
    before = versioning.read_state()
    copy = working_copies.start(issue, by=None)
    copy.title = "A title in the working copy"
    copy.save()
    for question in copy.questions.all():
        question.answer = "<p>Changed in the copy.</p>"
        question.save()
    copy.footnotes.first().delete()
    copy.topics.set([])
    assert versioning.read_state() == before
    assert "The committed title" in client.get(issue.get_absolute_url()).content.decode()
    working_copies.publish(issue, by=None, note="Title corrected.")
    assert versioning.read_state() != before
    assert "A title in the working copy" in client.get(issue.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_tracking_parameters_never_make_new_cache_entries_nor_reach_the_view(client):
    issue = make_interview(make_series())
    etags = {client.get(issue.get_absolute_url(), {"utm_campaign": n, "fbclid": f"x{n}"})["ETag"] for n in range(20)}
    pages = [key for key in versioning.cache()._cache if "sitecache:page" in key]
    assert len(pages) == 1 and len(etags) == 1
    html = client.get(issue.get_absolute_url(), {"utm_campaign": "spring"}).content.decode()
    assert "utm_campaign" not in html and "spring" not in html


@pytest.mark.django_db
def test_the_archive_is_cached_per_filter_and_page_it_reads_in_any_order(client):
    make_interview(make_series())
    archive = reverse("reader:archive")
    first = client.get(archive + "?year=2019&kind=interview&utm_source=news")
    same = client.get(archive + "?kind=interview&year=2019&fbclid=abc")
    other = client.get(archive + "?year=2019")
    assert first["ETag"] == same["ETag"] != other["ETag"]
    pages = [key for key in versioning.cache()._cache if "sitecache:page" in key]
    assert len(pages) == 2


@pytest.mark.django_db
def test_search_is_cached_per_query_but_not_per_tracking_parameter(client):
    make_interview(make_series(), title="Water in the steppe")
    search = reverse("reader:search")
    water = {client.get(search, {"q": "water", "utm_medium": n})["ETag"] for n in range(5)}
    steppe = client.get(search, {"q": "steppe"})["ETag"]
    assert len(water) == 1 and steppe not in water


@pytest.mark.django_db
def test_staff_requests_keep_every_query_parameter(editor_client):
    """Only anonymous pages are keyed and trimmed: the admin's own parameters (filters, ?ids=) reach it."""
    response = editor_client.get(reverse("admin:briefs_issue_changelist"), {"status__exact": "draft"})
    assert response.status_code == 200 and "status__exact=draft" in response.content.decode()


def test_one_lru_helper_serves_the_process_caches():
    from common.lru import LRU
    from sitecache import middleware

    assert isinstance(middleware._local_pages, LRU)
    cache = LRU(2)
    cache.put("a", 1), cache.put("b", 2), cache.get("a"), cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_an_anonymous_request_without_query_reads_no_url_resolver(rf):
    """The hot path, a cached page without a query string, costs no URL resolving for the key."""
    from unittest import mock

    from sitecache import middleware

    request = rf.get("/series/s/6/")
    with mock.patch.object(middleware, "resolve", side_effect=AssertionError("resolved")):
        middleware._page_key(request)


@pytest.mark.django_db
def test_the_anonymous_reader_in_a_fresh_client_gets_the_page_of_the_version_it_reads(client):
    issue = make_interview(title="The first title")
    assert "The first title" in Client().get(issue.get_absolute_url()).content.decode()
    Issue.objects.filter(pk=issue.pk).update(title="The second title")
    assert "The second title" in Client().get(issue.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_when_the_version_cannot_be_read_no_page_is_served_from_a_cache_and_the_edit_shows(client):
    """A locked or refusing database row (SQLite's "database table is locked") fails closed, never 500."""
    from unittest import mock

    from django.db import OperationalError

    issue = make_interview(title="The title as first cached")
    assert "The title as first cached" in client.get(issue.get_absolute_url()).content.decode()  # cached now
    Issue.objects.filter(pk=issue.pk).update(title="The title as edited")
    locked = OperationalError("database table is locked")
    with mock.patch.object(versioning, "_stored_state", side_effect=locked), CaptureQueriesContext(connection):
        response = client.get(issue.get_absolute_url())
        again = client.get(issue.get_absolute_url())
    assert response.status_code == 200 and "The title as edited" in response.content.decode()
    assert "ETag" not in response  # nothing claims to be current
    assert again.status_code == 200 and "The title as edited" in again.content.decode()
    # Once the row answers again, pages are cached as before.
    assert "ETag" in client.get(issue.get_absolute_url())


@pytest.mark.django_db
def test_a_cached_page_s_links_never_carry_another_reader_s_tracking_parameters(client):
    """A person's page copies its address's parameters into its page links: only the ones it reads."""
    from briefs.models import Contribution
    from tests.conftest import make_issue, make_person

    person, series = make_person(biography="<p>Writes a lot.</p>"), make_series()
    for _ in range(26):  # two pages of 25
        Contribution.objects.create(issue=make_issue(series), person=person, role=Contribution.Role.AUTHOR)
    first = client.get(person.get_absolute_url(), {"utm_source": "newsletter-of-someone-else"}).content.decode()
    assert "utm_source" not in first and 'href="?page=2"' in first
    again = client.get(person.get_absolute_url()).content.decode()  # the page as cached by the first reader
    assert "utm_source" not in again
