"""The public fellows directory, the person page's fellowships and the team page.

Years are chosen far from today (2001–2003 is long past, 2090–2099 far ahead),
so no test depends on the current date; status rules are tested with a fixed day.
"""

import datetime
import re

import pytest
from django.urls import reverse

from people.models import Fellowship, FellowshipStatus, Programme, fellowship_status
from reader.directory import group_by_cohort
from tests.conftest import make_fellowship, make_membership, make_person, make_programme, make_series

DIRECTORY = reverse("reader:fellows_directory")


def test_status_is_current_until_the_cohort_s_last_year_has_passed():
    day = datetime.date(2019, 6, 1)
    assert fellowship_status(2017, 2019, day) == FellowshipStatus.CURRENT
    assert fellowship_status(2019, 2021, day) == FellowshipStatus.CURRENT
    assert fellowship_status(2015, 2018, day) == FellowshipStatus.ALUMNI
    assert fellowship_status(2017, 2019, datetime.date(2020, 1, 1)) == FellowshipStatus.ALUMNI


def test_cohorts_keep_their_order_and_name_the_programme_only_when_there_are_several():
    a, b = Programme(pk=1, short_name="EUCACIS"), Programme(pk=2, short_name="OTHER")
    rows = [
        Fellowship(start_year=2019, end_year=2021, programme=a),
        Fellowship(start_year=2019, end_year=2021, programme=a),
        Fellowship(start_year=2017, end_year=2019, programme=a),
    ]
    assert [(c.label, len(c.fellowships)) for c in group_by_cohort(rows)] == [("2019–2021", 2), ("2017–2019", 1)]
    rows.append(Fellowship(start_year=2017, end_year=2019, programme=b))
    assert [c.label for c in group_by_cohort(rows)] == ["EUCACIS 2019–2021", "EUCACIS 2017–2019", "OTHER 2017–2019"]


@pytest.fixture
def fellows(db):
    people = {}
    for key, given, country, discipline, years, thesis in [
        ("kz_old", "Aigerim", "KZ", "economics", (2001, 2003), "Trade in the steppe"),
        ("kz_new", "Dana", "KZ", "political-science", (2090, 2099), "Border politics"),
        ("ge_old", "Nino", "GE", "political-science", (2001, 2003), "Caucasus security"),
        ("af_new", "Farid", "AF", "contemporary-history", (2090, 2099), "Kabul archives"),
    ]:
        person = make_person(given_name=given, family_name="Fellow", email=f"{given.lower()}@private.example")
        make_fellowship(
            person=person,
            country=country,
            discipline=discipline,
            start_year=years[0],
            end_year=years[1],
            thesis_title=thesis,
            notes=f"Private note about {given}",
        )
        people[key] = person
    return people


def _names(html):
    return re.findall(r'class="fellow-name"[^>]*>([^<]+)<', html)


def test_the_directory_groups_fellows_by_cohort_newest_first(client, fellows):
    html = client.get(DIRECTORY).content.decode()
    assert re.findall(r"<h2[^>]*>Cohort ([^<]+)</h2>", html) == ["2090–2099", "2001–2003"]
    assert _names(html) == ["Dana Fellow", "Farid Fellow", "Aigerim Fellow", "Nino Fellow"]
    assert "Kazakhstan" in html and "Border politics" in html and "4 fellows." in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"country": "KZ"}, ["Dana Fellow", "Aigerim Fellow"]),
        ({"discipline": "political-science"}, ["Dana Fellow", "Nino Fellow"]),
        ({"status": "alumni"}, ["Aigerim Fellow", "Nino Fellow"]),
        ({"status": "current"}, ["Dana Fellow", "Farid Fellow"]),
        ({"country": "KZ", "status": "current"}, ["Dana Fellow"]),
        ({"country": "KZ", "discipline": "political-science", "status": "alumni"}, []),
    ],
)
def test_filters_work_alone_and_combined(client, fellows, query, expected):
    html = client.get(DIRECTORY, query).content.decode()
    assert _names(html) == expected
    for name, value in query.items():  # the chosen filters stay selected, from the address
        assert re.search(rf'<select name="{name}"[^>]*>.*?<option value="{value}" selected>', html, re.S)


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, fellows):
    html = client.get(
        DIRECTORY, {"country": "KZ", "discipline": "political-science", "status": "alumni"}
    ).content.decode()
    assert "No fellows match these filters." in html and 'href="/fellows/">show all fellows' in html


