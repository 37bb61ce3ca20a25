"""Places in the admin: the issue form's autocomplete offers ISO countries, and picking one adds it on save.

The autocomplete is asked as the issue form's script asks it; the forms are
posted as the browser posts them.
"""

import pytest
from django.urls import reverse

from briefs.models import Issue, Place
from briefs.working_copies import current_copy, edits_go_to_a_copy
from editorial import places as places_module
from tests.conftest import make_interview, make_series, make_staff
from tests.editorial.test_admin_forms import ADD_ISSUE, issue_post
from tests.editorial.test_edit_conflicts import open_form, save

pytestmark = pytest.mark.django_db
AUTOCOMPLETE = reverse("admin:briefs_place_autocomplete")
ADD_PLACE = reverse("admin:briefs_place_add")


def suggestions(client, term, page=1):
    response = client.get(
        AUTOCOMPLETE, {"term": term, "app_label": "briefs", "model_name": "issue", "field_name": "places", "page": page}
    )
    assert response.status_code == 200, response
    return response.json()


def texts(client, term):
    return [result["text"] for result in suggestions(client, term)["results"]]


# -- the autocomplete --


def test_typing_part_of_a_country_offers_it_from_the_iso_list_before_any_place_has_it(editor_client):
    assert suggestions(editor_client, "Tajik")["results"] == [{"id": "new:TJ", "text": "Tajikistan (new)"}]


def test_places_that_exist_come_first_and_a_listed_country_is_not_offered_again(editor_client):
    kazakhstan = Place.objects.create(name="Kazakhstan", country="KZ")
    central_asia = Place.objects.create(name="Central Asia (stan countries)", kind=Place.Kind.REGION)
    results = suggestions(editor_client, "stan")["results"]
    assert results[:2] == [
        {"id": str(central_asia.pk), "text": "Central Asia (stan countries)"},
        {"id": str(kazakhstan.pk), "text": "Kazakhstan"},
    ]
    offered = [result["text"] for result in results[2:]]
    assert "Afghanistan (new)" in offered and "Tajikistan (new)" in offered
    assert "Kazakhstan (new)" not in offered


def test_a_place_is_found_by_its_countrys_iso_name_when_the_series_writes_it_otherwise(editor_client):
    qazaqstan = Place.objects.create(name="Qazaqstan", country="KZ")
    assert suggestions(editor_client, "kazakh")["results"] == [{"id": str(qazaqstan.pk), "text": "Qazaqstan"}]


def test_new_countries_follow_the_last_page_of_places_that_exist(editor_client):
    for n in range(25):
        Place.objects.create(name=f"Land {n:02} region", kind=Place.Kind.REGION)
    first, second = suggestions(editor_client, "land"), suggestions(editor_client, "land", page=2)
    assert first["pagination"]["more"] is True
    assert all(not result["id"].startswith("new:") for result in first["results"])
    assert [result["text"] for result in second["results"][:5]] == [f"Land {n} region" for n in range(20, 25)]
    offered = [result["text"] for result in second["results"][5:]]
    assert "Finland (new)" in offered and all(text.endswith(" (new)") for text in offered)


def test_without_the_permission_to_add_places_only_existing_places_are_offered(client):
    Place.objects.create(name="Kazakhstan", country="KZ")
    client.force_login(make_staff("briefs.view_place", "briefs.add_issue", "briefs.change_issue"))
    assert texts(client, "stan") == ["Kazakhstan"]


def test_the_autocomplete_answers_only_for_places(editor_client):
    response = editor_client.get(
        AUTOCOMPLETE, {"term": "a", "app_label": "briefs", "model_name": "issue", "field_name": "topics"}
    )
    assert response.status_code == 403


# -- the issue form --


def test_a_country_picked_from_the_iso_list_is_added_when_the_issue_is_saved(editor_client):
    series = make_series()
    kazakhstan = Place.objects.create(name="Kazakhstan", country="KZ")
    response = editor_client.post(ADD_ISSUE, issue_post(series, places=[str(kazakhstan.pk), "new:TJ"]))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    tajikistan = Place.objects.get(country="TJ")
    assert (tajikistan.kind, tajikistan.name, tajikistan.slug) == ("country", "Tajikistan", "tajikistan")
    assert set(Issue.objects.get(series=series).places.all()) == {kazakhstan, tajikistan}


