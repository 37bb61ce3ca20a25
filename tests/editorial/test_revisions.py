"""Revisions and restore (issue 8): every save kept, compared word by word, restored, deleted drafts recovered.

The admin pages are used as an editor uses them: the change form is read from
the page and posted back with the editor's changes.
"""

import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from briefs.models import AboutSection, EditorialMembership, Issue, Question
from briefs.revisions import issue_versions
from people.models import Fellowship, Person
from tests.conftest import make_about, make_fellowship, make_interview, make_membership, make_person, make_series
from tests.http_helpers import Form

pytestmark = pytest.mark.django_db


def change_url(issue):
    return reverse("admin:briefs_issue_change", args=[issue.pk])


def history_url(issue):
    return reverse("admin:briefs_issue_history", args=[issue.pk])


def restore_url(issue, version):
    return reverse("admin:briefs_issue_revision", args=[issue.pk, version.pk])


def compare_url(issue):
    return reverse("admin:briefs_issue_compare", args=[issue.pk])


def form_on(client, url, form_id):
    """The form's fields as the page shows them, as a browser would submit them unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = Form(form_id)
    form.feed(response.content.decode())
    # A browser drops the line break that opens a textarea's content; the helper keeps it.
    return {name: value.removeprefix("\n") for name, value in form.fields if "__prefix__" not in name}


def add_row(data, prefix, **fields):
    """Fills in one more inline row, as “Add another” does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for field, value in fields.items():
        data[f"{prefix}-{index}-{field}"] = value
    return data


def row_index(data, prefix, field, value):
    return next(
        int(re.match(rf"{prefix}-(\d+)-", name).group(1))
        for name, v in data.items()
        if name.startswith(f"{prefix}-") and name.endswith(f"-{field}") and v == value
    )


def save_issue(client, issue, change=None, **fields):
    """Opens the issue's page, changes what ``change(data)`` and ``fields`` say, saves; returns the response."""
    data = form_on(client, change_url(issue), "issue_form")
    data.update(fields)
    if change:
        change(data)
    return client.post(change_url(issue), data)


def revisions_of(issue):
    return list(issue_versions(issue))


def staff_with(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "pw-for-tests-only", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="briefs", codename__in=codenames))
    return user


@pytest.fixture
def draft():
    """A draft interview with two questions and two cited notes, saved once in the admin (its first revision)."""
    return make_interview(questions=2, footnotes=2, status=Issue.Status.DRAFT, public_from=None)


def saved_once(client, issue):
    response = save_issue(client, issue, revision_note="First version")
    assert response.status_code == 302, response.content.decode()[:3000]
    return revisions_of(issue)[0]


# Every save is a revision


def test_every_admin_save_of_an_issue_makes_exactly_one_revision_with_its_user_and_note(editor_client, editor, draft):
    saved_once(editor_client, draft)
    before = Revision.objects.count()

    def add_question(data):
        add_row(data, "questions", question="<p>A third question?</p>", answer="<p>A third answer.</p>")

    response = save_issue(
        editor_client, draft, add_question, title="A new title", revision_note="Third question added for the author"
    )

    assert response.status_code == 302
    assert Revision.objects.count() == before + 1
    newest = revisions_of(draft)[0].revision
    assert newest.user == editor and newest.comment == "Third question added for the author"
    saved = {v.content_type.model for v in newest.version_set.all()}
    assert {"issue", "contribution", "question", "footnote"} <= saved
    questions = [v.field_dict["question"] for v in newest.version_set.filter(content_type__model="question")]
    assert "<p>A third question?</p>" in questions and len(questions) == 3
    assert newest.version_set.get(content_type__model="issue").field_dict["title"] == "A new title"


def test_a_save_without_a_note_is_commented_with_what_changed(editor_client, draft):
    save_issue(editor_client, draft, title="Another title")
    assert "Changed" in revisions_of(draft)[0].revision.get_comment()


def test_a_revision_keeps_no_workflow_field(editor_client, draft):
    saved = saved_once(editor_client, draft).field_dict
    for field in ("status", "public_from", "published_at", "published_by_id", "withdrawal_notice", "edit_version"):
        assert field not in saved
    assert saved["title"] == draft.title


