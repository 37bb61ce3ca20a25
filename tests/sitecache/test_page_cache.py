"""The page cache: anonymous readers get cached pages that are never stale."""

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefs.models import AboutSection, Footnote, Issue
from people.models import Person
from sitecache import versioning
from tests.conftest import make_about, make_interview, make_membership, make_person, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    series = make_series(name="EUCACIS in Brief")
    make_about(series, "About the Programme", "<p>Original about text.</p>")
    make_membership(series, role="editor", person=make_person(given_name="Janny", family_name="Schulz"))
    return make_interview(series, title="The original title", publication_date=datetime.date(2019, 2, 1))


def test_a_second_anonymous_request_is_served_from_the_cache_after_one_query_for_the_version(
    client, issue, django_assert_num_queries
):
    first = client.get(issue.get_absolute_url())
    with django_assert_num_queries(1):  # the content version's row
        second = client.get(issue.get_absolute_url())
    assert second.status_code == 200 and second.content == first.content
    assert second["ETag"] == first["ETag"] and second["Content-Type"].startswith("text/html")


def test_anonymous_responses_never_vary_on_cookies_and_let_a_cdn_revalidate(client, issue):
    for url in [
        "/",
        reverse("reader:archive"),
        issue.get_absolute_url(),
        issue.series.get_absolute_url(),
        reverse("reader:fellows_directory"),
    ]:
        for response in (client.get(url), client.get(url)):  # rendered, then cached
            assert "Cookie" not in response.get("Vary", ""), url
            assert "public" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"], url
            assert response["ETag"] and response["Last-Modified"], url


def test_a_matching_etag_gets_304_without_rendering(client, issue, django_assert_num_queries):
    etag = client.get(issue.get_absolute_url())["ETag"]
    with django_assert_num_queries(1):  # the content version's row
        response = client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag and not response.content