def test_a_form_that_is_not_saved_adds_no_place_and_keeps_the_picked_country(editor_client):
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), title="", places=["new:TJ"]))
    assert response.status_code == 200
    assert not Place.objects.exists()
    html = response.content.decode()
    assert '<option value="new:TJ" selected>Tajikistan (new)</option>' in html


def test_a_code_that_is_not_a_country_is_a_form_error_and_nothing_is_saved(editor_client):
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), places=["new:XX", "new:TJ"]))
    assert response.status_code == 200
    assert "XX is not a country of the ISO list and was left out" in str(
        response.context["adminform"].form.errors["places"]
    )
    assert '<option value="new:TJ" selected>Tajikistan (new)</option>' in response.content.decode()
    assert "new:XX" not in response.content.decode()
    assert not Place.objects.exists() and not Issue.objects.exists()


def test_a_country_added_meanwhile_is_named_with_a_link_and_chosen_for_the_next_save(editor_client):
    series = make_series()
    meanwhile = Place.objects.create(name="Tajikistan", country="TJ")
    response = editor_client.post(ADD_ISSUE, issue_post(series, places=["new:TJ"]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["places"]
    link = reverse("admin:briefs_place_change", args=[meanwhile.pk])
    assert errors == [
        f'Tajikistan was added as a place meanwhile (<a href="{link}">Tajikistan</a>) and is chosen instead; '
        "save again to keep it."
    ]
    assert f'<option value="{meanwhile.pk}" selected>Tajikistan</option>' in response.content.decode()
    assert not Issue.objects.exists() and Place.objects.count() == 1


def test_a_country_whose_name_a_region_has_is_refused_naming_the_region(editor_client):
    Place.objects.create(name="georgia", slug="georgia-region", kind=Place.Kind.REGION)
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), places=["new:GE"]))
    assert "the place <a href" in str(response.context["adminform"].form.errors["places"])
    assert Place.objects.count() == 1


def test_two_editors_adding_the_same_country_at_once_make_one_place(editor_client, monkeypatch):
    """The other editor's save lands between this form's checks and its save: both issues get one place."""
    series = make_series()
    checked = places_module.PlacesField._new_places

    def other_editor_saves_meanwhile(field, codes):
        new = checked(field, codes)
        Place.objects.create(name="Tadschikistan", slug="tadschikistan", country="TJ")
        return new

    monkeypatch.setattr(places_module.PlacesField, "_new_places", other_editor_saves_meanwhile)
    response = editor_client.post(ADD_ISSUE, issue_post(series, places=["new:TJ"]))
    assert response.status_code == 302
    assert [place.name for place in Issue.objects.get(series=series).places.all()] == ["Tadschikistan"]
    assert Place.objects.count() == 1


def test_without_the_permission_to_add_places_a_new_country_is_refused(client):
    client.force_login(
        make_staff(
            "briefs.view_place", "briefs.add_issue", "briefs.change_issue", "briefs.view_issue", "briefs.view_series"
        )
    )
    response = client.post(ADD_ISSUE, issue_post(make_series(), places=["new:TJ"]))
    assert response.status_code == 200
    assert "adding one is for editors who may add places" in str(response.context["adminform"].form.errors["places"])
    assert not Place.objects.exists()


# -- the place form (also the issue form's “+” popup) --


def place_post(**fields):
    return {"kind": "country", "country": "", "name": "", "slug": ""} | fields


