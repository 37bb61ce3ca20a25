"""Deleting a person: a discarded working copy does not keep them; an issue, a working copy in progress or a team does."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from briefs.models import Contribution, Issue, Question
from briefs.working_copies import current_copy, discard, restore, start
from people.models import Person
from tests.conftest import make_interview, make_membership, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief():
    return User.objects.create_superuser("chief", "chief@example.org", "pw")


def _copy_naming(issue, person, by):
    """A working copy of ``issue`` in which ``person`` is a contributor and answers its first question."""
    copy = start(issue, by=by)
    Contribution.objects.create(issue=copy, person=person, role=Contribution.Role.INTERVIEWEE, sort_order=5)
    Question.objects.filter(pk=copy.questions.first().pk).update(speaker=person)
    return copy


def _delete_page(client, person):
    return client.get(reverse("admin:people_person_delete", args=[person.pk])).content.decode()


def test_a_person_named_only_in_a_discarded_copy_is_deleted_and_the_copy_kept_without_them(client, chief):
    issue = make_interview(title="Published")
    person = make_person(given_name="Ōsaka", family_name="de la Cruz-Müller")
    copy = _copy_naming(issue, person, chief)
    discard(issue, by=chief)
    client.force_login(chief)

    page = _delete_page(client, person)
    assert "Cannot delete" not in page and "would require deleting the following protected" not in page
    assert f"the discarded working copy of No. {issue.number}" in page  # the editor sees what goes with them
    response = client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 302

    assert not Person.objects.filter(pk=person.pk).exists()
    copy.refresh_from_db()  # kept, still restorable, without them
    assert copy.copy_discarded_at is not None and not copy.contributions.filter(role="interviewee", sort_order=5)
    assert copy.questions.count() == issue.questions.count() and not copy.questions.filter(speaker__isnull=False)
    restore(copy, by=chief)
    assert current_copy(issue) == copy


def test_a_person_also_named_by_a_public_issue_is_protected_and_nothing_is_touched(client, chief):
    issue = make_interview()
    person = issue.contributions.first().person  # a contributor of the published issue
    copy = _copy_naming(make_interview(), person, chief)
    discard(copy.working_copy_of, by=chief)
    client.force_login(chief)

    assert "Cannot delete" in _delete_page(client, person)
    client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert Person.objects.filter(pk=person.pk).exists()
    assert copy.contributions.filter(person=person).exists() and copy.questions.filter(speaker=person).exists()


def test_a_working_copy_in_progress_keeps_its_people(client, chief):
    issue = make_interview()
    person = make_person()
    _copy_naming(issue, person, chief)  # not discarded: an editor's unpublished work
    client.force_login(chief)
    assert "Cannot delete" in _delete_page(client, person)


def test_a_team_membership_keeps_a_person_named_in_a_discarded_copy(client, chief):
    issue = make_interview()
    person = make_person()
    _copy_naming(issue, person, chief)
    discard(issue, by=chief)
    make_membership(issue.series, person=person)
    client.force_login(chief)
    assert "Cannot delete" in _delete_page(client, person)


def test_the_delete_selected_action_releases_discarded_copies_too(client, chief):
    issue = make_interview()
    person, other = make_person(), make_person()
    _copy_naming(issue, person, chief)
    discard(issue, by=chief)
    client.force_login(chief)
    data = {"action": "delete_selected", "_selected_action": [person.pk, other.pk]}
    page = client.post(reverse("admin:people_person_changelist"), data).content.decode()
    assert "Cannot delete" not in page and "discarded working copy" in page
    response = client.post(reverse("admin:people_person_changelist"), data | {"post": "yes"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk__in=[person.pk, other.pk]).exists()
    assert Issue.objects.filter(working_copy_of=issue, copy_discarded_at__isnull=False).exists()


def test_who_may_not_change_issues_cannot_take_a_person_out_of_a_discarded_copy(client, chief, user_in_role):
    """Programme staff may delete people, but not an issue's contributions: the page says so, a POST is refused."""
    issue = make_interview()
    person = make_person()
    copy = _copy_naming(issue, person, chief)
    discard(issue, by=chief)
    client.force_login(user_in_role("Programme staff"))

    page = _delete_page(client, person)
    assert "doesn’t have permission to delete" in page or "doesn't have permission to delete" in page
    assert "contribution (in a discarded working copy)" in page
    assert client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    data = {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    client.post(reverse("admin:people_person_changelist"), data)
    assert Person.objects.filter(pk=person.pk).exists()
    assert copy.contributions.filter(person=person).exists() and copy.questions.filter(speaker=person).exists()


def test_a_person_who_only_speaks_in_a_published_issue_is_protected_though_the_relation_has_no_name_back(client, chief):
    issue = make_interview()
    person = make_person()
    Question.objects.filter(pk=issue.questions.first().pk).update(speaker=person)  # Question.speaker: related_name="+"
    _copy_naming(make_interview(), person, chief)
    discard(Issue.objects.get(copy_started_by=chief).working_copy_of, by=chief)
    client.force_login(chief)
    assert "Cannot delete" in _delete_page(client, person)
    client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize("how", ["delete page", "delete selected"])
def test_a_change_restored_between_the_confirmation_and_the_deletion_keeps_the_person_and_loses_nothing(
    client, chief, monkeypatch, how
):
    from editorial.people_admin import PersonAdmin

    person = make_person()
    first, second = make_interview(), make_interview()
    kept = _copy_naming(first, person, chief)
    discard(first, by=chief)
    restored = _copy_naming(second, person, chief)
    discard(second, by=chief)
    confirmed = PersonAdmin.get_deleted_objects

    def confirmed_then_restored(self, objs, request):
        answer = confirmed(self, objs, request)  # nothing protects them yet...
        if request.method == "POST" and "post" in request.POST:
            # ...when someone restores one of the changes (here in the request's own transaction).
            restore(restored, by=chief)
        return answer

    monkeypatch.setattr(PersonAdmin, "get_deleted_objects", confirmed_then_restored)
    client.force_login(chief)
    if how == "delete page":
        url, data = reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"}
    else:
        url = reverse("admin:people_person_changelist")
        data = {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    response = client.post(url, data, follow=True)

    assert response.status_code == 200 and "Nothing was deleted" in response.content.decode()
    assert "Successfully deleted" not in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    # The change still discarded was not half-released: its part is there, with its speaker.
    assert kept.contributions.filter(person=person).exists() and kept.questions.filter(speaker=person).exists()