def test_the_history_page_lists_who_saved_when_and_why(editor_client, draft):
    saved_once(editor_client, draft)
    save_issue(editor_client, draft, title="Second title", revision_note="Title shortened")
    html = editor_client.get(history_url(draft)).content.decode()
    assert "Title shortened" in html and "First version" in html and "editor" in html
    assert html.count('name="from"') == 2 and "Compare the two revisions" in html


# Comparing two revisions


def test_comparing_two_revisions_shows_changed_words_not_html(editor_client, draft):
    first = saved_once(editor_client, draft)

    def edit_answer(data):
        index = row_index(data, "questions", "answer", "<p>Answer 0[^n0].</p>")
        data[f"questions-{index}-answer"] = "<p>Answer 0 in <strong>full</strong>[^n0].</p>"

    save_issue(editor_client, draft, edit_answer, introduction="<p>A <em>new</em> introduction.</p>")
    second = revisions_of(draft)[0]

    response = editor_client.get(compare_url(draft), {"from": second.pk, "to": first.pk})  # either order
    assert response.status_code == 200
    html = response.content.decode()
    diff = "".join(re.findall(r'<div class="revision-diff">(.*?)</div>', html, re.S))
    assert "Answer 0<ins> in full</ins>[^n0]." in diff
    assert "<ins>A new introduction.</ins>" in diff or "<ins>new</ins>" in diff
    assert set(re.findall(r"</?(\w+)", diff)) <= {"ins", "del", "br"}  # no <p>, <strong>, <em> from the content
    assert "&lt;p&gt;" not in diff


def test_comparing_needs_permission_to_view_issues(client, django_user_model, draft):
    client.force_login(staff_with(django_user_model, "outsider", "view_series"))
    assert client.get(compare_url(draft), {"from": "1", "to": "2"}).status_code == 403
    client.force_login(staff_with(django_user_model, "reader", "view_issue"))
    assert client.get(compare_url(draft), {"from": "", "to": ""}).status_code == 302  # back to the history


# Restoring


def _two_revisions(client, issue):
    """Revision 1: as made; revision 2: new title and body, a third question, note n1 and its marker gone."""
    first = saved_once(client, issue)

    def change(data):
        add_row(data, "questions", question="<p>Added question?</p>", answer="<p>Added answer.</p>")
        answer = row_index(data, "questions", "answer", "<p>Answer 1[^n1].</p>")
        data[f"questions-{answer}-answer"] = "<p>Answer 1.</p>"
        note = row_index(data, "footnotes", "label", "n1")
        data[f"footnotes-{note}-DELETE"] = "on"

    response = save_issue(client, issue, change, title="Changed title", introduction="<p>Changed intro.</p>")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert issue.questions.count() == 3 and not issue.footnotes.filter(label="n1").exists()
    return first


def test_restoring_a_revision_brings_back_its_text_and_inlines_as_a_new_revision(editor_client, editor, draft):
    first = _two_revisions(editor_client, draft)
    when = timezone.localtime(first.revision.date_created).strftime("%-d %B %Y, %H:%M")

    response = editor_client.post(restore_url(draft, first))

    assert response.status_code == 302 and response.url == change_url(draft)
    draft.refresh_from_db()
    assert draft.title == first.field_dict["title"] and draft.introduction == first.field_dict["introduction"]
    assert list(draft.questions.values_list("answer", flat=True)) == ["<p>Answer 0[^n0].</p>", "<p>Answer 1[^n1].</p>"]
    assert sorted(draft.footnotes.values_list("label", flat=True)) == ["n0", "n1"]
    assert draft.contributions.count() == 2
    versions = revisions_of(draft)
    assert len(versions) == 3  # the restore is a new revision; the one it replaced stays
    assert versions[0].revision.comment == f"Restored the revision of {when} by editor"
    assert versions[0].revision.user == editor
    assert versions[1].field_dict["title"] == "Changed title"


def test_the_restore_page_shows_what_would_change_before_anything_is_restored(editor_client, draft):
    first = _two_revisions(editor_client, draft)
    html = editor_client.get(restore_url(draft, first)).content.decode()
    assert "<del>Changed</del><ins>" in html and "Restore this revision" in html
    draft.refresh_from_db()
    assert draft.title == "Changed title"