def test_if_modified_since_alone_never_hides_an_edit_made_within_the_same_second(
    client, issue, django_capture_on_commit_callbacks
):
    last_modified = client.get(issue.get_absolute_url())["Last-Modified"]
    with django_capture_on_commit_callbacks(execute=True):
        _title_edit(issue)  # within the same second as the page above
    response = client.get(issue.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 200 and "A corrected title" in response.content.decode()


def _title_edit(issue):
    issue.title = "A corrected title"
    issue.save()
    return "A corrected title"


def _about_edit(issue):
    section = AboutSection.objects.get(series=issue.series)
    section.body = "<p>New about text.</p>"
    section.save()
    return "New about text."


def _team_edit(issue):
    make_membership(issue.series, role="publisher", person=make_person(given_name="Mathias", family_name="Jopp"))
    return "Mathias Jopp"


def _name_edit(issue):
    person = Person.objects.get(family_name="Schulz")
    person.family_name = "Schulz-Berg"
    person.save()
    return "Schulz-Berg"


def _queryset_update(issue):
    Person.objects.filter(family_name="Schulz").update(given_name="Johanna")
    return "Johanna Schulz"


def _bulk_create(issue):
    Issue.objects.filter(pk=issue.pk).update(introduction="<p>Intro[^late].</p>")
    Footnote.objects.bulk_create([Footnote(issue=issue, label="late", text="<p>A late note.</p>")])
    return "A late note."


@pytest.mark.parametrize(
    "edit",
    [_title_edit, _about_edit, _team_edit, _name_edit, _queryset_update, _bulk_create],
    ids=["issue-saved", "about-section", "team", "person-name", "queryset-update", "bulk-create"],
)
def test_a_change_shows_on_the_next_request(client, issue, edit, django_capture_on_commit_callbacks):
    before = client.get(issue.get_absolute_url())
    client.get(issue.get_absolute_url())  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        expected = edit(issue)
    response = client.get(issue.get_absolute_url())
    assert expected in response.content.decode()
    assert response["ETag"] != before["ETag"]
    # and a browser revalidating with the old ETag gets the new page, not a 304
    assert client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_change_made_in_another_process_shows_on_the_next_request(client, issue):
    client.get("/")
    versioning.new_state()  # what a write in another worker does to the shared state
    with mock.patch("reader.views.render", wraps=__import__("reader.views", fromlist=["render"]).render) as render:
        client.get("/")
    assert render.call_count == 1


def test_a_scheduled_issue_appears_on_the_home_page_and_archive_at_its_time_with_no_cron(client, issue):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    scheduled = make_interview(issue.series, title="Tomorrow's interview", publication_date=tomorrow)
    assert "Tomorrow&#x27;s interview" not in client.get("/").content.decode()
    assert "Tomorrow&#x27;s interview" not in client.get(reverse("reader:archive")).content.decode()
    at_midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    assert versioning.read_state().next_change == at_midnight
    with mock.patch("django.utils.timezone.now", return_value=at_midnight + datetime.timedelta(seconds=1)):
        assert "Tomorrow&#x27;s interview" in client.get("/").content.decode()
        assert "Tomorrow&#x27;s interview" in client.get(reverse("reader:archive")).content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_a_staff_preview_never_enters_the_cache(editor_client, issue):
    draft = make_interview(issue.series, status=Issue.Status.DRAFT, title="A secret draft")
    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "no-cache" in preview["Cache-Control"]
    assert Client().get(draft.get_absolute_url()).status_code == 404
    # staff pages are never served from the cache, even public ones
    editor_client.get(issue.get_absolute_url())
    assert "Draft preview" not in Client().get(issue.get_absolute_url()).content.decode()
    keys = [k for k in versioning.cache()._cache if "sitecache:page" in k]
    assert len(keys) == 1  # only the anonymous request's page


def test_only_successful_pages_are_cached(client, issue):
    client.get("/no-such-page/")
    client.get("/series/nope/1/x/")
    assert not [k for k in versioning.cache()._cache if "sitecache:page" in k]


def test_the_admin_is_never_cached(client, issue):
    client.get("/admin/login/")
    assert not [k for k in versioning.cache()._cache if "sitecache:page" in k]


def test_when_the_cache_is_down_pages_are_rendered(client, issue):
    with mock.patch("sitecache.middleware.page_store", side_effect=ConnectionError("redis is down")):
        response = client.get(issue.get_absolute_url())
    assert response.status_code == 200 and "The original title" in response.content.decode()


def test_query_parameters_the_page_reads_are_cached_separately(client, issue):
    first = client.get(reverse("reader:archive"))
    second = client.get(reverse("reader:archive"), {"page": 2})
    assert first["ETag"] != second["ETag"]


def test_renew_content_version_makes_every_cached_page_render_again(client, issue):
    import io

    from django.core.management import call_command
    from django.db import connection

    etag = client.get(issue.get_absolute_url())["ETag"]
    with connection.cursor() as cursor:  # a restore writes behind the site's back
        cursor.execute("UPDATE briefs_issue SET title = %s WHERE id = %s", ["Restored from a backup", issue.pk])
    assert client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    out = io.StringIO()
    call_command("renew_content_version", stdout=out)
    assert "New content version" in out.getvalue()
    response = client.get(issue.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Restored from a backup" in response.content.decode()


def test_a_team_term_ending_renews_the_team_page_the_day_after_its_last_day(client, issue):
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    make_membership(
        issue.series, role="layout", person=make_person(given_name="Fabian", family_name="Weber"), end_date=last_day
    )
    team = reverse("reader:series_team", args=[issue.series.slug])
    assert "Fabian Weber" in client.get(team).content.decode().split("Former members")[0]
    next_day = timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))
    assert versioning.read_state().next_change == next_day
    with mock.patch("django.utils.timezone.now", return_value=next_day + datetime.timedelta(minutes=1)):
        current = client.get(team).content.decode().split("Former members")[0]
    assert "Fabian Weber" not in current


def test_a_new_year_renews_the_pages_even_with_nothing_scheduled(issue):
    now = timezone.make_aware(datetime.datetime(2031, 6, 1, 12, 0))
    assert versioning.new_state(now).next_change == timezone.make_aware(datetime.datetime(2032, 1, 1))


def test_a_cached_page_keeps_every_security_header_it_was_rendered_with(client, issue):
    rendered = client.get(issue.get_absolute_url())
    cached = client.get(issue.get_absolute_url())
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
    ):
        assert rendered.get(header) and cached.get(header) == rendered.get(header), header


def test_plain_http_is_still_redirected_to_https_when_the_page_is_cached(client, issue, settings):
    client.get(issue.get_absolute_url(), secure=True)
    client.get(issue.get_absolute_url(), secure=True)  # cached
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new handler: SecurityMiddleware reads the setting when it is built
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(issue.get_absolute_url(), secure=True).status_code == 200


def test_a_missing_version_row_is_made_again_on_the_next_request(client, issue):
    from sitecache.models import ContentVersion

    first = client.get(issue.get_absolute_url())
    ContentVersion.objects.all().delete()  # a flushed database: no version at all
    second = client.get(issue.get_absolute_url())
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert ContentVersion.objects.count() == 1
