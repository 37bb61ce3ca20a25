"""Who previews drafts and scheduled issues on the public site: staff who may view issues, nobody else."""

import datetime

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from briefs.models import Issue
from sitecache import versioning
from sitecache.middleware import may_preview
from tests.conftest import make_interview, make_staff

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def addresses(issue):
    """The issue's page, its short address and its PDF."""
    return [
        issue.get_absolute_url(),
        reverse("reader:issue_short_url", args=[issue.series.slug, issue.number]),
        reverse("reader:issue_pdf", args=[issue.series.slug, issue.number]),
    ]


def cached_pages():
    return [key for key in versioning.cache()._cache if "sitecache:page" in key]


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Issue.Status.DRAFT},
        {"publication_date": datetime.date(2999, 1, 1)},  # scheduled
    ],
    ids=["draft", "scheduled"],
)
def test_staff_without_permission_to_view_issues_get_404_for_a_hidden_issue_s_page_and_pdf(hidden):
    issue = make_interview(title="A secret title", **hidden)
    staff = signed_in(make_staff("briefs.change_series", "people.view_person"))
    for url in addresses(issue):
        response = staff.get(url)
        assert response.status_code == 404, url
        assert "A secret title" not in response.content.decode(errors="replace"), url


def test_programme_staff_get_404_for_a_draft(client_in_role):
    draft = make_interview(status=Issue.Status.DRAFT)
    staff = client_in_role("Programme staff")
    assert [staff.get(url).status_code for url in addresses(draft)] == [404, 404, 404]


def test_an_editor_previews_a_draft_s_page_and_its_pdf(client_in_role, django_capture_on_commit_callbacks):
    draft = make_interview(status=Issue.Status.DRAFT)
    editor = client_in_role("Editor")
    page = editor.get(draft.get_absolute_url())
    assert page.status_code == 200 and 'class="draft-banner"' in page.content.decode()
    assert "no-cache" in page["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):  # the worker builds it (in-process here)
        assert editor.get(addresses(draft)[2]).status_code == 503  # being prepared
    pdf = editor.get(addresses(draft)[2])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_view_issue_permission_alone_is_enough_to_preview():
    draft = make_interview(status=Issue.Status.DRAFT)
    assert signed_in(make_staff("briefs.view_issue")).get(draft.get_absolute_url()).status_code == 200


def test_a_signed_in_user_who_is_not_staff_does_not_preview_even_with_the_permission(django_user_model):
    draft = make_interview(status=Issue.Status.DRAFT)
    user = make_staff("briefs.view_issue")
    django_user_model.objects.filter(pk=user.pk).update(is_staff=False)
    assert signed_in(user).get(draft.get_absolute_url()).status_code == 404


def test_staff_without_the_permission_read_public_issues_but_their_pages_never_enter_the_page_cache():
    public = make_interview(title="The public title")
    draft = make_interview(public.series, status=Issue.Status.DRAFT)
    staff = signed_in(make_staff())
    assert staff.get(public.get_absolute_url()).status_code == 200
    assert staff.get(draft.get_absolute_url()).status_code == 404
    assert staff.get("/").status_code == 200
    assert cached_pages() == []
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_deciding_whether_an_anonymous_visitor_previews_reads_neither_the_session_nor_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")  # no session cookie, and no request.user to ask
    with django_assert_num_queries(0):
        assert may_preview(request) is False


def test_staff_without_permission_to_view_issues_get_the_public_s_410_for_a_withdrawn_issue_not_its_text():
    withdrawn = make_interview(
        title="A withdrawn title", status=Issue.Status.WITHDRAWN, withdrawal_notice="Withdrawn at the author's request."
    )
    withdrawn.questions.update(question="<p>A sentence only editors may read again?</p>")
    staff = signed_in(make_staff("people.view_person"))
    for url in addresses(withdrawn):
        response = staff.get(url)
        assert response.status_code == 410, url
        assert "only editors may read again" not in response.content.decode(errors="replace"), url
    editor = signed_in(make_staff("briefs.view_issue"))
    assert "only editors may read again" in editor.get(withdrawn.get_absolute_url()).content.decode()