def test_restoring_never_changes_the_workflow_state_and_moves_edit_version_on(editor_client, draft):
    first = _two_revisions(editor_client, draft)
    public_from = timezone.now() + datetime.timedelta(days=3)  # scheduled: not public yet, so restored directly
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.PUBLISHED, public_from=public_from, edit_version=7)

    editor_client.post(restore_url(draft, first))

    draft.refresh_from_db()
    assert draft.title == first.field_dict["title"]
    assert draft.status == Issue.Status.PUBLISHED and draft.public_from == public_from
    assert draft.edit_version == 8  # never set back: a form opened before the restore is outdated


def test_restoring_a_public_issue_prepares_the_restored_version_and_readers_keep_the_published_one(
    editor_client, draft
):
    from briefs.workflow import apply_transition
    from briefs.working_copies import current_copy

    first = _two_revisions(editor_client, draft)  # the title was "Changed title" in the second
    Issue.objects.filter(pk=draft.pk).update(
        status=Issue.Status.PUBLISHED, public_from=timezone.now() - datetime.timedelta(days=1)
    )
    response = editor_client.post(restore_url(draft, first), follow=True)
    assert "as a prepared change: readers still see the published version" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Changed title"
    assert current_copy(draft).title == first.field_dict["title"]
    count = len(revisions_of(draft))

    apply_transition(draft, "publish_change", by=draft_editor(), comment="Restored the earlier title.")
    draft.refresh_from_db()
    assert draft.title == first.field_dict["title"]
    assert len(revisions_of(draft)) == count + 1  # publishing the change is a revision


def draft_editor():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="editor")


def test_an_editor_without_the_restore_permission_gets_403_and_nothing_changes(
    editor_client, client, django_user_model, draft
):
    first = _two_revisions(editor_client, draft)
    client.force_login(
        staff_with(django_user_model, "junior", "view_issue", "change_issue", "add_issue", "delete_issue")
    )

    assert client.get(restore_url(draft, first)).status_code == 403
    assert client.post(restore_url(draft, first)).status_code == 403

    draft.refresh_from_db()
    assert draft.title == "Changed title" and len(revisions_of(draft)) == 2
    history = client.get(history_url(draft)).content.decode()
    assert "Restore…" not in history and "Compare the two revisions" in history


def test_an_editor_with_the_restore_permission_may_restore(editor_client, client, django_user_model, draft):
    first = _two_revisions(editor_client, draft)
    parts = [f"{action}_{part}" for part in ("contribution", "question", "footnote") for action in ("add", "delete")]
    client.force_login(staff_with(django_user_model, "chief", "view_issue", "change_issue", "restore_issue", *parts))
    assert client.post(restore_url(draft, first)).status_code == 302
    draft.refresh_from_db()
    assert draft.title == first.field_dict["title"]


# Deleting only drafts; recovering them


def test_a_published_issue_cannot_be_deleted_from_its_page(editor_client):
    issue = make_interview()
    delete_url = reverse("admin:briefs_issue_delete", args=[issue.pk])

    for response in (
        editor_client.get(delete_url, follow=True),
        editor_client.post(delete_url, {"post": "yes"}, follow=True),
    ):
        assert "Only drafts can be deleted" in response.content.decode()
    assert Issue.objects.filter(pk=issue.pk).exists()
    assert f'href="{delete_url}"' not in editor_client.get(change_url(issue)).content.decode()


