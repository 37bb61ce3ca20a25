"""Series front matter kept in memory: never stale after an edit, whatever the path."""

import datetime
import threading

import pytest
from django.db import connections
from django.urls import reverse

from briefs.front_matter import front_matter
from briefs.models import AboutSection, EditorialMembership, Issue, Series
from tests.conftest import (
    VERSION_QUERIES,
    make_about,
    make_interview,
    make_membership,
    make_person,
    make_series,
    settle_content_version,
)
from tests.reader.test_query_budget import ISSUE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def _page(client, issue):
    return client.get(issue.get_absolute_url()).content.decode()


@pytest.fixture
def issue():
    series = make_series()
    make_about(series, "About the Programme", "<p>Original text.</p>")
    make_membership(
        series,
        role="editor",
        person=make_person(given_name="Janny", family_name="Schulz"),
        position="Programme Manager",
    )
    return make_interview(series)


def test_a_second_visit_reuses_the_document_and_front_matter_and_costs_one_query(
    client, issue, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here, not the page cache
    settle_content_version()
    with django_assert_num_queries(ISSUE_PAGE_QUERIES):
        client.get(issue.get_absolute_url())
    with django_assert_num_queries(1 + VERSION_QUERIES):  # the issue: its document is kept under the version
        html = _page(client, issue)
    assert "About the Programme" in html and "Janny Schulz" in html


def test_from_scratch_every_visit_makes_the_document_and_front_matter_again(
    client, issue, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False
    settings.CONTENT_CACHES = False  # as the benchmark's renders from scratch
    _page(client, issue)
    for _ in range(2):
        with django_assert_num_queries(
            ISSUE_PAGE_QUERIES - VERSION_QUERIES
        ):  # neither the page cache nor any kept content reads the version
            html = _page(client, issue)
    assert "About the Programme" in html and "Janny Schulz" in html


def test_a_kept_document_follows_every_write_even_one_that_sends_no_signal(client, issue, settings):
    """A bulk update sends no model signal; it renews the content version all the same."""
    settings.PAGE_CACHE_ENABLED = False
    assert "Renamed by a bulk update" not in _page(client, issue)
    Issue.objects.filter(pk=issue.pk).update(title="Renamed by a bulk update")
    assert "Renamed by a bulk update" in _page(client, issue)
    AboutSection.objects.filter(series=issue.series).update(title="About, renamed in bulk")
    assert "About, renamed in bulk" in _page(client, issue)


def test_an_about_section_edited_in_the_admin_shows_on_the_next_request(editor_client, issue):
    _page(editor_client, issue)
    section = AboutSection.objects.get()
    data = {
        "name": issue.series.name,
        "slug": issue.series.slug,
        "programme": str(issue.series.programme_id),
        "introduction": "",
        "issn": "2627-7190",
        "place_of_publication": "",
        "website": "",
        "email": "",
        "hashtag": "",
        "about_sections-TOTAL_FORMS": "1",
        "about_sections-INITIAL_FORMS": "1",
        "about_sections-MIN_NUM_FORMS": "0",
        "about_sections-MAX_NUM_FORMS": "1000",
        "about_sections-0-id": str(section.pk),
        "about_sections-0-series": str(issue.series.pk),
        "about_sections-0-sort_order": "1",
        "about_sections-0-title": "About the Programme",
        "about_sections-0-body": "<p>Corrected text.</p>",
        "editorial_memberships-TOTAL_FORMS": "0",
        "editorial_memberships-INITIAL_FORMS": "0",
        "editorial_memberships-MIN_NUM_FORMS": "0",
        "editorial_memberships-MAX_NUM_FORMS": "1000",
    }
    response = editor_client.post(reverse("admin:briefs_series_change", args=[issue.series.pk]), data)
    assert response.status_code == 302
    html = _page(editor_client, issue)
    assert "Corrected text." in html and "Original text." not in html


def test_team_changes_show_on_the_next_request(client, issue):
    _page(client, issue)
    person = EditorialMembership.objects.get().person
    person.honorific = "Dr"
    person.save()
    assert "Dr Janny Schulz" in _page(client, issue)

    make_membership(issue.series, role="layout", person=make_person(given_name="Fabian", family_name="Weber"))
    assert "Fabian Weber" in _page(client, issue)

    EditorialMembership.objects.filter(person__family_name="Schulz").delete()  # as the admin's bulk delete does
    assert "Janny Schulz" not in _page(client, issue)

    membership = EditorialMembership.objects.get()
    membership.end_date = datetime.date(2000, 1, 1)
    membership.save()
    assert "Fabian Weber" not in _page(client, issue)


def test_a_deleted_section_disappears_and_other_series_are_not_affected(client, issue):
    other = make_interview(make_series())
    make_about(other.series, "About Other")
    _page(client, issue), _page(client, other)
    AboutSection.objects.filter(series=issue.series).delete()
    assert "About the Programme" not in _page(client, issue)
    assert "About Other" in _page(client, other)


def test_a_bulk_create_that_sends_no_signal_is_seen_at_once_through_the_content_version(issue):
    series = Series.objects.get(pk=issue.series_id)
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme"]
    AboutSection.objects.bulk_create(
        [AboutSection(series=series, title="Added in bulk", body="<p>x</p>", sort_order=5)]
    )
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme", "Added in bulk"]


def test_a_change_made_by_another_process_is_seen_through_the_token_or_the_version(issue):
    from django.db import connection

    from sitecache.versioning import new_state

    series = Series.objects.get(pk=issue.series_id)
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme"]
    # Another process wrote a row behind this one's back (raw SQL: no signal, no queryset)...
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO briefs_aboutsection (series_id, title, body, sort_order) VALUES (%s, %s, %s, %s)",
            [series.pk, "Added elsewhere", "<p>x</p>", 5],
        )
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme"]
    # ...and renewed the token in the database: seen on the next read of the series.
    Series.objects.filter(pk=series.pk).update(front_matter_token="00000000-0000-0000-0000-000000000001")
    series.refresh_from_db()
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme", "Added elsewhere"]
    # A new content version in the shared cache is seen too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE briefs_aboutsection SET title = %s WHERE title = %s", ["Renamed elsewhere", "Added elsewhere"]
        )
    new_state()
    assert [s.title for s in front_matter(series).about_sections] == ["About the Programme", "Renamed elsewhere"]


