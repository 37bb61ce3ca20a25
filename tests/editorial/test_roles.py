"""The editorial roles: three groups holding exactly their permissions, kept so by ``ensure_roles``."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial import roles

pytestmark = pytest.mark.django_db

EDITOR_PERMISSIONS = {
    *(
        f"briefs.{action}_{model}"
        for model in ("issue", "contribution", "question", "footnote", "correction")
        for action in ("add", "change", "delete", "view")
    ),
    "briefs.submit_issue",
    # Topics and places: added and renamed, but deleting one untags every issue.
    *(f"briefs.{action}_{model}" for model in ("topic", "place") for action in ("add", "change", "view")),
    "briefs.view_series",
    "briefs.view_aboutsection",
    "briefs.view_editorialmembership",
    "people.add_person",
    "people.change_person",
    "people.view_person",
    # What Crossref answered: seen, never edited (deposits are the workflow's).
    "crossref.view_deposit",
    # Each issue's newsletter mails and the subscriber counts; not the addresses.
    "newsletter.view_mailing",
    # Readership figures: seen and exported, never edited.
    "readership.view_dailycount",
}
PROGRAMME_STAFF_PERMISSIONS = {
    *(
        f"people.{action}_{model}"
        for model in ("person", "fellowship", "programme", "organisation")
        for action in ("add", "change", "delete", "view")
    ),
    "people.import_fellows",
}
WORKFLOW_PERMISSIONS = {f"briefs.{step}_issue" for step in ("submit", "approve", "publish", "withdraw", "restore")}


def ensure_roles():
    out = io.StringIO()
    call_command("ensure_roles", stdout=out)
    return out.getvalue()


def held_by(group_name):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def all_permissions_of(*app_labels):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(content_type__app_label__in=app_labels).values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_editor_in_chief_holds_every_permission_of_both_apps_with_every_workflow_step_and_the_import():
    ensure_roles()
    held = held_by("Editor-in-chief")
    assert held == all_permissions_of("briefs", "people", "crossref", "newsletter", "readership")
    assert WORKFLOW_PERMISSIONS | {"people.import_fellows", "briefs.delete_series", "people.delete_person"} <= held


def test_an_editor_writes_issues_and_people_and_submits_but_cannot_approve_publish_withdraw_or_restore():
    ensure_roles()
    assert held_by("Editor") == EDITOR_PERMISSIONS
    assert not held_by("Editor") & (WORKFLOW_PERMISSIONS - {"briefs.submit_issue"})


def test_programme_staff_hold_people_fellowships_programmes_organisations_and_the_import_and_nothing_of_briefs():
    ensure_roles()
    assert held_by("Programme staff") == PROGRAMME_STAFF_PERMISSIONS == all_permissions_of("people")


def test_permissions_are_checked_through_the_group(user_in_role):
    editor, chief, staff = user_in_role("Editor"), user_in_role("Editor-in-chief"), user_in_role("Programme staff")
    assert editor.has_perm("briefs.submit_issue") and not editor.has_perm("briefs.publish_issue")
    assert chief.has_perm("briefs.publish_issue") and chief.has_perm("people.import_fellows")
    assert staff.has_perm("people.import_fellows") and not staff.has_perm("briefs.view_issue")
    assert not any(user.is_superuser for user in (editor, chief, staff))


def test_running_it_twice_changes_nothing_the_second_time():
    first = ensure_roles()
    before = {name: held_by(name) for name in roles.ROLES}
    second = ensure_roles()
    assert "created" in first and "created" not in second and second.count("up to date") == 3
    assert {name: held_by(name) for name in roles.ROLES} == before
    assert Group.objects.filter(name__in=roles.ROLES).count() == 3


def test_a_permission_given_to_a_group_by_hand_is_removed_and_one_taken_away_is_given_back():
    ensure_roles()
    editor = Group.objects.get(name="Editor")
    editor.permissions.add(Permission.objects.get(codename="publish_issue"))
    editor.permissions.remove(Permission.objects.get(codename="submit_issue"))
    Group.objects.get(name="Programme staff").permissions.add(Permission.objects.get(codename="view_issue"))

    report = ensure_roles()
    assert held_by("Editor") == EDITOR_PERMISSIONS and held_by("Programme staff") == PROGRAMME_STAFF_PERMISSIONS
    assert "Editor: added briefs.submit_issue; removed briefs.publish_issue" in report
    assert "Programme staff: removed briefs.view_issue" in report


def test_a_permission_missing_from_the_database_is_made_before_the_groups_are_set():
    Permission.objects.filter(codename="import_fellows").delete()  # as if migrate had not created it yet
    ensure_roles()
    assert "people.import_fellows" in held_by("Programme staff") and "people.import_fellows" in held_by(
        "Editor-in-chief"
    )


def test_a_role_naming_a_permission_that_does_not_exist_fails_loudly(monkeypatch):
    monkeypatch.setitem(roles.ROLES, "Editor", {"apps": [], "permissions": ["briefs.publish_isue"]})
    with pytest.raises(CommandError, match="briefs.publish_isue"):
        ensure_roles()


@pytest.fixture
def local_development(settings, monkeypatch):
    """What ensure_admin requires (DEBUG and the SQLite database), whichever database the suite runs on."""
    from types import SimpleNamespace

    from demo.management.commands import ensure_admin

    settings.DEBUG = True
    monkeypatch.setattr(ensure_admin, "connection", SimpleNamespace(vendor="sqlite"))


def test_make_run_s_demo_accounts_one_per_role_sign_in_with_the_printed_password(local_development):
    from django.contrib.auth import get_user_model

    out = io.StringIO()
    call_command("ensure_admin", "--role-accounts", "--password", "demo-pw-1", stdout=out)
    call_command("ensure_admin", "--role-accounts", "--password", "demo-pw-1", stdout=io.StringIO())  # again: no copies
    printed = out.getvalue()
    for username, role in [("chief", "Editor-in-chief"), ("editor", "Editor"), ("programme", "Programme staff")]:
        user = get_user_model().objects.get(username=username)
        assert (user.is_staff, user.is_superuser, list(user.groups.values_list("name", flat=True))) == (
            True,
            False,
            [role],
        )
        assert not user.user_permissions.exists()
        assert f"user: {username} " in printed and role in printed
        assert user.is_active and user.check_password("demo-pw-1")
    assert printed.count("password: demo-pw-1") == 4


def test_ensure_admin_makes_no_role_accounts_unless_asked(local_development):
    from django.contrib.auth import get_user_model

    call_command("ensure_admin", stdout=io.StringIO())
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