def test_a_country_needs_only_the_country_its_name_and_address_follow(editor_client):
    response = editor_client.post(ADD_PLACE, place_post(country="TJ"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    place = Place.objects.get()
    assert (place.name, place.slug, place.kind) == ("Tajikistan", "tajikistan", "country")


def test_a_country_may_keep_the_name_the_series_writes(editor_client):
    editor_client.post(ADD_PLACE, place_post(country="KZ", name="Qazaqstan", slug="qazaqstan"))
    assert Place.objects.get(country="KZ").name == "Qazaqstan"


def test_a_region_is_added_by_name(editor_client):
    editor_client.post(ADD_PLACE, place_post(kind="region", name="Central Asia"))
    place = Place.objects.get()
    assert (place.name, place.slug, place.country) == ("Central Asia", "central-asia", "")


def test_a_region_without_a_name_is_asked_for_one(editor_client):
    response = editor_client.post(ADD_PLACE, place_post(kind="region"))
    assert response.context["adminform"].form.errors == {"name": ["Give the region a name, e.g. “Central Asia”."]}


def test_a_listed_country_gets_one_error_naming_its_place_with_a_link(editor_client):
    listed = Place.objects.create(name="Tajikistan", country="TJ")
    response = editor_client.post(ADD_PLACE, place_post(country="TJ", name="Tajikistan", slug="tajikistan"))
    errors = response.context["adminform"].form.errors
    link = reverse("admin:briefs_place_change", args=[listed.pk])
    assert errors == {
        "country": [
            f'Tajikistan is listed already, as <a href="{link}">Tajikistan</a>: choose it in the issue instead of '
            "adding it again."
        ]
    }
    assert Place.objects.count() == 1


def test_a_country_picked_for_a_public_issue_goes_into_its_prepared_change(editor_client):
    issue = make_interview()
    assert edits_go_to_a_copy(issue)
    response = save(editor_client, issue, open_form(editor_client, issue) | {"places": ["new:TJ"]})
    assert response.status_code == 302
    tajikistan = Place.objects.get(country="TJ")
    assert list(current_copy(issue).places.all()) == [tajikistan]
    assert not issue.places.exists()  # readers see it once the change is published


def test_a_country_whose_address_a_region_has_gets_the_next_free_one(editor_client):
    Place.objects.create(name="Georgia!", slug="georgia", kind=Place.Kind.REGION)
    response = editor_client.post(ADD_PLACE, place_post(country="GE"))
    assert response.status_code == 302
    assert Place.objects.get(country="GE").slug == "georgia-2"


def test_a_place_that_exists_is_found_whatever_the_accents_and_case(editor_client):
    region = Place.objects.create(name="Région Nord-Est", kind=Place.Kind.REGION)
    assert suggestions(editor_client, "REGION NORD")["results"] == [{"id": str(region.pk), "text": "Région Nord-Est"}]


def test_a_country_with_neither_country_nor_name_is_told_once_to_choose_the_country(editor_client):
    response = editor_client.post(ADD_PLACE, place_post())
    assert response.context["adminform"].form.errors == {"country": ["Choose the country, or make this a region."]}
    assert not Place.objects.exists()


def test_a_place_whose_address_is_cleared_gets_its_own_back(editor_client):
    kazakhstan = Place.objects.create(name="Kazakhstan", slug="kazakhstan", country="KZ")
    change = reverse("admin:briefs_place_change", args=[kazakhstan.pk])
    response = editor_client.post(change, place_post(country="KZ", name="Kazakhstan"))
    assert response.status_code == 302
    kazakhstan.refresh_from_db()
    assert kazakhstan.slug == "kazakhstan"


def test_a_forged_place_value_is_a_form_error_not_a_server_error(editor_client):
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), places=["abc", "new:"]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["places"]
    assert not Issue.objects.exists()


def test_the_autocomplete_asks_a_fixed_number_of_queries_however_many_places(
    editor_client, django_assert_max_num_queries
):
    for n in range(15):
        Place.objects.create(name=f"Steppe region {n}", kind=Place.Kind.REGION, country="")
    Place.objects.create(name="Kazakhstan", country="KZ")
    # Session, user, the places' names, the count, the page, the countries listed.
    with django_assert_max_num_queries(6):
        results = suggestions(editor_client, "st")["results"]
    assert len(results) > 16 and results[16]["text"].endswith(" (new)")


def test_the_list_of_places_finds_a_country_by_its_iso_name_within_the_chosen_kind(editor_client):
    Place.objects.create(name="Qazaqstan", country="KZ")
    Place.objects.create(name="Kazakh steppe", kind=Place.Kind.REGION)
    changelist = reverse("admin:briefs_place_changelist")
    found = editor_client.get(changelist, {"q": "kazakh"}).context["cl"].result_list
    assert sorted(place.name for place in found) == ["Kazakh steppe", "Qazaqstan"]
    regions = editor_client.get(changelist, {"q": "kazakh", "kind__exact": "region"}).context["cl"].result_list
    assert [place.name for place in regions] == ["Kazakh steppe"]
