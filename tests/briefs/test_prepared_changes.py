"""Editing a public issue prepares its next version; readers keep the published one until it is published.

The admin form is opened and sent back as a browser would (hidden fields
included), so the tests go through the same path as an editor's clicks.
"""

import pytest
from django.test import Client
from django.urls import reverse

from briefs.models import Correction, Issue, IssueTransition, PendingChange, Question
from briefs.workflow import apply_transition
from tests.conftest import make_interview
from tests.editorial.test_edit_conflicts import change_url, form_of, open_form, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_issue():
    return make_interview(footnotes=2, title="The published title")


def reader_sees(issue):
    response = Client().get(reverse("reader:issue_short_url", args=[issue.series.slug, issue.number]), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_saved_edit_of_a_public_issue_is_prepared_and_readers_keep_the_published_text(editor_client, public_issue):
    fields = open_form(editor_client, public_issue)
    fields |= {
        "title": "The corrected title",
        "questions-1-answer": "<p>A corrected answer[^n1].</p>",
        "questions-TOTAL_FORMS": "3",
        "questions-2-question": "<p>A new question?</p>",
        "questions-2-answer": "<p>A new answer.</p>",
        "questions-2-sort_order": "3",
        "questions-2-issue": str(public_issue.pk),
    }
    response = save(editor_client, public_issue, fields)
    assert response.status_code == 302
    messages = [str(m) for m in editor_client.get(response["Location"]).context["messages"]]
    assert any("saved as a prepared change: readers still see the published version" in m for m in messages)

    html = reader_sees(public_issue)
    assert "The published title" in html and "The corrected title" not in html and "A new question?" not in html
    public_issue.refresh_from_db()
    assert public_issue.title == "The published title" and public_issue.questions.count() == 2
    assert PendingChange.objects.filter(issue=public_issue).exists()

    # The editor's form now shows the prepared version, and the preview shows it as readers will see it.
    page = editor_client.get(change_url(public_issue)).content.decode()
    assert "A prepared change is waiting" in page and "The corrected title" in page and "A new question?" in page
    preview = editor_client.get(reverse("admin:briefs_issue_prepared_preview", args=[public_issue.pk]))
    assert (
        "Preview of the prepared change" in preview.content.decode()
        and "A corrected answer" in preview.content.decode()
    )
    assert "no-cache" in preview["Cache-Control"]


def test_publishing_a_change_that_alters_the_text_needs_a_correction_note_then_shows_it(editor_client, public_issue):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "The corrected title"})
    step = reverse("admin:briefs_issue_transition", args=["publish_change"]) + f"?ids={public_issue.pk}"
    page = editor_client.get(step).content.decode()
    assert "Correction note for readers" in page
    response = editor_client.post(step, {"ids": str(public_issue.pk), "comment": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert "The published title" in reader_sees(public_issue)

    response = editor_client.post(step, {"ids": str(public_issue.pk), "comment": "The title misnamed the agreement."})
    assert response.status_code == 302
    html = reader_sees(public_issue)
    assert "The corrected title" in html
    assert "Corrected on" in html and "The title misnamed the agreement." in html
    assert not PendingChange.objects.exists()
    assert Correction.objects.get().issue == public_issue
    assert IssueTransition.objects.filter(issue=public_issue, name="publish_change").exists()


def test_the_service_refuses_to_publish_a_text_change_without_a_note(user_with_publish, public_issue, editor_client):
    from django.core.exceptions import ValidationError

    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Changed"})
    with pytest.raises(ValidationError, match="correction note"):
        apply_transition(public_issue, "publish_change", by=user_with_publish, comment="")
    assert Issue.objects.get(pk=public_issue.pk).title == "The published title"


def test_new_rows_of_a_prepared_change_get_their_own_ids_when_published_and_deleted_rows_go(
    editor_client, public_issue
):
    fields = open_form(editor_client, public_issue) | {
        "questions-TOTAL_FORMS": "3",
        "questions-2-question": "<p>Added question?</p>",
        "questions-2-answer": "<p>Added answer[^n0].</p>",
        "questions-2-sort_order": "3",
        "questions-2-issue": str(public_issue.pk),
        "questions-0-DELETE": "on",
    }
    assert save(editor_client, public_issue, fields).status_code == 302
    # Saved again: the prepared new row is the same row, not a second copy.
    fields = open_form(editor_client, public_issue)
    assert save(editor_client, public_issue, fields | {"title": "Second round"}).status_code == 302
    assert sum("Added question?" in str(v) for v in open_form(editor_client, public_issue).values()) == 1
    # Rows written meanwhile elsewhere may get the ids the prepared rows had while they were tried out.
    other_questions = {q.pk: q.question for q in make_interview(questions=4).questions.all()}

    apply_transition(
        public_issue, "publish_change", by=_superuser(), comment="Question 1 withdrawn by the interviewee."
    )
    questions = list(public_issue.questions.order_by("sort_order"))
    assert [q.question for q in questions] == ["<p>Question 1?</p>", "<p>Added question?</p>"]
    assert all(q.pk > 0 for q in questions)
    assert {pk: Question.objects.get(pk=pk).question for pk in other_questions} == other_questions


def test_a_change_that_leaves_the_text_alone_is_published_without_a_note(editor_client, public_issue):
    fields = open_form(editor_client, public_issue)
    fields["contributions-0-printed_biography"] = "<p>An updated biography.</p>"
    save(editor_client, public_issue, fields)
    step = reverse("admin:briefs_issue_transition", args=["publish_change"]) + f"?ids={public_issue.pk}"
    assert "no note is needed" in editor_client.get(step).content.decode()
    assert editor_client.post(step, {"ids": str(public_issue.pk), "comment": ""}).status_code == 302
    assert "An updated biography." in reader_sees(public_issue) and "Corrected on" not in reader_sees(public_issue)
    assert not Correction.objects.exists()


def test_discarding_a_prepared_change_shows_the_published_version_again(editor_client, public_issue):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Never mind"})
    apply_transition(public_issue, "discard_change", by=_superuser())
    assert not PendingChange.objects.exists()
    assert open_form(editor_client, public_issue)["title"] == "The published title"


def test_two_editors_preparing_the_same_change_conflict_like_any_other_save(public_issue, django_user_model):
    clients = []
    for name in ("one", "two"):
        client = Client()
        client.force_login(django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw-for-tests-only"))
        clients.append(client)
    first, second = (open_form(c, public_issue) for c in clients)
    assert save(clients[0], public_issue, first | {"title": "First editor's"}).status_code == 302
    response = save(clients[1], public_issue, second | {"title": "Second editor's"})
    assert "NOT saved" in response.content.decode()
    assert PendingChange.objects.get().data["issue"]["title"] == "First editor's"
    assert "Second editor&#x27;s" in response.content.decode() or "Second editor's" in form_of(response)["title"]


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_an_issue_readers_cannot_see_yet_is_edited_directly(editor_client, status):
    issue = make_interview(status=status)
    assert save(editor_client, issue, open_form(editor_client, issue) | {"title": "Edited directly"}).status_code == 302
    assert Issue.objects.get(pk=issue.pk).title == "Edited directly" and not PendingChange.objects.exists()


def test_a_scheduled_issue_is_edited_directly_until_it_goes_public(editor_client):
    import datetime

    from django.utils import timezone

    issue = make_interview(public_from=timezone.now() + datetime.timedelta(days=1))
    assert (
        save(
            editor_client, issue, open_form(editor_client, issue) | {"title": "Edited before it goes public"}
        ).status_code
        == 302
    )
    assert Issue.objects.get(pk=issue.pk).title == "Edited before it goes public"


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "chief", "chief@example.org", "pw-for-tests-only"
    )


@pytest.fixture
def user_with_publish(editor):
    return editor


def test_the_preview_of_a_prepared_change_tells_staff_without_permission_nothing(
    client, django_user_model, public_issue
):
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    for pk in (public_issue.pk, 999999):
        assert client.get(reverse("admin:briefs_issue_prepared_preview", args=[pk])).status_code == 403


def test_preparing_a_change_leaves_the_readers_cached_pages_alone_and_publishing_renews_them(
    editor_client, public_issue
):
    from sitecache import versioning

    reader_sees(public_issue)
    before = versioning.read_state()
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Prepared only"})
    assert versioning.read_state() == before
    apply_transition(public_issue, "publish_change", by=_superuser(), comment="Title corrected.")
    assert versioning.read_state() != before


# -- found by a review of the workflow ------------------------------------------------------


def test_a_form_opened_before_a_discard_cannot_bring_the_discarded_change_back(public_issue, django_user_model):
    clients = []
    for name in ("one", "two"):
        client = Client()
        client.force_login(django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw-for-tests-only"))
        clients.append(client)
    save(clients[0], public_issue, open_form(clients[0], public_issue) | {"title": "Prepared, then discarded"})
    stale = open_form(clients[1], public_issue)
    apply_transition(public_issue, "discard_change", by=_superuser())
    response = save(clients[1], public_issue, stale)
    assert "NOT saved" in response.content.decode() and not PendingChange.objects.exists()


def test_a_form_opened_before_a_workflow_step_on_a_prepared_issue_is_outdated(editor_client, public_issue):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Prepared"})
    stale = open_form(editor_client, public_issue)
    apply_transition(public_issue, "withdraw", by=_superuser(), comment="Gone for now.")
    assert "NOT saved" in save(editor_client, public_issue, stale | {"title": "Too late"}).content.decode()


def test_opening_or_preparing_a_change_makes_no_revision_and_publishing_it_makes_one(editor_client, public_issue):
    from reversion.models import Version

    count = lambda: Version.objects.get_for_object(public_issue).count()  # noqa: E731
    before = count()
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Prepared"})
    editor_client.get(change_url(public_issue))
    editor_client.get(change_url(public_issue))
    assert count() == before
    apply_transition(public_issue, "publish_change", by=_superuser(), comment="Title corrected.")
    assert count() == before + 1


def test_a_withdrawn_issues_edits_are_prepared_so_publishing_it_again_shows_the_text_readers_knew(
    editor_client, public_issue
):
    chief = _superuser()
    apply_transition(public_issue, "withdraw", by=chief, comment="Checking a source.")
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Edited while withdrawn"})
    assert Issue.objects.get(pk=public_issue.pk).title == "The published title"
    apply_transition(public_issue, "republish", by=chief)
    assert "The published title" in reader_sees(public_issue)
    apply_transition(public_issue, "publish_change", by=chief, comment="Title corrected after the check.")
    html = reader_sees(public_issue)
    assert "Edited while withdrawn" in html and "Title corrected after the check." in html
