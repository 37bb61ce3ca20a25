"""A public issue is edited in a working copy; readers keep the published version until it is published.

The admin form is opened and sent back as a browser would (hidden fields
included), so the tests go through the same path as an editor's clicks.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from briefs.models import Correction, Issue, IssueTransition, Question
from briefs.workflow import apply_transition
from briefs.working_copies import current_copy, restore
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
    assert any("saved in the working copy: readers still see the published version" in m for m in messages)

    html = reader_sees(public_issue)
    assert "The published title" in html and "The corrected title" not in html and "A new question?" not in html
    public_issue.refresh_from_db()
    assert public_issue.title == "The published title" and public_issue.questions.count() == 2
    copy = current_copy(public_issue)
    assert copy.title == "The corrected title" and copy.questions.count() == 3

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
    assert current_copy(public_issue) is None and not Issue.objects.filter(working_copy_of=public_issue).exists()
    assert Correction.objects.get().issue == public_issue
    assert IssueTransition.objects.filter(issue=public_issue, name="publish_change").exists()


def test_the_service_refuses_to_publish_a_text_change_without_a_note(user_with_publish, public_issue, editor_client):
    from django.core.exceptions import ValidationError

    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Changed"})
    with pytest.raises(ValidationError, match="correction note"):
        apply_transition(public_issue, "publish_change", by=user_with_publish, comment="")
    assert Issue.objects.get(pk=public_issue.pk).title == "The published title"


def test_new_rows_of_a_working_copy_become_the_issues_when_published_and_deleted_rows_go(editor_client, public_issue):
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
    # Rows of other issues are left alone.
    other_questions = {q.pk: q.question for q in make_interview(questions=4).questions.all()}

    apply_transition(
        public_issue, "publish_change", by=_superuser(), comment="Question 1 withdrawn by the interviewee."
    )
    questions = list(public_issue.questions.order_by("sort_order"))
    assert [q.question for q in questions] == ["<p>Question 1?</p>", "<p>Added question?</p>"]
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
    assert current_copy(public_issue) is None
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
    assert current_copy(public_issue).title == "First editor's"
    assert "Second editor&#x27;s" in response.content.decode() or "Second editor's" in form_of(response)["title"]


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_an_issue_readers_cannot_see_yet_is_edited_directly(editor_client, status):
    issue = make_interview(status=status)
    assert save(editor_client, issue, open_form(editor_client, issue) | {"title": "Edited directly"}).status_code == 302
    assert Issue.objects.get(pk=issue.pk).title == "Edited directly" and current_copy(issue) is None


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
    assert "NOT saved" in response.content.decode() and current_copy(public_issue) is None


def test_a_workflow_step_on_the_issue_leaves_its_working_copy_and_the_form_showing_it_saves_into_it(
    editor_client, public_issue
):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Prepared"})
    form = open_form(editor_client, public_issue)
    apply_transition(public_issue, "withdraw", by=_superuser(), comment="Gone for now.")
    assert save(editor_client, public_issue, form | {"title": "Still prepared"}).status_code == 302
    public_issue.refresh_from_db()
    assert public_issue.status == "withdrawn" and public_issue.title == "The published title"
    assert current_copy(public_issue).title == "Still prepared"


def test_a_form_of_the_issue_opened_before_a_workflow_step_is_refused_and_starts_no_working_copy(
    editor_client, public_issue
):
    stale = open_form(editor_client, public_issue)
    apply_transition(public_issue, "withdraw", by=_superuser(), comment="Gone for now.")
    assert "NOT saved" in save(editor_client, public_issue, stale | {"title": "Too late"}).content.decode()
    assert current_copy(public_issue) is None


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


# -- the working copy is a copy: never public, never listed, reached through its issue ----------


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def step_url(name, issue):
    return reverse("admin:briefs_issue_transition", args=[name]) + f"?ids={issue.pk}"


def test_a_working_copy_is_never_public_never_listed_and_its_own_admin_address_leads_nowhere(
    editor_client, public_issue
):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Prepared"})
    copy = current_copy(public_issue)
    assert not Issue.objects.published().filter(pk=copy.pk).exists()
    listing = editor_client.get(reverse("admin:briefs_issue_changelist")).context["cl"]
    assert [issue.pk for issue in listing.result_list] == [public_issue.pk] and listing.full_result_count == 1
    response = editor_client.get(reverse("admin:briefs_issue_change", args=[copy.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")  # “does not exist”
    assert editor_client.get(reverse("admin:briefs_issue_history", args=[copy.pk])).status_code == 404
    response = editor_client.post(reverse("admin:briefs_issue_delete", args=[copy.pk]), {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert Issue.objects.get(pk=copy.pk).title == "Prepared"


def test_the_page_of_a_public_issue_saves_into_one_working_copy_whose_rows_are_its_own(editor_client, public_issue):
    live_rows = set(public_issue.questions.values_list("pk", flat=True))
    fields = open_form(editor_client, public_issue)
    assert {fields["questions-0-id"], fields["questions-1-id"]} == {str(pk) for pk in live_rows}
    save(editor_client, public_issue, fields | {"questions-0-answer": "<p>Corrected[^n0].</p>"})
    copy = current_copy(public_issue)
    assert set(copy.questions.values_list("pk", flat=True)).isdisjoint(live_rows)
    again = open_form(editor_client, public_issue)  # the form now shows the copy's rows
    assert {again["questions-0-id"], again["questions-1-id"]} == {str(q.pk) for q in copy.questions.all()}
    save(editor_client, public_issue, again | {"title": "Second save"})
    assert Issue.objects.filter(working_copy_of=public_issue).count() == 1
    assert set(public_issue.questions.values_list("pk", flat=True)) == live_rows  # readers' rows untouched


def test_a_form_opened_before_the_working_copy_existed_conflicts_and_keeps_its_rows_matched_to_the_copys(
    public_issue, django_user_model
):
    one, two = (
        client_of(django_user_model.objects.create_superuser(n, f"{n}@example.org", "pw-for-tests-only"))
        for n in ("one", "two")
    )
    first, second = open_form(one, public_issue), open_form(two, public_issue)
    save(one, public_issue, first | {"title": "First editor's"})
    response = save(two, public_issue, second | {"questions-1-answer": "<p>Second editor's answer.</p>"})
    page = response.content.decode()
    assert "NOT saved" in page and "Someone deleted" not in page
    shown = form_of(response)
    copy_rows = {str(q.pk) for q in current_copy(public_issue).questions.all()}
    assert {shown["questions-0-id"], shown["questions-1-id"]} == copy_rows
    assert shown["questions-1-answer"].strip() == "<p>Second editor's answer.</p>"


def test_the_preview_shows_the_working_copy_through_the_issue_document_and_writes_nothing(editor_client, public_issue):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Previewed title"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(reverse("admin:briefs_issue_prepared_preview", args=[public_issue.pk]))
    assert response.status_code == 200 and "Previewed title" in response.content.decode()
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")]
    assert writes == [] or all("django_session" in sql for sql in writes)


# -- discarding: only the author or a publisher; the discarded change is kept and can come back ------


@pytest.fixture
def chief(user_in_role):
    return user_in_role("Editor-in-chief")


def test_an_editor_cannot_discard_the_chiefs_change_by_button_or_crafted_post_but_the_chief_can(
    user_in_role, chief, public_issue
):
    save(client_of(chief), public_issue, open_form(client_of(chief), public_issue) | {"title": "The chief's change"})
    editor = client_of(user_in_role("Editor"))
    page = editor.get(change_url(public_issue)).content.decode()
    assert "The chief&#x27;s change" in page and "Discard the prepared change" not in page
    response = editor.post(step_url("discard_change", public_issue), {"ids": str(public_issue.pk)}, follow=True)
    assert "Only the editor who prepared this change" in response.content.decode()
    assert current_copy(public_issue).title == "The chief's change"
    with pytest.raises(PermissionDenied):
        apply_transition(public_issue, "discard_change", by=user_in_role("Editor"))
    apply_transition(public_issue, "discard_change", by=chief)
    assert current_copy(public_issue) is None


def test_the_editor_who_prepared_a_change_may_discard_it(user_in_role, public_issue):
    author = user_in_role("Editor")
    client = client_of(author)
    save(client, public_issue, open_form(client, public_issue) | {"title": "My own change"})
    assert "Discard the prepared change" in client.get(change_url(public_issue)).content.decode()
    assert client.post(step_url("discard_change", public_issue), {"ids": str(public_issue.pk)}).status_code == 302
    assert current_copy(public_issue) is None


def test_an_editor_who_saved_into_anothers_change_counts_as_its_author(user_in_role, chief, public_issue):
    save(client_of(chief), public_issue, open_form(client_of(chief), public_issue) | {"title": "Chief's"})
    editor = user_in_role("Editor")
    save(client_of(editor), public_issue, open_form(client_of(editor), public_issue) | {"title": "Editor's too"})
    apply_transition(public_issue, "discard_change", by=editor)
    assert current_copy(public_issue) is None


def test_saving_into_a_later_change_does_not_make_one_an_author_of_an_earlier_change_restored(
    user_in_role, chief, public_issue
):
    first, second = user_in_role("Editor"), user_in_role("Editor")
    save(client_of(first), public_issue, open_form(client_of(first), public_issue) | {"title": "First's change"})
    apply_transition(public_issue, "discard_change", by=chief)
    save(client_of(second), public_issue, open_form(client_of(second), public_issue) | {"title": "Second's change"})
    apply_transition(public_issue, "discard_change", by=chief)
    restore(Issue.objects.get(working_copy_of=public_issue, title="First's change"), by=chief)

    with pytest.raises(PermissionDenied):
        apply_transition(public_issue, "discard_change", by=second)
    assert current_copy(public_issue).title == "First's change"
    apply_transition(public_issue, "discard_change", by=first)  # its own author may
    assert current_copy(public_issue) is None


def test_a_first_save_the_form_refused_makes_nobody_an_author_of_the_copy_it_started(user_in_role, chief, public_issue):
    refused, author = user_in_role("Editor"), user_in_role("Editor")
    response = save(client_of(refused), public_issue, open_form(client_of(refused), public_issue) | {"title": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    save(client_of(author), public_issue, open_form(client_of(author), public_issue) | {"title": "A real change"})
    with pytest.raises(PermissionDenied):
        apply_transition(public_issue, "discard_change", by=refused)
    apply_transition(public_issue, "discard_change", by=author)


def test_a_discarded_change_is_kept_listed_in_the_history_and_restored_from_it(chief, public_issue):
    client = client_of(chief)
    save(client, public_issue, open_form(client, public_issue) | {"title": "Worth keeping after all"})
    apply_transition(public_issue, "discard_change", by=chief)
    history = client.get(reverse("admin:briefs_issue_history", args=[public_issue.pk])).content.decode()
    assert "Discarded prepared changes" in history and "Title" in history
    discarded = Issue.objects.get(working_copy_of=public_issue)
    restore = reverse("admin:briefs_issue_restore_discarded", args=[public_issue.pk, discarded.pk])
    assert client.post(restore).status_code == 302
    assert current_copy(public_issue).title == "Worth keeping after all"
    assert open_form(client, public_issue)["title"] == "Worth keeping after all"
    # Restoring another while one is in progress is refused, with the reason.
    save(client, public_issue, open_form(client, public_issue) | {"title": "Round two"})
    apply_transition(public_issue, "discard_change", by=chief)
    save(client, public_issue, open_form(client, public_issue) | {"title": "Round three"})
    older = Issue.objects.filter(working_copy_of=public_issue, copy_discarded_at__isnull=False).get()
    response = client.post(
        reverse("admin:briefs_issue_restore_discarded", args=[public_issue.pk, older.pk]), follow=True
    )
    assert "has a prepared change in progress" in response.content.decode()
    assert current_copy(public_issue).title == "Round three"


def test_the_history_page_costs_the_same_queries_with_one_discarded_change_or_five(chief, public_issue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(chief)
    history = reverse("admin:briefs_issue_history", args=[public_issue.pk])

    def discard_one(title):
        assert save(client, public_issue, open_form(client, public_issue) | {"title": title}).status_code == 302
        apply_transition(public_issue, "discard_change", by=chief)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(history).content.decode()
        return len(captured), page

    discard_one("Change 1")
    one, _ = queries()
    for n in range(2, 6):
        discard_one(f"Change {n}")
    five, page = queries()
    assert five == one and page.count("Restore this change") == 5
    assert page.count("<td>Title</td>") == 5  # each is still compared with the issue as it is


def test_restoring_a_discarded_change_needs_change_permission_on_the_issue(user_in_role, chief, public_issue):
    save(client_of(chief), public_issue, open_form(client_of(chief), public_issue) | {"title": "Discarded"})
    apply_transition(public_issue, "discard_change", by=chief)
    discarded = Issue.objects.get(working_copy_of=public_issue)
    url = reverse("admin:briefs_issue_restore_discarded", args=[public_issue.pk, discarded.pk])
    assert client_of(user_in_role("Programme staff")).post(url).status_code == 403
    assert current_copy(public_issue) is None


def test_discarding_the_change_of_a_withdrawn_issue_records_what_happened_and_it_stays_withdrawn(chief, public_issue):
    client = client_of(chief)
    apply_transition(public_issue, "withdraw", by=chief, comment="Checking a source.")
    save(client, public_issue, open_form(client, public_issue) | {"title": "Edited while withdrawn"})
    response = client.post(step_url("discard_change", public_issue), {"ids": str(public_issue.pk)}, follow=True)
    assert "Status now: Withdrawn." in response.content.decode()
    step = IssueTransition.objects.get(issue=public_issue, name="discard_change")
    assert (step.from_status, step.to_status) == ("withdrawn", "withdrawn")
    assert Issue.objects.get(pk=public_issue.pk).status == "withdrawn"
    assert "Prepared change discarded" in response.content.decode()


# -- moving a published issue is a change readers see -----------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("number", "66"), ("slug", "a-new-address"), ("publication_date", "2015-01-01")],
)
def test_a_change_that_moves_or_redates_the_issue_needs_a_correction_note(editor_client, public_issue, field, value):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {field: value})
    page = editor_client.get(step_url("publish_change", public_issue)).content.decode()
    assert "Correction note for readers" in page and "no note is needed" not in page
    response = editor_client.post(step_url("publish_change", public_issue), {"ids": str(public_issue.pk)})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    with pytest.raises(ValidationError, match="correction note"):
        apply_transition(public_issue, "publish_change", by=_superuser(), comment="")
    assert str(getattr(Issue.objects.get(pk=public_issue.pk), field)) != value


def test_moving_to_a_number_another_issue_took_meanwhile_is_refused_at_publication(editor_client, public_issue):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"number": "66"})
    make_interview(series=public_issue.series, number=66)
    with pytest.raises(ValidationError, match="No. 66, which another issue of the series has"):
        apply_transition(public_issue, "publish_change", by=_superuser(), comment="Renumbered.")
    assert Issue.objects.get(pk=public_issue.pk).number != 66 and current_copy(public_issue).number == 66


def test_a_working_copy_may_keep_its_issues_number_but_not_take_anothers(editor_client, public_issue):
    other = make_interview(series=public_issue.series)
    response = save(editor_client, public_issue, open_form(editor_client, public_issue) | {"number": str(other.number)})
    assert f"No. {other.number} already exists" in response.content.decode()
    assert (
        save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Kept"}).status_code == 302
    )


def test_restoring_a_revision_of_a_public_issue_restores_it_into_the_working_copy(chief, public_issue):
    from reversion.models import Version

    client = client_of(chief)
    save(client, public_issue, open_form(client, public_issue) | {"title": "Corrected"})
    apply_transition(public_issue, "publish_change", by=chief, comment="Title corrected.")
    save(client, public_issue, open_form(client, public_issue) | {"title": "Corrected twice"})
    apply_transition(public_issue, "publish_change", by=chief, comment="Title corrected again.")
    first = Version.objects.get_for_object(public_issue).order_by("pk").first()
    response = client.post(reverse("admin:briefs_issue_revision", args=[public_issue.pk, first.pk]), follow=True)
    assert "as a prepared change: readers still see the published version" in response.content.decode()
    assert Issue.objects.get(pk=public_issue.pk).title == "Corrected twice"
    assert current_copy(public_issue).title == "Corrected"


def test_a_publications_revision_holds_the_issue_as_published_and_restoring_it_brings_all_of_it_back(
    chief, public_issue
):
    from reversion.models import Version

    from briefs.revisions import issue_text_in, issue_text_now

    client = client_of(chief)
    fields = {"title": "Corrected", "questions-0-answer": "<p>A corrected answer[^n0].</p>"}
    save(client, public_issue, open_form(client, public_issue) | fields)
    apply_transition(public_issue, "publish_change", by=chief, comment="Answer 1 corrected.")
    published = Version.objects.get_for_object(public_issue).order_by("-pk").first()
    # Questions, notes and contributors included, as published.
    assert issue_text_in(published) == issue_text_now(Issue.objects.get(pk=public_issue.pk))

    save(client, public_issue, open_form(client, public_issue) | {"title": "Corrected twice"})
    apply_transition(public_issue, "publish_change", by=chief, comment="Title corrected again.")
    client.post(reverse("admin:briefs_issue_revision", args=[public_issue.pk, published.pk]))
    copy = current_copy(public_issue)
    assert (copy.contributions.count(), copy.questions.count(), copy.footnotes.count()) == (2, 2, 2)
    apply_transition(public_issue, "publish_change", by=chief, comment="Back to the first correction.")
    html = reader_sees(public_issue)
    assert "A corrected answer" in html and "Question 1?" in html and "Note text 1" in html


def test_a_prepared_change_that_is_not_a_complete_issue_is_not_published(chief, public_issue):
    copy = _started_copy(public_issue, chief)
    copy.questions.all().delete()
    with pytest.raises(ValidationError, match="an interview needs at least one question"):
        apply_transition(public_issue, "publish_change", by=chief, comment="Emptied.")
    assert "Question 1?" in reader_sees(public_issue)


def test_the_preview_links_to_the_draft_pdf_of_the_change_not_the_published_pdf(
    editor_client, public_issue, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    from printing import draft_pdfs

    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "The corrected title"})
    preview = editor_client.get(reverse("admin:briefs_issue_prepared_preview", args=[public_issue.pk])).content.decode()
    pdf_url = reverse("admin:briefs_issue_prepared_pdf", args=[public_issue.pk])
    assert f'href="{pdf_url}"' in preview and "marked DRAFT" in preview
    waiting = editor_client.get(pdf_url)
    assert waiting.status_code == 503 and waiting["Retry-After"]  # the worker builds it
    draft_pdfs.build_draft_pdf.call(current_copy(public_issue).pk)  # as the worker would have
    built = editor_client.get(pdf_url)
    assert built.status_code == 200 and built["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(built.streaming_content))).pages)
    assert "The corrected title" in text and "DRAFT" in text
    assert Client().get(pdf_url).status_code == 302  # to the admin's login: readers get nothing here

    copy_id = current_copy(public_issue).pk
    assert draft_pdfs._storage().listdir(f"proofs/{copy_id}")[1]
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(public_issue, "publish_change", by=User.objects.get(username="editor"), comment="Retitled.")
    assert not draft_pdfs._storage().listdir(f"proofs/{copy_id}")[1]  # the published copy's draft PDF went with it


@pytest.mark.parametrize(
    ("role", "told"),
    [
        ("Editor-in-chief", "then publish it with “Publish the prepared change” in the Workflow box"),
        ("Editor", "someone who may publish (the editor-in-chief) publishes it for readers"),
    ],
)
def test_the_saved_message_offers_the_publish_button_only_to_who_has_it(user_in_role, public_issue, role, told):
    client = client_of(user_in_role(role))
    response = save(client, public_issue, open_form(client, public_issue) | {"title": "Corrected"})
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any(told in m for m in messages), messages


def test_saving_a_public_issue_costs_at_most_40_queries_starting_its_copy_and_30_saving_into_it(
    editor_client, public_issue
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(3):
        fields = open_form(editor_client, public_issue)
        with CaptureQueriesContext(connection) as queries:
            assert save(editor_client, public_issue, fields).status_code == 302
        counts.append(len(queries))
    assert counts[0] <= 40 and counts[1] <= 30 and counts[2] == counts[1], counts


def test_a_published_move_keeps_every_old_address_leading_to_the_new_one(editor_client, public_issue):
    series, old_number, old_slug = public_issue.series.slug, public_issue.number, public_issue.slug
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"number": "66", "slug": "new-words"})
    apply_transition(public_issue, "publish_change", by=_superuser(), comment="Renumbered: it was printed as No. 66.")
    reader = Client()
    base = f"/series/{series}/{old_number}/"
    for old, new in [
        (f"{base}{old_slug}/", f"/series/{series}/66/new-words/"),
        (base, f"/series/{series}/66/new-words/"),
        (f"{base}pdf/", f"/series/{series}/66/pdf/"),
        (f"{base}cite.bib", f"/series/{series}/66/cite.bib"),
        (f"{base}cite.ris", f"/series/{series}/66/cite.ris"),
    ]:
        response = reader.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert "Renumbered: it was printed as No. 66." in reader_sees(Issue.objects.get(pk=public_issue.pk))


@pytest.mark.parametrize("name", ["issue_short_url", "issue_pdf", "issue_bibtex", "issue_ris"])
def test_staff_who_may_preview_get_the_issue_itself_not_a_500_while_it_has_a_working_copy(
    editor_client, public_issue, name
):
    save(editor_client, public_issue, open_form(editor_client, public_issue) | {"title": "Copy title"})
    response = editor_client.get(reverse(f"reader:{name}", args=[public_issue.series.slug, public_issue.number]))
    assert response.status_code in (200, 301, 302, 503)
    if name == "issue_short_url":
        page = editor_client.get(response["Location"]).content.decode()
        assert "The published title" in page and "Copy title" not in page


def _started_copy(issue, by):
    from django.db import transaction

    from briefs.working_copies import start

    with transaction.atomic():
        return start(issue, by=by)


def test_a_working_copy_is_a_draft_with_no_moment_to_go_public_whatever_the_issues_status(chief, public_issue):
    copy = _started_copy(public_issue, chief)
    assert (copy.status, copy.public_from, copy.published_at) == (Issue.Status.DRAFT, None, None)
    assert not Issue.objects.published().filter(pk=copy.pk).exists() and not copy.is_public_now()