def test_an_unknown_filter_value_is_explained_not_ignored(client, fellows):
    html = client.get(DIRECTORY, {"country": "ZZ"}).content.decode()
    assert "ZZ is not one of the available choices" in html and _names(html) == []


def test_only_countries_with_fellows_are_offered(client, fellows):
    html = client.get(DIRECTORY).content.decode()
    offered = re.findall(r'<option value="([A-Z]{2})"', html)
    assert sorted(offered) == ["AF", "GE", "KZ"]


def test_no_email_or_private_note_appears_on_any_public_page(client, fellows):
    pages = [DIRECTORY, DIRECTORY + "?country=KZ"] + [p.get_absolute_url() for p in fellows.values()]
    for url in pages:
        html = client.get(url).content.decode()
        assert "@private.example" not in html and "Private note" not in html, url


def test_the_person_page_lists_fellowships_newest_first(client, fellows):
    person = fellows["kz_old"]
    make_fellowship(person=person, start_year=2005, end_year=2007, home_institution="Second University")
    html = client.get(person.get_absolute_url()).content.decode()
    items = re.findall(r"<li>Fellow of [^,]+, (\d{4}–\d{4}) \(([\w ]+)\)", html)
    assert items == [("2005–2007", "completed"), ("2001–2003", "completed")]


def test_each_fellow_s_status_is_said_of_one_person(client, fellows):
    """“Current fellow” or “Former fellow” in the directory; never “Alumni”, a group's word, for one person."""
    html = client.get(DIRECTORY).content.decode()
    statuses = re.findall(r"(Current fellow|Former fellow|Alumni|alumni)</span>", html)
    assert statuses == ["Current fellow", "Current fellow", "Former fellow", "Former fellow"]
    current = client.get(fellows["kz_new"].get_absolute_url()).content.decode()
    assert re.search(r"<li>Fellow of [^,]+, 2090–2099 \(current fellow\)", current)


