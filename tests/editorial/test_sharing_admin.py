"""Proofreading links in the admin: made and revoked from the issue's page, listed on their own.

Each test posts the issue's admin page as the browser would (every field as
shown, plus what the editor typed), so the other inlines' checks run too.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue
from sharing.models import ShareLink
from sharing.services import revoke_share_link, share_issue
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db

MADE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
#: The links' inline as the admin renders it when no row may be added: no “Add another” button.
NO_ROWS_TO_ADD = 'name="share_links-MAX_NUM_FORMS" value="0"'


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MADE)
    return MADE


@pytest.fixture
def draft():
    return make_interview(status=Issue.Status.DRAFT, title="Trade across the Syr Darya")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        "jschulz", "js@example.org", "pw-for-tests-only", first_name="Janny", last_name="Schulz"
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def staff_with(django_user_model, *codenames):
    user = django_user_model.objects.create_user(f"staff-{'-'.join(codenames) or 'none'}", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def change_url(issue):
    return reverse("admin:briefs_issue_change", args=[issue.pk])


def _plain(value):
    if value is None:
        return ""
    return value.pk if hasattr(value, "pk") else value


def form_data(page):
    """Every field of the issue's admin page as the browser would post it unchanged."""
    form = page.context["adminform"].form
    data = {name: _plain(form[name].value()) for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        for i, row in enumerate(formset.forms):
            for name in row.fields:
                if not row.fields[name].disabled:
                    data[f"{formset.prefix}-{i}-{name}"] = _plain(row[name].value())
    return {k: v for k, v in data.items() if v is not False}  # an unticked box is not sent


def with_new_link(data, **row):
    """``data`` with one more row in the links' inline, as “Add another” makes it."""
    n = int(data["share_links-TOTAL_FORMS"])
    data = data | {
        f"share_links-{n}-{name}": value for name, value in ({"valid_for_days": "7", "note": ""} | row).items()
    }
    data["share_links-TOTAL_FORMS"] = str(n + 1)
    return data


def test_a_row_added_on_the_issue_page_makes_a_link_by_that_editor_for_the_chosen_days(
    editor_client, editor, draft, clock
):
    data = with_new_link(
        form_data(editor_client.get(change_url(draft))), valid_for_days="12", note="for Erkin Baydarov"
    )
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    link = ShareLink.objects.get(issue=draft)
    assert link.created_by == editor and link.note == "for Erkin Baydarov"
    assert link.created_at == MADE and link.expires_at == MADE + datetime.timedelta(days=12)
    assert link.revoked_at is None


def test_a_row_left_as_offered_makes_a_link_valid_for_seven_days(editor_client, draft, clock):
    response = editor_client.post(change_url(draft), with_new_link(form_data(editor_client.get(change_url(draft)))))
    assert response.status_code == 302
    assert ShareLink.objects.get(issue=draft).expires_at == MADE + datetime.timedelta(days=7)


@pytest.mark.parametrize("days", ["0", "31", ""])
def test_a_validity_outside_one_to_thirty_days_is_refused_and_nothing_is_saved(editor_client, draft, days):
    data = with_new_link(form_data(editor_client.get(change_url(draft))), valid_for_days=days, title="Changed title")
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["inline_admin_formsets"][-1].formset.errors)
    assert (
        "between" in errors
        or "less than or equal to 30" in errors
        or "greater than or equal to 1" in errors
        or "This field is required" in errors
    ), errors
    assert not ShareLink.objects.exists()
    assert Issue.objects.get(pk=draft.pk).title == "Trade across the Syr Darya"


def test_the_issue_page_lists_each_link_with_its_full_address_maker_expiry_and_state(
    editor_client, editor, draft, clock
):
    active = share_issue(issue=draft, by=editor, note="for Erkin Baydarov")
    revoked = share_issue(issue=draft, by=editor, days=3)
    revoke_share_link(link=revoked, by=editor)
    html = editor_client.get(change_url(draft)).content.decode()
    assert f'value="http://testserver/proof/{active.token}/"' in html
    assert f'value="http://testserver/proof/{revoked.token}/"' in html
    assert html.count("Janny Schulz, 2 March 2026, 10:00") == 2
    assert "9 March 2026" in html  # the active link's expiry
    assert "Active" in html and "Revoked by Janny Schulz on 2 March 2026, 10:00" in html


