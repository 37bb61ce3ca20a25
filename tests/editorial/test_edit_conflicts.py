"""Two editors on one issue: the second save from an outdated form is refused, never silently applied.

Each test opens the admin page as a browser would (every field, hidden ones
included, sent back unchanged unless the test types something), so the form's
own record of the version it was opened at travels as it does in real use.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue
from briefs.workflow import apply_transition
from tests.conftest import make_interview
from tests.http_helpers import Form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name, full in (("albina", "Albina Muratbekova"), ("janny", "Janny Schulz")):
        first, last = full.split()
        user = django_user_model.objects.create_superuser(
            name, f"{name}@example.org", "pw-for-tests-only", first_name=first, last_name=last
        )
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.fixture
def issue():
    return make_interview(status=Issue.Status.DRAFT, footnotes=2, title="The original title")


def change_url(issue):
    return reverse("admin:briefs_issue_change", args=[issue.pk])


def open_form(client, issue):
    """The issue form's fields as the page gives them: a dict for single fields."""
    response = client.get(change_url(issue))
    assert response.status_code == 200
    return form_of(response)


def form_of(response):
    parser = Form("issue_form")
    parser.feed(response.content.decode())
    return dict(parser.fields)


def save(client, issue, fields):
    return client.post(change_url(issue), fields | {"_continue": "Save and continue editing"})


