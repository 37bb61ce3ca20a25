"""The editorial workflow: Draft → In review → Approved → Published, and Withdrawn.

Each step is taken by the service (``briefs.workflow.apply_transition``), by the
button on the issue's admin page or by a bulk action; all three lead through the
same checks of permission and state. Publishing can be scheduled to the minute,
and a scheduled issue becomes public at that moment with nothing else running.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue, IssueTransition
from briefs.workflow import apply_transition, available_transitions
from tests.conftest import make_interview, make_issue, start_of

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
ISSUE_VIEW = ["view_issue", "change_issue"]


@pytest.fixture
def user_with(django_user_model):
    """A staff user with exactly the named briefs permissions."""

    def make(*codenames, name="staff"):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw-for-tests-only", is_staff=True)
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="briefs", codename__in=codenames))
        return django_user_model.objects.get(pk=user.pk)  # permissions are cached per object

    return make


def draft():
    return make_interview(status=Issue.Status.DRAFT)


def step_url(name, *issues):
    return reverse("admin:briefs_issue_transition", args=[name]) + "?ids=" + ",".join(str(i.pk) for i in issues)


def status_of(issue):
    return Issue.objects.get(pk=issue.pk).status


# -- the service ---------------------------------------------------------------


def test_an_issue_goes_from_draft_through_review_and_approval_to_published_and_each_step_is_recorded(user_with):
    editor = user_with("submit_issue", name="editor")
    reviewer = user_with("approve_issue", name="reviewer")
    chief = user_with("publish_issue", name="chief")
    issue = draft()
    apply_transition(issue, "submit", by=editor, comment="Ready for a read.", now=NOW)
    assert status_of(issue) == "in_review"
    apply_transition(issue, "approve", by=reviewer, now=NOW + datetime.timedelta(hours=1))
    assert status_of(issue) == "approved"
    apply_transition(issue, "publish", by=chief, now=NOW + datetime.timedelta(hours=2))
    issue.refresh_from_db()
    assert issue.status == "published" and issue.public_from == NOW + datetime.timedelta(hours=2)
    assert (issue.published_by, issue.published_at) == (chief, NOW + datetime.timedelta(hours=2))
    steps = list(
        IssueTransition.objects.filter(issue=issue)
        .order_by("at")
        .values_list("name", "from_status", "to_status", "by__username", "comment")
    )
    assert steps == [
        ("submit", "draft", "in_review", "editor", "Ready for a read."),
        ("approve", "in_review", "approved", "reviewer", ""),
        ("publish", "approved", "published", "chief", ""),
    ]


def test_a_reviewer_can_send_an_issue_back_to_draft_with_a_comment(user_with):
    reviewer = user_with("approve_issue")
    issue = make_interview(status=Issue.Status.IN_REVIEW)
    apply_transition(issue, "send_back", by=reviewer, comment="Check note 3.")
    assert status_of(issue) == "draft" and IssueTransition.objects.get(issue=issue).comment == "Check note 3."


@pytest.mark.parametrize(
    "status, step",
    [
        ("draft", "approve"),
        ("draft", "publish"),
        ("in_review", "publish"),
        ("approved", "submit"),
        ("published", "approve"),
        ("draft", "withdraw"),
        ("withdrawn", "withdraw"),
        ("approved", "republish"),
    ],
)
def test_a_step_is_refused_from_a_state_it_does_not_start_from(user_with, status, step):
    chief = user_with("submit_issue", "approve_issue", "publish_issue", "withdraw_issue")
    issue = make_interview(status=status, public_from=start_of(datetime.date(2019, 2, 1)))
    with pytest.raises(ValidationError, match="does not apply"):
        apply_transition(issue, step, by=chief, comment="notice")
    assert status_of(issue) == status and not IssueTransition.objects.exists()


@pytest.mark.parametrize(
    "status, step, permission",
    [
        ("draft", "submit", "submit_issue"),
        ("in_review", "approve", "approve_issue"),
        ("in_review", "send_back", "approve_issue"),
        ("approved", "publish", "publish_issue"),
        ("published", "withdraw", "withdraw_issue"),
        ("withdrawn", "republish", "publish_issue"),
    ],
)
def test_each_step_needs_its_own_permission(user_with, status, step, permission):
    others = {"submit_issue", "approve_issue", "publish_issue", "withdraw_issue", "restore_issue"} - {permission}
    issue = make_interview(status=status, public_from=start_of(datetime.date(2019, 2, 1)))
    with pytest.raises(PermissionDenied):
        apply_transition(issue, step, by=user_with(*others, name="without"), comment="notice")
    assert status_of(issue) == status
    apply_transition(issue, step, by=user_with(permission, name="with"), comment="notice")
    assert status_of(issue) != status


def test_an_incomplete_issue_cannot_be_submitted_and_every_missing_part_is_named(user_with):
    empty = make_issue(status=Issue.Status.DRAFT, kind=Issue.Kind.INTERVIEW, body="")
    with pytest.raises(ValidationError) as error:
        apply_transition(empty, "submit", by=user_with("submit_issue"))
    assert error.value.messages == [
        f"No. {empty.number} cannot be moved on yet: it has no author or interviewer; "
        "an interview needs an interviewee; an interview needs at least one question."
    ]
    assert status_of(empty) == "draft"


def test_the_second_of_two_identical_clicks_is_judged_on_the_state_the_first_left(user_with):
    editor = user_with("submit_issue")
    issue = draft()
    stale_copy = Issue.objects.get(pk=issue.pk)
    apply_transition(issue, "submit", by=editor)
    with pytest.raises(ValidationError, match="is In review"):
        apply_transition(stale_copy, "submit", by=editor)
    assert IssueTransition.objects.count() == 1


def test_withdrawing_needs_a_notice_and_keeps_the_issue(user_with):
    chief = user_with("withdraw_issue")
    issue = make_interview()
    with pytest.raises(ValidationError, match="notice"):
        apply_transition(issue, "withdraw", by=chief, comment="  ")
    apply_transition(issue, "withdraw", by=chief, comment="Withdrawn at the author's request.")
    issue.refresh_from_db()
    assert issue.status == "withdrawn" and issue.withdrawal_notice == "Withdrawn at the author's request."
    assert issue.questions.count() == 2


# -- scheduling ----------------------------------------------------------------


def test_a_scheduled_issue_becomes_public_at_its_minute_with_nothing_else_running(user_with):
    chief = user_with("publish_issue")
    issue = make_interview(status=Issue.Status.APPROVED)
    at = timezone.now() + datetime.timedelta(days=1, minutes=30)  # the page cache is on, and lives in real time
    apply_transition(issue, "publish", by=chief, at=at)
    reader = Client()
    archive = reverse("reader:archive")
    for moment, public in [
        (at - datetime.timedelta(seconds=1), False),
        (at, True),
        (at + datetime.timedelta(days=30), True),
    ]:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            assert (reader.get(issue.get_absolute_url()).status_code == 200) is public, moment
            assert (issue.title in reader.get(archive).content.decode()) is public, moment
            assert Issue.objects.published().filter(pk=issue.pk).exists() is public


def test_a_time_in_the_past_is_refused_and_nothing_changes(user_with):
    issue = make_interview(status=Issue.Status.APPROVED)
    with pytest.raises(ValidationError, match="has passed"):
        apply_transition(
            issue, "publish", by=user_with("publish_issue"), at=NOW - datetime.timedelta(minutes=1), now=NOW
        )
    assert status_of(issue) == "approved"


def test_a_scheduled_publication_can_be_cancelled_before_its_time_but_not_withdrawn(user_with):
    chief = user_with("publish_issue", "withdraw_issue")
    issue = make_interview(status=Issue.Status.APPROVED)
    apply_transition(issue, "publish", by=chief, at=NOW + datetime.timedelta(hours=3), now=NOW)
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        assert [t.name for t in available_transitions(Issue.objects.get(pk=issue.pk), chief)] == ["unschedule"]
    apply_transition(issue, "unschedule", by=chief, now=NOW)
    issue.refresh_from_db()
    assert issue.status == "approved" and issue.public_from is None


# -- withdrawn: 410 Gone -------------------------------------------------------


def test_a_withdrawn_issue_answers_410_with_the_notice_and_leaves_every_list(client, user_with, demo_issue):
    apply_transition(
        demo_issue, "withdraw", by=user_with("withdraw_issue"), comment="Withdrawn: a source proved false."
    )
    for url in (
        demo_issue.get_absolute_url(),
        reverse("reader:issue_short_url", args=["eucacis-in-brief", 6]),
        reverse("reader:issue_pdf", args=["eucacis-in-brief", 6]),
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        assert "Withdrawn: a source proved false." in response.content.decode()
    assert demo_issue.title not in client.get(reverse("reader:archive")).content.decode()


def test_editors_still_see_a_withdrawn_issue_marked_as_such(editor_client, user_with, demo_issue):
    apply_transition(demo_issue, "withdraw", by=user_with("withdraw_issue"), comment="Gone.")
    response = editor_client.get(demo_issue.get_absolute_url())
    assert response.status_code == 200 and "This issue has been withdrawn" in response.content.decode()


def test_a_withdrawn_issue_can_be_published_again_at_its_address(client, user_with, demo_issue):
    chief = user_with("withdraw_issue", "publish_issue")
    apply_transition(demo_issue, "withdraw", by=chief, comment="Gone.")
    apply_transition(demo_issue, "republish", by=chief)
    assert client.get(demo_issue.get_absolute_url()).status_code == 200


# -- the admin: buttons, the confirmation page, bulk actions, crafted posts ----


def login(client, user):
    client.force_login(user)
    return client


def test_the_issue_page_shows_only_the_steps_this_user_may_take(client, user_with):
    issue = make_interview(status=Issue.Status.IN_REVIEW)
    page = reverse("admin:briefs_issue_change", args=[issue.pk])
    html = login(client, user_with(*ISSUE_VIEW, "submit_issue", name="editor")).get(page).content.decode()
    assert "Status: <strong>In review</strong>" in html
    assert step_url("approve", issue) not in html and "no workflow step you may take" in html
    html = login(Client(), user_with(*ISSUE_VIEW, "approve_issue", name="reviewer")).get(page).content.decode()
    assert step_url("approve", issue).replace("&", "&amp;") in html and step_url("send_back", issue) in html


def test_publishing_through_the_button_at_a_chosen_time(client, user_with):
    chief = login(client, user_with(*ISSUE_VIEW, "publish_issue"))
    issue = make_interview(status=Issue.Status.APPROVED)
    assert "Public from" in chief.get(step_url("publish", issue)).content.decode()
    at = timezone.localtime() + datetime.timedelta(days=2)
    response = chief.post(
        step_url("publish", issue),
        {"ids": str(issue.pk), "when": "at", "at": at.strftime("%Y-%m-%dT%H:%M"), "comment": ""},
    )
    assert response.status_code == 302 and response["Location"] == reverse("admin:briefs_issue_change", args=[issue.pk])
    issue.refresh_from_db()
    assert issue.status == "published" and issue.public_from == at.replace(second=0, microsecond=0)
    assert issue.is_scheduled


def test_the_confirmation_page_says_what_is_wrong_and_changes_nothing(client, user_with):
    chief = login(client, user_with(*ISSUE_VIEW, "publish_issue", "withdraw_issue"))
    approved = make_interview(status=Issue.Status.APPROVED)
    response = chief.post(step_url("publish", approved), {"ids": str(approved.pk), "when": "at", "at": ""})
    assert "Choose the date and time at which the issue becomes public." in response.content.decode()
    published = make_interview()
    response = chief.post(step_url("withdraw", published), {"ids": str(published.pk), "comment": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert (status_of(approved), status_of(published)) == ("approved", "published")


def test_an_editor_cannot_publish_by_button_by_bulk_action_or_by_a_crafted_post(client, user_with):
    editor = login(client, user_with(*ISSUE_VIEW, "submit_issue", "approve_issue"))
    issue = make_interview(status=Issue.Status.APPROVED)
    assert editor.get(step_url("publish", issue)).status_code == 403
    assert editor.post(step_url("publish", issue), {"ids": str(issue.pk), "when": "now"}).status_code == 403
    changelist = reverse("admin:briefs_issue_changelist")
    assert "step_publish" not in editor.get(changelist).content.decode()
    editor.post(changelist, {"action": "step_publish", "_selected_action": [issue.pk]})
    assert status_of(issue) == "approved" and not IssueTransition.objects.exists()


def test_a_bulk_action_leads_to_one_confirmation_and_reports_each_issue(client, user_with):
    editor = login(client, user_with(*ISSUE_VIEW, "submit_issue"))
    ready, incomplete = draft(), make_interview(status=Issue.Status.DRAFT, questions=0)
    response = editor.post(
        reverse("admin:briefs_issue_changelist"),
        {"action": "step_submit", "_selected_action": [ready.pk, incomplete.pk]},
    )
    assert response.status_code == 302 and "step/submit/" in response["Location"]
    response = editor.post(
        response["Location"], {"ids": f"{ready.pk},{incomplete.pk}", "comment": "Batch."}, follow=True
    )
    html = response.content.decode()
    assert f"Submit for review: done for No. {ready.number}" in html
    assert f"No. {incomplete.number} cannot be moved on yet: an interview needs at least one question." in html
    assert (status_of(ready), status_of(incomplete)) == ("in_review", "draft")


def test_status_cannot_be_set_through_the_issue_form(editor_client):
    issue = draft()
    page = reverse("admin:briefs_issue_change", args=[issue.pk])
    assert 'name="status"' not in editor_client.get(page).content.decode()


# -- the roles (manage.py ensure_roles) ------------------------------------------

#: Which role may take which step: the Editor drafts and submits; the editor-in-chief does everything.
ROLE_STEPS = {
    "Editor": {"submit", "discard_change"},
    "Editor-in-chief": {
        "submit",
        "approve",
        "send_back",
        "publish",
        "unschedule",
        "publish_change",
        "discard_change",
        "withdraw",
        "republish",
    },
    "Programme staff": set(),
}


@pytest.mark.parametrize("role", ROLE_STEPS)
def test_each_role_may_take_exactly_its_steps_and_is_refused_the_others(user_in_role, role):
    from briefs.workflow import TRANSITIONS

    user = user_in_role(role)
    assert {t.name for t in TRANSITIONS.values() if t.allows(user)} == ROLE_STEPS[role]


@pytest.mark.parametrize("step, status", [("approve", "in_review"), ("publish", "approved"), ("withdraw", "published")])
def test_an_editor_is_refused_approving_publishing_and_withdrawing_by_button_bulk_action_and_crafted_post(
    client, user_in_role, step, status
):
    client.force_login(user_in_role("Editor"))
    issue = make_interview(status=status, public_from=start_of(datetime.date(2019, 2, 1)))
    assert client.get(step_url(step, issue)).status_code == 403
    assert client.post(step_url(step, issue), {"ids": str(issue.pk), "when": "now", "comment": "x"}).status_code == 403
    changelist = reverse("admin:briefs_issue_changelist")
    assert f"step_{step}" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": f"step_{step}", "_selected_action": [issue.pk]})
    with pytest.raises(PermissionDenied):
        apply_transition(issue, step, by=user_in_role("Editor"), comment="x")
    assert status_of(issue) == status and not IssueTransition.objects.exists()


def test_the_editor_in_chief_takes_an_issue_from_draft_to_published_with_the_buttons(client, user_in_role):
    client.force_login(user_in_role("Editor-in-chief"))
    issue = draft()
    for step in ("submit", "approve", "publish"):
        assert (
            client.post(step_url(step, issue), {"ids": str(issue.pk), "when": "now", "comment": ""}).status_code == 302
        )
    assert status_of(issue) == "published" and Client().get(issue.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("ids", ["²", "99999999999999999999999", "9223372036854775808", "1" * 5000, "-1", "", "a,b"])
def test_absurd_ids_on_the_step_page_name_no_issue_and_never_fail(editor_client, ids):
    url = reverse("admin:briefs_issue_transition", args=["approve"])
    assert editor_client.get(url, {"ids": ids}).status_code == 404
    assert editor_client.post(url, {"ids": ids, "comment": ""}).status_code == 404


def test_someone_refused_the_issue_page_is_not_listed_as_having_it_open(client, editor_client, user_with):
    issue = draft()
    client.force_login(user_with(name="nobody"))
    assert client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).status_code == 403
    assert (
        "Also open for editing"
        not in editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).content.decode()
    )