def test_ticking_revoke_stops_the_link_and_records_who_and_when(editor_client, editor, draft, clock, client):
    link = share_issue(issue=draft, by=editor)
    data = form_data(editor_client.get(change_url(draft)))
    data["share_links-0-revoke"] = "on"
    assert editor_client.post(change_url(draft), data).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == MADE and link.revoked_by == editor
    editor_client.logout()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_the_other_inlines_checks_still_run_and_a_refused_save_makes_no_link(editor_client, draft):
    data = with_new_link(form_data(editor_client.get(change_url(draft))))
    data["questions-0-answer"] = "<p>Cites a missing note[^nowhere].</p>"
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "cites [^nowhere], but no footnote has the label" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_issue_saves_as_before_when_no_link_is_added(editor_client, draft):
    data = form_data(editor_client.get(change_url(draft))) | {"title": "A better title"}
    assert editor_client.post(change_url(draft), data).status_code == 302
    assert Issue.objects.get(pk=draft.pk).title == "A better title" and not ShareLink.objects.exists()


def test_a_new_issue_has_no_links_to_make_until_it_is_saved(editor_client):
    html = editor_client.get(reverse("admin:briefs_issue_add")).content.decode()
    assert "share_links-TOTAL_FORMS" not in html


def test_permission_to_change_issues_is_all_it_takes_to_make_a_link(client, django_user_model, draft, editor_client):
    client.force_login(staff_with(django_user_model, "view_issue", "change_issue"))  # nothing of sharing's own
    page = client.get(change_url(draft))
    assert NO_ROWS_TO_ADD not in page.content.decode()
    assert client.post(change_url(draft), with_new_link(form_data(page))).status_code == 302
    assert ShareLink.objects.get(issue=draft).created_by.username == "staff-view_issue-change_issue"


def test_a_user_without_permission_to_change_issues_cannot_make_a_link(
    client, django_user_model, draft, editor, editor_client
):
    data = with_new_link(form_data(editor_client.get(change_url(draft))))
    for codenames in [("view_issue",), ("view_issue", "add_sharelink", "change_sharelink")]:
        user = staff_with(django_user_model, *codenames)
        client.force_login(user)
        page = client.get(change_url(draft))
        assert page.status_code == 200 and NO_ROWS_TO_ADD in page.content.decode()
        assert client.post(change_url(draft), data).status_code == 403
        # nor from the links' own list, which makes none
        assert client.get(reverse("admin:sharing_sharelink_add")).status_code == 403
    assert not ShareLink.objects.exists()


def test_a_reader_of_issues_sees_the_links_but_cannot_revoke_them(client, django_user_model, draft, editor):
    link = share_issue(issue=draft, by=editor)
    client.force_login(staff_with(django_user_model, "view_issue"))
    html = client.get(change_url(draft)).content.decode()
    assert f"/proof/{link.token}/" in html and 'name="share_links-0-revoke"' not in html
    listing = reverse("admin:sharing_sharelink_changelist")
    response = client.post(listing, {"action": "revoke", "_selected_action": [str(link.pk)]})
    link.refresh_from_db()
    assert link.revoked_at is None, response


def test_a_public_issue_offers_no_new_link_and_a_crafted_row_makes_none(editor_client):
    public = make_interview()
    page = editor_client.get(change_url(public))
    # Its page edits its working copy, which is not shared either: readers have its address.
    assert "proofreading links:" not in page.content.decode()
    crafted = form_data(page) | {"share_links-TOTAL_FORMS": "0", "share_links-INITIAL_FORMS": "0"}
    editor_client.post(change_url(public), with_new_link(crafted))
    assert not ShareLink.objects.exists()


def test_the_list_of_links_shows_addresses_and_states_and_revokes_in_bulk(editor_client, editor, draft, clock):
    links = [share_issue(issue=draft, by=editor, note=f"for reader {n}") for n in range(2)]
    listing = reverse("admin:sharing_sharelink_changelist")
    html = editor_client.get(listing).content.decode()
    for link in links:
        assert f"http://testserver/proof/{link.token}/" in html
    response = editor_client.post(
        listing, {"action": "revoke", "_selected_action": [str(link.pk) for link in links]}, follow=True
    )
    assert "2 links revoked" in response.content.decode()
    assert all(link.revoked_by == editor for link in ShareLink.objects.all())
    assert re.search(r"Revoked by Janny Schulz", editor_client.get(listing).content.decode())
    assert editor_client.get(reverse("admin:sharing_sharelink_change", args=[links[0].pk])).status_code == 200


def test_deleting_a_draft_deletes_its_links_for_whoever_may_delete_issues(client, django_user_model, draft, editor):
    share_issue(issue=draft, by=editor)
    client.force_login(staff_with(django_user_model, "view_issue", "change_issue", "delete_issue"))
    delete = reverse("admin:briefs_issue_delete", args=[draft.pk])
    assert "proofreading link" not in client.get(delete).context.get("perms_lacking", set())
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Issue.objects.filter(pk=draft.pk).exists() and not ShareLink.objects.exists()