def test_the_second_save_is_refused_naming_who_changed_what_and_everything_typed_stays(two_editors, issue):
    albina, janny = two_editors
    albinas, jannys = open_form(albina, issue), open_form(janny, issue)
    assert save(albina, issue, albinas | {"title": "Albina's better title"}).status_code == 302

    typed = jannys | {
        "introduction": "<p>Janny's new introduction.</p>",
        "footnotes-0-text": "<p>Janny's corrected note.</p>",
    }
    response = save(janny, issue, typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your changes were NOT saved: someone else changed this issue after you opened it." in html
    assert "Albina Muratbekova saved it at" in html and "Changed Title." in html
    assert "Janny&#x27;s new introduction." in html or "Janny's new introduction." in html
    assert "Janny&#x27;s corrected note." in html or "Janny's corrected note." in html

    issue.refresh_from_db()
    assert issue.title == "Albina's better title" and issue.introduction == ""
    assert issue.footnotes.get(label="n0").text == "<p>Note text 0</p>"

    # Having seen what changed, Janny merges (keeps Albina's title) and saves again.
    merged = form_of(response) | {"title": "Albina's better title"}
    assert save(janny, issue, merged).status_code == 302
    issue.refresh_from_db()
    assert issue.title == "Albina's better title" and issue.introduction == "<p>Janny's new introduction.</p>"
    assert issue.footnotes.get(label="n0").text == "<p>Janny's corrected note.</p>"


def test_a_change_to_an_inline_alone_also_makes_a_later_save_from_an_older_form_conflict(two_editors, issue):
    albina, janny = two_editors
    albinas, jannys = open_form(albina, issue), open_form(janny, issue)
    assert (
        save(albina, issue, albinas | {"questions-0-question": "<p>Albina's sharper question?</p>"}).status_code == 302
    )
    response = save(janny, issue, jannys | {"questions-1-answer": "<p>Janny's fuller answer.</p>"})
    html = response.content.decode()
    assert "NOT saved" in html and "Changed Question" in html
    assert [q.answer for q in Issue.objects.get(pk=issue.pk).questions.order_by("sort_order")] == [
        "<p>Answer 0[^n0].</p>",
        "<p>Answer 1[^n1].</p>",
    ]


def test_a_workflow_step_taken_meanwhile_is_named_in_the_refusal(two_editors, issue, django_user_model):
    albina, _janny = two_editors
    albinas = open_form(albina, issue)
    apply_transition(issue, "submit", by=django_user_model.objects.get(username="janny"))
    html = save(albina, issue, albinas | {"title": "Too late"}).content.decode()
    assert "NOT saved" in html and "Janny Schulz moved it from Draft to In review" in html
    assert Issue.objects.get(pk=issue.pk).title == "The original title"


def test_a_form_sent_without_the_version_it_was_opened_at_is_refused(two_editors, issue):
    albina, _ = two_editors
    fields = open_form(albina, issue)
    del fields["loaded_version"]
    assert "NOT saved" in save(albina, issue, fields | {"title": "Crafted"}).content.decode()
    assert Issue.objects.get(pk=issue.pk).title == "The original title"


def test_saves_one_after_another_from_fresh_forms_all_go_through(two_editors, issue):
    albina, janny = two_editors
    assert save(albina, issue, open_form(albina, issue) | {"title": "One"}).status_code == 302
    assert save(janny, issue, open_form(janny, issue) | {"title": "Two"}).status_code == 302
    issue.refresh_from_db()
    assert issue.title == "Two" and issue.edit_version == 3


def test_opening_an_issue_someone_else_has_open_names_them_and_since_when(two_editors, issue):
    albina, janny = two_editors
    open_form(albina, issue)
    html = janny.get(change_url(issue)).content.decode()
    assert "Also open for editing by: Albina Muratbekova (open since" in html
    assert "Albina Muratbekova (open since" not in html.split("Also open for editing by:")[0]
    html = albina.get(change_url(issue)).content.decode()
    assert "Also open for editing by: Janny Schulz (open since" in html and "Albina Muratbekova (open" not in html


def test_who_has_an_issue_open_is_forgotten_once_they_save_and_leave(two_editors, issue):
    albina, janny = two_editors
    fields = open_form(albina, issue)
    assert "Albina Muratbekova" in janny.get(change_url(issue)).content.decode()
    fields.pop("_continue", None)
    response = albina.post(change_url(issue), fields | {"_save": "Save"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:briefs_issue_changelist")
    assert "Also open for editing" not in janny.get(change_url(issue)).content.decode()


def test_a_row_another_editor_deleted_stays_on_the_page_with_what_was_typed_and_can_be_saved_again(two_editors):
    albina, janny = two_editors
    issue = make_interview(status=Issue.Status.DRAFT, questions=4, footnotes=4)
    albinas, jannys = open_form(albina, issue), open_form(janny, issue)
    deleted = albinas["questions-1-id"]
    assert (
        save(
            albina,
            issue,
            albinas
            | {"questions-1-DELETE": "on", "footnotes-1-DELETE": "on", "questions-1-answer": "<p>Answer 1.</p>"},
        ).status_code
        == 302
    )

    typed = jannys | {
        "questions-1-answer": "<p>Janny's fuller answer[^n1].</p>",
        "questions-3-answer": "<p>Janny's last answer[^n3].</p>",
    }
    response = save(janny, issue, typed)
    html = response.content.decode()
    assert "NOT saved" in html
    assert "Someone deleted question 2, footnote “n1” while you were editing" in html
    assert "Janny&#x27;s fuller answer" in html or "Janny's fuller answer" in html
    assert "Janny&#x27;s last answer" in html or "Janny's last answer" in html

    again = form_of(response)
    assert again["questions-INITIAL_FORMS"] == "3" and again["questions-TOTAL_FORMS"] == "4"
    assert save(janny, issue, again).status_code == 302
    answers = list(issue.questions.order_by("sort_order").values_list("answer", flat=True))
    assert "<p>Janny's fuller answer[^n1].</p>" in answers and "<p>Janny's last answer[^n3].</p>" in answers
    assert str(deleted) not in {str(pk) for pk in issue.questions.values_list("pk", flat=True)}
    assert issue.footnotes.filter(label="n1").exists()


# -- Presence: a notice that goes when the other editor leaves --


PRESENCE_MARKER = re.compile(r'<div id="issue-presence" hidden data-url="([^"]+)" data-page="([^"]+)">')


def open_page(client, issue):
    """Open the issue's page; returns where and what its beacon sends when the page is left."""
    html = client.get(change_url(issue)).content.decode()
    url, page = PRESENCE_MARKER.search(html).groups()
    return url, page


def leave(client, beacon):
    url, page = beacon
    return client.post(url, {"page": page})


def test_someone_else_having_the_issue_open_is_a_notice_not_an_error(two_editors, issue):
    albina, janny = two_editors
    open_form(albina, issue)
    html = janny.get(change_url(issue)).content.decode()
    assert '<p class="presence-note also-open" role="status">Also open for editing by: Albina' in html
    assert "errornote also-open" not in html


def test_who_closes_the_issues_page_or_leaves_it_by_a_link_is_forgotten_at_once(two_editors, issue):
    albina, janny = two_editors
    beacon = open_page(albina, issue)
    assert "Also open for editing by: Albina" in janny.get(change_url(issue)).content.decode()
    response = leave(albina, beacon)
    assert response.status_code == 204
    assert "Also open for editing" not in janny.get(change_url(issue)).content.decode()


def test_the_late_beacon_of_a_page_since_reloaded_ends_nothing(two_editors, issue):
    albina, janny = two_editors
    first = open_page(albina, issue)
    open_page(albina, issue)  # reloaded, or saved with “Save and continue editing”
    leave(albina, first)
    assert "Also open for editing by: Albina" in janny.get(change_url(issue)).content.decode()


def test_the_beacon_needs_the_csrf_token_and_a_post(two_editors, issue, django_user_model):
    albina, janny = two_editors
    url, page = open_page(albina, issue)
    careful = Client(enforce_csrf_checks=True)
    careful.force_login(django_user_model.objects.get(username="albina"))
    assert careful.post(url, {"page": page}).status_code == 403
    assert albina.get(url, {"page": page}).status_code == 405
    assert "Also open for editing by: Albina" in janny.get(change_url(issue)).content.decode()


def test_the_beacon_of_someone_who_may_not_change_the_issue_is_not_found(two_editors, issue, client):
    from tests.conftest import make_staff

    albina, _janny = two_editors
    url, page = open_page(albina, issue)
    client.force_login(make_staff("briefs.view_issue"))
    assert client.post(url, {"page": page}).status_code == 404


def test_who_leaves_no_beacon_is_forgotten_once_their_last_request_is_older_than_open_for(
    two_editors, issue, django_user_model
):
    from editorial.editing import OPEN_FOR, note_open

    albina, janny = (django_user_model.objects.get(username=name) for name in ("albina", "janny"))
    opened = timezone.now()
    note_open(issue.pk, albina, page="p1", now=opened)
    assert [e.name for e in note_open(issue.pk, janny, now=opened + OPEN_FOR - datetime.timedelta(seconds=1))] == [
        "Albina Muratbekova"
    ]
    assert note_open(issue.pk, janny, now=opened + OPEN_FOR) == []
