"""Every admin page of briefs and people checks a model permission: staff without it get 403."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.conftest import make_fellowship, make_membership, make_person, make_series, make_staff

pytestmark = pytest.mark.django_db

#: Every model of the two apps with an admin, found from the admin so that a new one is covered too.
MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in ("briefs", "people")
)
BRIEFS_MODELS = [m for m in MODELS if m[0] == "briefs"]
PEOPLE_ONLY_FOR_PROGRAMME_STAFF = [("people", "fellowship"), ("people", "organisation"), ("people", "programme")]


def changelist(app_label, model_name):
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_both_apps_have_admin_pages_to_check():
    assert {("briefs", "issue"), ("briefs", "series"), ("people", "person"), ("people", "fellowship")} <= set(MODELS)


@pytest.mark.parametrize("app_label, model_name", MODELS)
def test_staff_with_no_permissions_get_403_on_the_list_and_the_add_page(app_label, model_name):
    staff = signed_in(make_staff())
    assert staff.get(changelist(app_label, model_name)).status_code == 403
    assert staff.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403


def test_staff_with_no_permissions_see_no_app_on_the_admin_index():
    html = signed_in(make_staff()).get(reverse("admin:index")).content.decode()
    assert "/admin/briefs/" not in html and "/admin/people/" not in html


def test_staff_with_no_permissions_cannot_look_people_up_through_an_autocomplete():
    make_person(given_name="Albina", family_name="Muratbekova", email="albina@example.org")
    query = {"term": "Alb", "app_label": "briefs", "model_name": "contribution", "field_name": "person"}
    response = signed_in(make_staff()).get(reverse("admin:autocomplete"), query)
    assert response.status_code == 403 and b"Muratbekova" not in response.content


@pytest.mark.parametrize("app_label, model_name", BRIEFS_MODELS)
def test_programme_staff_get_403_on_every_list_of_briefs(client_in_role, app_label, model_name):
    assert client_in_role("Programme staff").get(changelist(app_label, model_name)).status_code == 403


@pytest.mark.parametrize("app_label, model_name", PEOPLE_ONLY_FOR_PROGRAMME_STAFF)
def test_editors_get_403_on_fellowships_programmes_and_organisations(client_in_role, app_label, model_name):
    assert client_in_role("Editor").get(changelist(app_label, model_name)).status_code == 403


def test_each_role_reaches_its_own_lists(client_in_role):
    editor, staff = client_in_role("Editor"), client_in_role("Programme staff")
    assert editor.get(changelist("briefs", "issue")).status_code == 200
    assert editor.get(changelist("people", "person")).status_code == 200
    for model_name in ("person", "fellowship", "programme", "organisation"):
        assert staff.get(changelist("people", model_name)).status_code == 200


def test_each_role_opens_the_add_forms_of_what_it_writes(client_in_role):
    editor, staff = client_in_role("Editor"), client_in_role("Programme staff")
    for client, models in [
        (editor, [("briefs", "issue"), ("people", "person")]),
        (staff, [("people", "person"), ("people", "fellowship"), ("people", "programme")]),
    ]:
        for app_label, model_name in models:
            assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 200, model_name
    assert editor.get(reverse("admin:briefs_series_add")).status_code == 403


def test_on_a_person_s_form_editors_see_the_editorial_terms_and_programme_staff_the_fellowships(client_in_role):
    person = make_person()
    make_membership(make_series(), person=person)
    make_fellowship(person=person)
    url = reverse("admin:people_person_change", args=[person.pk])
    editor = client_in_role("Editor").get(url).content.decode()
    assert 'id="editorial_memberships-group"' in editor and 'id="fellowships-group"' not in editor
    staff = client_in_role("Programme staff").get(url).content.decode()
    assert 'id="fellowships-group"' in staff and 'id="editorial_memberships-group"' not in staff