def test_the_directory_is_paginated_and_costs_three_queries_whatever_the_number_of_fellows(
    client, db, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here
    programme = make_programme()
    people = [make_person() for _ in range(500)]
    Fellowship.objects.bulk_create(
        Fellowship(
            person=p,
            programme=programme,
            start_year=2000 + i % 20,
            end_year=2002 + i % 20,
            country=["KZ", "GE", "AM", "UZ"][i % 4],
            listed_publicly=True,
        )
        for i, p in enumerate(people)
    )
    with django_assert_num_queries(3):  # the country choices, the count, the page
        html = client.get(DIRECTORY).content.decode()
    assert len(_names(html)) == 50 and "500 fellows." in html and "Page 1 of 10" in html
    with django_assert_num_queries(3):
        html = client.get(DIRECTORY, {"country": "GE", "page": 3}).content.decode()
    assert len(_names(html)) == 25 and "125 fellows match these filters" in html and "Page 3 of 3" in html


def test_the_directory_keeps_its_filters_from_page_to_page_and_shows_every_fellow_once(client, db):
    programme = make_programme()
    people = [make_person() for _ in range(130)]
    Fellowship.objects.bulk_create(
        Fellowship(
            person=p,
            programme=programme,
            start_year=2010,
            end_year=2012,
            country=["KZ", "GE"][i % 2],
            listed_publicly=True,
        )
        for i, p in enumerate(people)
    )
    seen, url, params = [], DIRECTORY, {"country": "KZ"}
    html = client.get(url, params).content.decode()
    while True:
        seen += _names(html)
        following = re.search(r'<a rel="next" href="\?([^"]+)"', html)
        if not following:
            break
        assert "country=KZ" in following.group(1)
        html = client.get(url + "?" + following.group(1).replace("&amp;", "&")).content.decode()
    assert len(seen) == len(set(seen)) == 65


def test_the_team_page_shows_current_and_former_members(client, db):
    series = make_series()
    make_membership(
        series, role="editor", person=make_person(given_name="Now", family_name="Editor"), position="Manager"
    )
    make_membership(
        series,
        role="publisher",
        person=make_person(given_name="Past", family_name="Publisher"),
        start_date=datetime.date(1999, 1, 1),
        end_date=datetime.date(2001, 6, 30),
    )
    html = client.get(reverse("reader:series_team", args=[series.slug])).content.decode()
    current = html.split("Former members")[0]
    assert "Now Editor</a>, Manager" in current and "Past Publisher" not in current
    assert "Past Publisher</a>, Publisher, January 1999 – June 2001" in html


# ----------------------------------------------------------------- consent to be listed


def test_a_new_fellowship_is_not_listed_until_an_editor_says_so():
    assert Fellowship().listed_publicly is False
    assert Fellowship._meta.get_field("listed_publicly").help_text.startswith("Tick only once the fellow has agreed")


def test_an_unlisted_fellow_is_not_in_the_directory_nor_among_its_country_choices(client, fellows):
    Fellowship.objects.filter(person=fellows["ge_old"]).update(listed_publicly=False)
    html = client.get(DIRECTORY).content.decode()
    assert _names(html) == ["Dana Fellow", "Farid Fellow", "Aigerim Fellow"] and "3 fellows." in html
    assert "Caucasus security" not in html
    assert sorted(re.findall(r'<option value="([A-Z]{2})"', html)) == ["AF", "KZ"]
    assert _names(client.get(DIRECTORY, {"country": "GE"}).content.decode()) == []


def test_the_person_page_shows_only_listed_fellowships(client, fellows):
    person = fellows["kz_old"]
    make_fellowship(
        person=person, start_year=2005, end_year=2007, thesis_title="Unlisted thesis", listed_publicly=False
    )
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Trade in the steppe" in html and "Unlisted thesis" not in html
    assert re.findall(r"<li>Fellow of [^,]+, (\d{4}–\d{4})", html) == ["2001–2003"]


@pytest.mark.django_db(transaction=True)
def test_fellowships_recorded_before_the_consent_field_stay_listed():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before_consent = ("people", "0006_person_photo_originals_private")
    try:
        call_command("migrate", *before_consent, verbosity=0)
        old = MigrationExecutor(connection).loader.project_state(before_consent).apps
        person = old.get_model("people", "Person").objects.create(
            given_name="Old", family_name="Fellow", slug="old-fellow"
        )
        programme = old.get_model("people", "Programme").objects.create(name="P", short_name="P", slug="p")
        old.get_model("people", "Fellowship").objects.create(
            person_id=person.pk, programme_id=programme.pk, start_year=2001, end_year=2003
        )
    finally:
        call_command("migrate", verbosity=0)
    assert Fellowship.objects.get(person__slug="old-fellow").listed_publicly is True
    new = Fellowship.objects.create(
        person=make_person(), programme=Programme.objects.get(slug="p"), start_year=2020, end_year=2022
    )
    assert new.listed_publicly is False


def test_the_country_filter_offers_only_countries_of_listed_fellows_in_one_query_however_many(
    client, db, django_assert_num_queries, settings
):
    from django_countries import countries

    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here
    programme = make_programme()
    codes = [code for code, _name in countries][:60]
    Fellowship.objects.bulk_create(
        Fellowship(
            person=make_person(),
            programme=programme,
            start_year=2001,
            end_year=2003,
            country=code,
            listed_publicly=i % 2 == 0,  # every other country has only an unlisted fellow
        )
        for i, code in enumerate(codes)
    )
    with django_assert_num_queries(3):  # the country choices, the count, the page
        html = client.get(DIRECTORY).content.decode()
    assert sorted(re.findall(r'<option value="([A-Z]{2})"', html)) == sorted(codes[0::2])