def test_an_edit_another_worker_commits_during_a_request_is_seen_through_the_series_token(transactional_db):
    """The content version is read once per request; the series row is read afresh by the issue's query.

    So an edit of the about sections or the team that another worker commits while a
    request is under way is seen through the token that edit put on the series row,
    not through the version: the front matter is never older than the series row it
    is given. Each edit runs in a thread of its own, on a connection of its own.
    """
    from sitecache.versioning import serving, version_now

    series = make_series()
    section = make_about(series, "About the Programme", "<p>Original text.</p>")
    member = make_person(given_name="Janny", family_name="Schulz")
    make_membership(series, role="editor", person=member, position="Programme Manager")

    def committed_by_another_worker(edit):
        worker = threading.Thread(target=lambda: (edit(), connections.close_all()))
        worker.start()
        worker.join()

    def shown(series_pk):
        front = front_matter(Series.objects.get(pk=series_pk))  # as the issue's query reads it
        return [s.title for s in front.about_sections], [str(m.person) for m in front.memberships]

    with serving():
        version = version_now()
        assert shown(series.pk) == (["About the Programme"], ["Janny Schulz"])

        section.title = "About EUCACIS"
        committed_by_another_worker(section.save)
        assert shown(series.pk) == (["About EUCACIS"], ["Janny Schulz"])

        committed_by_another_worker(
            lambda: make_membership(series, role="layout", person=make_person(given_name="Fabian", family_name="Weber"))
        )
        assert shown(series.pk) == (["About EUCACIS"], ["Janny Schulz", "Fabian Weber"])

        member.honorific = "Dr"
        committed_by_another_worker(member.save)
        assert shown(series.pk) == (["About EUCACIS"], ["Dr Janny Schulz", "Fabian Weber"])

        assert version_now() == version, "this request's version was read once, before the edits"
