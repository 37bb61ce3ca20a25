"""Countries from the ISO list: the search the issue form's autocomplete offers them from, and adding one."""

import pytest

from briefs import places
from briefs.models import Place
from briefs.places import add_country, countries_matching, fold, free_slug


def test_a_country_is_found_by_the_start_of_its_name_whatever_the_case():
    assert countries_matching("Tajik") == [("TJ", "Tajikistan")]
    assert countries_matching("  tAJIK ") == [("TJ", "Tajikistan")]


def test_accents_and_apostrophes_do_not_matter():
    assert fold("Côte d’Ivoire") == fold("cote d'ivoire")
    assert ("CI", "Côte d'Ivoire") in countries_matching("cote d’iv")
    assert countries_matching("turkiye") == [("TR", "Türkiye")]


def test_the_names_the_library_knows_besides_the_shown_one_find_the_country():
    assert countries_matching("Turkey") == [("TR", "Türkiye")]  # its name before 2022
    assert countries_matching("Swaziland") == [("SZ", "Eswatini")]
    assert countries_matching("Islamic Republic") == [("IR", "Iran")]  # the ISO name behind the common one


def test_names_that_start_with_the_term_come_before_names_that_contain_it():
    found = [name for _code, name in countries_matching("guinea")]
    assert found[:2] == ["Guinea", "Guinea-Bissau"]
    assert set(found[2:]) == {"Equatorial Guinea", "Papua New Guinea"}


def test_nothing_typed_offers_nothing():
    assert countries_matching("") == [] and countries_matching("   ") == []


@pytest.mark.django_db
def test_adding_a_country_makes_a_country_place_with_its_iso_name_and_address():
    place = add_country(code="TJ")
    assert (place.kind, place.country, place.name, place.slug) == ("country", "TJ", "Tajikistan", "tajikistan")


@pytest.mark.django_db
def test_adding_a_country_that_is_listed_returns_its_place():
    listed = Place.objects.create(name="Qazaqstan", slug="qazaqstan", country="KZ")
    assert add_country(code="KZ") == listed
    assert Place.objects.count() == 1


@pytest.mark.django_db
def test_a_new_country_gets_an_address_no_place_has():
    Place.objects.create(name="Georgia!", slug="georgia", kind=Place.Kind.REGION)
    assert add_country(code="GE").slug == "georgia-2"
    assert free_slug("Georgia") == "georgia-3"


@pytest.mark.django_db
def test_a_code_not_on_the_iso_list_is_refused():
    with pytest.raises(ValueError, match="not an ISO 3166 country code"):
        add_country(code="XX")
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_a_country_someone_adds_between_the_look_and_the_write_is_taken_not_added_twice(monkeypatch):
    """The other editor's save commits after this one looked for the country and before it wrote."""
    choose_slug = places.free_slug

    def other_editor_adds_it_first(name, **kwargs):
        if not Place.objects.filter(country="TJ").exists():
            Place.objects.create(name="Tadschikistan", slug="tadschikistan", country="TJ")
        return choose_slug(name, **kwargs)

    monkeypatch.setattr(places, "free_slug", other_editor_adds_it_first)
    assert add_country(code="TJ").name == "Tadschikistan"
    assert Place.objects.count() == 1