def test_a_published_issue_cannot_be_deleted_with_the_bulk_action_even_among_drafts(editor_client, draft):
    published = make_interview()
    response = editor_client.post(
        reverse("admin:briefs_issue_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [published.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    html = response.content.decode()
    assert f"Only drafts can be deleted, and No. {published.number} (published) is not a draft" in html
    assert Issue.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def _recover(client, issue_pk):
    recover_list = client.get(reverse("admin:briefs_issue_recoverlist"))
    version = Version.objects.get_deleted(Issue).get(object_id=str(issue_pk))
    recover_url = reverse("admin:briefs_issue_recover", args=[version.pk])
    assert recover_url in recover_list.content.decode()
    assert "Recover this issue" in client.get(recover_url).content.decode()
    return client.post(recover_url)


def test_a_deleted_draft_is_recovered_with_its_questions_footnotes_and_contributors(editor_client, draft):
    saved_once(editor_client, draft)
    pk, parts = (
        draft.pk,
        (list(draft.questions.values()), list(draft.footnotes.values()), list(draft.contributions.values())),
    )

    response = editor_client.post(reverse("admin:briefs_issue_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Issue.objects.filter(pk=pk).exists()
    assert not Question.objects.filter(issue_id=pk).exists()

    response = _recover(editor_client, pk)

    issue = Issue.objects.get(pk=pk)
    assert response.status_code == 302 and response.url == change_url(issue)
    assert issue.status == Issue.Status.DRAFT and issue.title == draft.title
    assert (list(issue.questions.values()), list(issue.footnotes.values()), list(issue.contributions.values())) == parts
    assert revisions_of(issue)[0].revision.comment.startswith("Recovered after deletion")


def test_a_draft_deleted_with_the_bulk_action_is_recovered_as_it_was_deleted(editor_client, draft):
    # Never saved in the admin: the deletion itself keeps it.
    Question.objects.filter(issue=draft, sort_order=0).update(question="<p>Edited outside the admin?</p>")
    response = editor_client.post(
        reverse("admin:briefs_issue_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [draft.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Issue.objects.filter(pk=draft.pk).exists()

    _recover(editor_client, draft.pk)

    issue = Issue.objects.get(pk=draft.pk)
    assert issue.questions.count() == 2 and issue.footnotes.count() == 2 and issue.contributions.count() == 2
    assert issue.questions.first().question == "<p>Edited outside the admin?</p>"


def test_recovering_needs_the_restore_permission(editor_client, client, django_user_model, draft):
    saved_once(editor_client, draft)
    editor_client.post(reverse("admin:briefs_issue_delete", args=[draft.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Issue).get(object_id=str(draft.pk))
    client.force_login(
        staff_with(django_user_model, "junior", "view_issue", "change_issue", "add_issue", "delete_issue")
    )
    recover_url = reverse("admin:briefs_issue_recover", args=[version.pk])
    assert client.get(recover_url).status_code == 403 and client.post(recover_url).status_code == 403
    assert not Issue.objects.filter(pk=draft.pk).exists()


# Outside the admin


def test_the_demo_loader_makes_a_revision_of_the_issue_with_its_questions_and_footnotes(demo_issue):
    from briefs.models import Series

    call_command("load_demo", stdout=open("/dev/null", "w"))  # again: the issue is published, no workflow step runs

    versions = revisions_of(demo_issue)
    newest = versions[0].revision
    assert newest.comment.startswith("Demo content loaded")
    assert [v.revision.comment.split(":")[0] for v in versions].count("Demo content loaded (manage.py load_demo)") == 2
    kept = newest.version_set
    assert kept.filter(content_type__model="question").count() == demo_issue.questions.count() > 0
    assert kept.filter(content_type__model="footnote").count() == demo_issue.footnotes.count() > 0
    # The series has a revision of its own, so reverting one never touches the other.
    assert not kept.filter(content_type__model__in=["series", "aboutsection"]).exists()
    series = Version.objects.get_for_object(Series.objects.get(pk=demo_issue.series_id))[0].revision
    assert (
        series.version_set.filter(content_type__model="aboutsection").count()
        == demo_issue.series.about_sections.count()
        > 0
    )
    assert not series.version_set.filter(content_type__model="issue").exists()


def test_a_workflow_step_is_a_revision_named_after_it_and_restoring_never_undoes_it(editor_client, editor, draft):
    from briefs.workflow import apply_transition

    first = saved_once(editor_client, draft)
    apply_transition(draft, "submit", by=editor, comment="Ready for Anna")

    newest = revisions_of(draft)[0]
    assert newest.revision.comment == "Submitted for review: Ready for Anna" and newest.revision.user == editor
    assert "status" not in newest.field_dict
    editor_client.post(restore_url(draft, first))
    draft.refresh_from_db()
    assert draft.status == Issue.Status.IN_REVIEW


# The team, about sections and people


def _series_form(client, series):
    return form_on(client, reverse("admin:briefs_series_change", args=[series.pk]), "series_form")


def test_a_series_keeps_the_history_of_its_about_sections_and_team(editor_client):
    series = make_series()
    make_about(series, "About the Series", order=1)
    make_membership(series, position="Editor-in-chief")
    url = reverse("admin:briefs_series_change", args=[series.pk])
    data = _series_form(editor_client, series)
    data["about_sections-0-body"] = "<p>Changed about text.</p>"
    data["editorial_memberships-0-position"] = "Managing editor"
    assert editor_client.post(url, data).status_code == 302

    # A save that changes neither keeps them too: a revision is the whole series.
    assert editor_client.post(url, _series_form(editor_client, series) | {"name": "Renamed"}).status_code == 302

    revision = Version.objects.get_for_object(series).first().revision
    assert revision.version_set.get(content_type__model="series").field_dict["name"] == "Renamed"
    assert (
        revision.version_set.get(content_type__model="aboutsection").field_dict["body"] == "<p>Changed about text.</p>"
    )
    assert (
        revision.version_set.get(content_type__model="editorialmembership").field_dict["position"] == "Managing editor"
    )
    term = EditorialMembership.objects.get()
    assert Version.objects.get_for_object(term).count() == 2
    assert Version.objects.get_for_object(AboutSection.objects.get()).count() == 2
    history = editor_client.get(reverse("admin:briefs_series_history", args=[series.pk])).content.decode()
    assert (
        reverse("admin:briefs_series_revision", args=[series.pk, Version.objects.get_for_object(series).first().pk])
        in history
    )
    assert editor_client.get(reverse("admin:briefs_editorialmembership_history", args=[term.pk])).status_code == 200


def test_reverting_a_series_never_deletes_a_term_printed_in_a_published_imprint(editor_client):
    series = make_series()
    url = reverse("admin:briefs_series_change", args=[series.pk])
    editor_client.post(url, _series_form(editor_client, series))
    before = Version.objects.get_for_object(series).get()
    term = make_membership(series, start_date=datetime.date(2018, 1, 1))
    make_interview(series)  # published 2019-02-01, during the term

    response = editor_client.post(reverse("admin:briefs_series_revision", args=[series.pk, before.pk]), follow=True)

    assert "cannot be restored" in response.content.decode()
    assert EditorialMembership.objects.filter(pk=term.pk).exists()


def test_a_person_keeps_history_with_their_fellowships(editor_client):
    person = make_person(given_name="Albina", family_name="Muratbekova")
    make_fellowship(person=person, thesis_title="Trade and visas")
    url = reverse("admin:people_person_change", args=[person.pk])
    data = form_on(editor_client, url, "person_form")
    data["affiliation"] = "Institute of Oriental Studies"
    assert editor_client.post(url, data).status_code == 302

    revision = Version.objects.get_for_object(person).get().revision
    assert (
        revision.version_set.get(content_type__model="person").field_dict["affiliation"]
        == "Institute of Oriental Studies"
    )
    assert revision.version_set.get(content_type__model="fellowship").field_dict["thesis_title"] == "Trade and visas"
    assert editor_client.get(reverse("admin:people_person_history", args=[person.pk])).status_code == 200
    assert Version.objects.get_for_object(Fellowship.objects.get()).count() == 1


def test_restoring_a_persons_earlier_revision_keeps_the_photo_they_have_now(editor_client):
    from tests.people.test_photos import ADD_PERSON, image_file, person_post

    editor_client.post(ADD_PERSON, person_post("", affiliation="Old affiliation"))
    person = Person.objects.get()
    url = reverse("admin:people_person_change", args=[person.pk])
    editor_client.post(url, person_post(image_file((800, 400), fmt="JPEG", name="b.jpg"), affiliation="New"))
    person.refresh_from_db()
    photo_now = (person.photo.name, person.photo_display.name, person.photo_display_width)
    assert person.photo and len(Version.objects.get_for_object(person)) == 2
    first = Version.objects.get_for_object(person).order_by("pk").first()
    revision_url = reverse("admin:people_person_revision", args=[person.pk, first.pk])

    response = editor_client.post(revision_url, form_on(editor_client, revision_url, "person_form"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.affiliation == "Old affiliation"
    assert (person.photo.name, person.photo_display.name, person.photo_display_width) == photo_now


def test_the_list_of_deleted_drafts_is_only_for_those_who_may_recover_them(client, django_user_model):
    client.force_login(
        staff_with(django_user_model, "junior", "view_issue", "change_issue", "add_issue", "delete_issue")
    )
    assert client.get(reverse("admin:briefs_issue_recoverlist")).status_code == 403


def test_the_series_revision_the_demo_loader_made_can_be_opened_for_reverting(editor_client, demo_issue):
    from briefs.models import Series

    series = Series.objects.get(pk=demo_issue.series_id)
    version = Version.objects.get_for_object(series)[0]
    response = editor_client.get(reverse("admin:briefs_series_revision", args=[series.pk, version.pk]))
    assert response.status_code == 200 and "About" in response.content.decode()
