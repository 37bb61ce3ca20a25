"""The archive's filters, topic and place pages, and what a person page says a person did."""

import datetime
import re
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.http import QueryDict
from django.urls import reverse
from lxml import html as lxml_html

from briefs.models import Contribution, Issue, Place, Topic
from demo.generate import generate_issues
from reader.archive import AUTHOR_CHOICES, address, read_filters
from reader.people_public import parts_played, term_years
from tests.conftest import (
    VERSION_QUERIES,
    make_interview,
    make_issue,
    make_membership,
    make_person,
    make_series,
    settle_content_version,
)

JAN_1 = datetime.date(2024, 1, 1)


# -- pure rules ----------------------------------------------------------------


def test_filters_are_read_from_the_address_and_what_cannot_be_used_is_set_aside_with_a_note():
    filters = read_filters(QueryDict("year=2019&kind=interview&topic=energy&place=kazakhstan&author=a-b&page=2"))
    assert filters.values == {
        "year": 2019,
        "kind": "interview",
        "topic": "energy",
        "place": "kazakhstan",
        "author": "a-b",
    }
    assert filters.notes == ()
    bad = read_filters(QueryDict("year=19x&kind=poem&topic=%3Cscript%3E&place=&author=" + "x" * 300))
    assert bad.values == {}
    assert len(bad.notes) == 4 and "“19x” is not a year" in bad.notes[0] and "“poem” is not a kind" in bad.notes[1]


def test_a_filter_the_page_fixes_is_not_read_from_the_address():
    assert read_filters(QueryDict("topic=energy&year=2020"), fixed=("topic",)).values == {"year": 2020}


def test_an_address_keeps_the_filters_in_a_fixed_order_and_a_change_adds_or_removes_one():
    filters = {"topic": "energy", "year": 2019}
    assert address(filters) == "year=2019&topic=energy"
    assert address(filters, year=None) == "topic=energy"
    assert address(filters, author="o-rinov") == "year=2019&topic=energy&author=o-rinov"


@pytest.mark.parametrize(
    "start, end, years",
    [
        (datetime.date(2017, 3, 1), datetime.date(2020, 6, 30), "2017–2020"),
        (datetime.date(2017, 3, 1), datetime.date(2017, 9, 30), "2017"),
        (datetime.date(2017, 3, 1), None, "since 2017"),
        (datetime.date(2017, 3, 1), datetime.date(2030, 1, 1), "since 2017"),  # ends later: still in office
        (None, datetime.date(2020, 6, 30), "until 2020"),
        (None, None, ""),
    ],
)
def test_a_term_on_the_editorial_team_is_given_in_years(start, end, years):
    assert term_years(start, end, on=JAN_1) == years


def test_the_parts_a_person_played_are_counted_in_words():
    assert parts_played({"author": 2, "interviewee": 1}) == ["wrote two issues", "was interviewed in one issue"]
    assert parts_played({"interviewer": 1}) == ["conducted one interview"]
    assert parts_played({}) == []


# -- the archive -----------------------------------------------------------------


def _options(html, name):
    """``{value: text}`` of the filter ``name``'s options, and the selected value."""
    tree = lxml_html.fromstring(html)
    select = tree.get_element_by_id(f"filter-{name}")
    options = {o.get("value"): o.text_content() for o in select.findall("option") if o.get("value")}
    selected = [o.get("value") for o in select.findall("option") if o.get("selected") is not None]
    return options, (selected[0] if selected else None)


def _titles(html):
    return [a.text_content() for a in lxml_html.fromstring(html).cssselect(".issue-card-title a")]


@pytest.fixture
def tagged(db):
    """Four published issues and a draft, tagged with topics and places, by two authors."""
    series = make_series()
    energy, water = Topic.objects.create(name="Energy"), Topic.objects.create(name="Water")
    kz = Place.objects.create(name="Kazakhstan", country="KZ")
    ca = Place.objects.create(name="Central Asia", kind=Place.Kind.REGION)
    ana, bo = (
        make_person(given_name="Ana", family_name="Alm", slug="ana"),
        make_person(given_name="Bo", family_name="Berg", slug="bo"),
    )

    def issue(title, year, kind, topics, places, author):
        made = make_issue(series, title=title, publication_date=datetime.date(year, 5, 1), kind=kind)
        made.topics.set(topics)
        made.places.set(places)
        Contribution.objects.create(issue=made, person=author, role="author")
        return made

    issue("Energy in Kazakhstan", 2019, "article", [energy], [kz], ana)
    issue("Water and energy in Central Asia", 2019, "opinion", [energy, water], [kz, ca], bo)
    issue("Water in 2020", 2020, "article", [water], [ca], ana)
    issue("Untagged", 2021, "opinion", [], [], bo)
    draft = issue("Draft on energy", 2019, "article", [energy], [kz], ana)
    Issue.objects.filter(pk=draft.pk).update(status=Issue.Status.DRAFT)
    return series


@pytest.mark.django_db
def test_filters_combine_and_each_choice_counts_the_issues_it_would_show_with_the_others(client, tagged):
    html = client.get(reverse("reader:archive"), {"topic": "energy", "year": "2019"}).content.decode()
    assert sorted(_titles(html)) == ["Energy in Kazakhstan", "Water and energy in Central Asia"]
    assert "2 issues match these filters." in html
    topics, selected = _options(html, "topic")
    # Counted within 2019: energy 2, water 1 (the draft never counts).
    assert topics == {"energy": "Energy (2)", "water": "Water (1)"} and selected == "energy"
    years, selected = _options(html, "year")
    # Counted within Energy: 2019 only.
    assert years == {"2019": "2019 (2)"} and selected == "2019"
    places, _ = _options(html, "place")
    assert places == {"central-asia": "Central Asia (1)", "kazakhstan": "Kazakhstan (2)"}
    authors, _ = _options(html, "author")
    assert authors == {"ana": "Ana Alm (1)", "bo": "Bo Berg (1)"}
    kinds, _ = _options(html, "kind")
    assert kinds == {"opinion": "Opinion piece (1)", "article": "Short article (1)"}
    # A filter's own choice does not narrow its other choices: with Water chosen, Energy still counts 2.
    topics, selected = _options(client.get(reverse("reader:archive"), {"topic": "water"}).content.decode(), "topic")
    assert topics == {"energy": "Energy (2)", "water": "Water (2)"} and selected == "water"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, titles",
    [
        ({"kind": "opinion"}, ["Untagged", "Water and energy in Central Asia"]),
        ({"place": "central-asia"}, ["Water in 2020", "Water and energy in Central Asia"]),
        ({"author": "ana"}, ["Water in 2020", "Energy in Kazakhstan"]),
        ({"author": "ana", "topic": "water"}, ["Water in 2020"]),
        ({"year": "2021"}, ["Untagged"]),
    ],
)
def test_each_filter_narrows_the_archive_to_published_issues(client, tagged, params, titles):
    html = client.get(reverse("reader:archive"), params).content.decode()
    assert _titles(html) == titles


@pytest.mark.django_db
def test_the_author_filter_counts_what_a_person_wrote_or_conducted_not_interviews_they_gave(client, tagged):
    ana = Issue.objects.get(title="Energy in Kazakhstan").contributions.get().person
    make_interview(tagged, authors=1, title="An interview with Ana").contributions.filter(role="interviewee").update(
        person=ana
    )
    html = client.get(reverse("reader:archive"), {"author": "ana"}).content.decode()
    assert "An interview with Ana" not in _titles(html)
    authors, _ = _options(html, "author")
    assert authors["ana"] == "Ana Alm (2)"


@pytest.mark.django_db
def test_a_chosen_author_beyond_the_offered_ones_keeps_their_true_count(client, settings):
    """With more authors than the filter offers, a chosen one outside them still counts their issues, not 0."""
    settings.PAGE_CACHE_ENABLED = False
    series = make_series()
    for n in range(AUTHOR_CHOICES):
        prolific = make_person(slug=f"prolific-{n}")
        for _ in range(2):
            Contribution.objects.create(issue=make_issue(series), person=prolific, role="author")
    rare = make_person(given_name="Rare", family_name="Writer", slug="rare")
    Contribution.objects.create(issue=make_issue(series, title="The rare one"), person=rare, role="author")
    html = client.get(reverse("reader:archive"), {"author": "rare"}).content.decode()
    assert _titles(html) == ["The rare one"]
    authors, selected = _options(html, "author")
    assert selected == "rare" and authors["rare"] == "Rare Writer (1)"


@pytest.mark.django_db
def test_the_filters_in_use_are_listed_each_with_a_link_that_removes_it(client, tagged):
    html = client.get(reverse("reader:archive"), {"topic": "water", "author": "ana"}).content.decode()
    tree = lxml_html.fromstring(html)
    used = {
        li.text_content().split(" Remove")[0]: li.find("a").get("href") for li in tree.cssselect(".active-filters li")
    }
    assert used == {"Topic: Water": "/issues/?author=ana", "Author: Ana Alm": "/issues/?topic=water"}


@pytest.mark.django_db
def test_the_pages_of_a_filtered_archive_keep_its_filters(client, tagged):
    for n in range(30):
        make_issue(tagged, title=f"More water {n}", publication_date=datetime.date(2020, 1, 1)).topics.add(
            Topic.objects.get(slug="water")
        )
    html = client.get(reverse("reader:archive"), {"topic": "water", "page": "1", "utm_source": "x"}).content.decode()
    next_link = lxml_html.fromstring(html).cssselect('.pagination a[rel="next"]')[0].get("href")
    assert next_link == "?topic=water&page=2"
    assert "32 issues match this filter." in html


@pytest.mark.django_db
def test_an_unknown_topic_in_the_address_is_left_out_with_a_note_not_an_empty_page(client, tagged):
    response = client.get(reverse("reader:archive"), {"topic": "renamed-topic", "year": "2019"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No topic is called “renamed-topic”; that filter was left out." in html
    assert sorted(_titles(html)) == ["Energy in Kazakhstan", "Water and energy in Central Asia"]


@pytest.mark.django_db
def test_a_chosen_topic_that_matches_nothing_with_the_other_filters_stays_chosen_with_a_count_of_0(client, tagged):
    html = client.get(reverse("reader:archive"), {"topic": "water", "year": "2021"}).content.decode()
    topics, selected = _options(html, "topic")
    assert selected == "water" and topics["water"] == "Water (0)"
    assert "No issues match these filters." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["year=%00", "kind=' OR 1=1 --", "topic=" + "a" * 10_000, "place=%E2%80%AE", "author=%ff"]
)
def test_hostile_filter_values_give_a_normal_page(client, tagged, query):
    response = client.get(reverse("reader:archive") + "?" + query)
    assert response.status_code == 200
    assert len(_titles(response.content.decode())) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0000", "0", "10000"])
def test_a_year_no_calendar_has_is_left_out_with_a_note_not_an_error(client, tagged, year):
    response = client.get(reverse("reader:archive"), {"year": year})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_titles(html)) == 4
    assert f"“{year}” is not a year this archive knows" in html


@pytest.mark.django_db
def test_a_topic_place_or_person_the_public_may_not_see_is_not_named_by_the_filters(client, tagged):
    """Only a draft has them: choosing them by address must not show their names (nor that they exist)."""
    draft = Issue.objects.get(title="Draft on energy")
    draft.topics.add(Topic.objects.create(name="Secret merger"))
    draft.places.add(Place.objects.create(name="Atlantis", kind=Place.Kind.REGION))
    Contribution.objects.create(
        issue=draft, person=make_person(given_name="Hidden", family_name="Source", slug="hidden"), role="author"
    )
    for params in ({"topic": "secret-merger"}, {"place": "atlantis"}, {"author": "hidden"}):
        for url in (reverse("reader:archive"), reverse("reader:place_detail", args=["central-asia"])):
            if "place" in params and "places" in url:
                continue  # a place page's place is its own
            html = client.get(url, params).content.decode()
            assert "Secret merger" not in html and "Atlantis" not in html and "Hidden Source" not in html
            assert "that filter was left out" in html


# -- topic and place pages -----------------------------------------------------------


@pytest.mark.django_db
def test_a_topic_page_lists_its_published_issues_with_the_other_filters(client, tagged):
    response = client.get(reverse("reader:topic_detail", args=["energy"]))
    html = response.content.decode()
    assert "<h1>Energy</h1>" in html
    assert sorted(_titles(html)) == ["Energy in Kazakhstan", "Water and energy in Central Asia"]
    assert 'id="filter-topic"' not in html and 'id="filter-year"' in html
    html = client.get(reverse("reader:topic_detail", args=["energy"]), {"kind": "opinion"}).content.decode()
    assert _titles(html) == ["Water and energy in Central Asia"]


@pytest.mark.django_db
def test_a_place_page_lists_its_published_issues(client, tagged):
    html = client.get(reverse("reader:place_detail", args=["central-asia"])).content.decode()
    assert "<h1>Central Asia</h1>" in html and "Region" in html
    assert sorted(_titles(html)) == ["Water and energy in Central Asia", "Water in 2020"]


@pytest.mark.django_db
def test_a_topic_or_place_with_no_published_issue_has_no_page(client, tagged):
    Topic.objects.create(name="Only in drafts").issues.add(Issue.objects.get(title="Draft on energy"))
    Place.objects.create(name="Nowhere yet", kind=Place.Kind.REGION)
    assert client.get(reverse("reader:topic_detail", args=["only-in-drafts"])).status_code == 404
    assert client.get(reverse("reader:place_detail", args=["nowhere-yet"])).status_code == 404
    assert client.get(reverse("reader:topic_detail", args=["no-such-topic"])).status_code == 404


@pytest.mark.django_db
def test_the_issue_page_links_its_topics_and_places(client, demo_issue):
    tree = lxml_html.fromstring(client.get(demo_issue.get_absolute_url()).content.decode())
    links = {a.text_content(): a.get("href") for a in tree.cssselect(".issue-tags a")}
    assert links == {
        "Bilateral relations": "/topics/bilateral-relations/",
        "Culture and education": "/topics/culture-and-education/",
        "Regional cooperation": "/topics/regional-cooperation/",
        "Security": "/topics/security/",
        "Trade and investment": "/topics/trade-and-investment/",
        "Central Asia": "/places/central-asia/",
        "Kazakhstan": "/places/kazakhstan/",
        "Uzbekistan": "/places/uzbekistan/",
    }


@pytest.mark.django_db
def test_no_6_is_about_kazakhstan_uzbekistan_and_central_asia(demo_issue):
    places = {(p.name, p.kind, p.country.code or "") for p in demo_issue.places.all()}
    assert places == {("Kazakhstan", "country", "KZ"), ("Uzbekistan", "country", "UZ"), ("Central Asia", "region", "")}
    assert demo_issue.topics.count() == 5


# -- person pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_editors_page_shows_their_editorial_roles_with_years_not_only_no_published_issues(client, demo_issue):
    person = make_person(given_name="Susann", family_name="Heine", slug="susann")
    make_membership(
        demo_issue.series,
        person=person,
        role="editor",
        position="Programme Manager",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    make_membership(demo_issue.series, person=person, role="publisher", start_date=datetime.date(2020, 1, 1))
    html = client.get(person.get_absolute_url()).content.decode()
    roles = [li.text_content() for li in lxml_html.fromstring(html).cssselect(".person-roles li")]
    assert roles == [
        "Publisher, EUCACIS in Brief (since 2020)",
        "Editor, EUCACIS in Brief (2017–2019): Programme Manager",
    ]
    assert "No published issues yet" not in html


@pytest.mark.django_db
def test_a_term_that_has_not_begun_is_not_shown(client, demo_issue):
    person = make_person(slug="later")
    make_membership(
        demo_issue.series, person=person, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2018, 1, 1)
    )
    make_membership(demo_issue.series, person=person, role="publisher", start_date=datetime.date(2999, 1, 1))
    html = client.get(person.get_absolute_url()).content.decode()
    roles = [li.text_content() for li in lxml_html.fromstring(html).cssselect(".person-roles li")]
    assert roles == ["Editor, EUCACIS in Brief (2017–2018)"]


@pytest.mark.django_db
def test_a_person_page_counts_what_they_wrote_conducted_and_were_interviewed_in(client):
    person = make_person(given_name="Gʻulom", family_name="Oʻrinov", slug="gulom")
    make_interview(authors=0).contributions.create(person=person, role="interviewer")
    Contribution.objects.create(issue=make_issue(), person=person, role="author")
    Contribution.objects.create(issue=make_issue(), person=person, role="author")
    Contribution.objects.create(issue=make_interview(authors=0), person=person, role="interviewee", speaker_label="GO")
    Contribution.objects.create(
        issue=make_issue(status=Issue.Status.DRAFT, public_from=None), person=person, role="author"
    )
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Gʻulom Oʻrinov wrote two issues, conducted one interview and was interviewed in one issue." in html


# -- addresses -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_title_and_slug_keep_the_old_address_working_with_a_permanent_redirect(client):
    issue = make_issue(title="Old title", slug="old-title")
    old = issue.get_absolute_url()
    issue.title, issue.slug = "New title", "new-title"
    issue.save()
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == issue.get_absolute_url()
    assert client.get(issue.get_absolute_url()).status_code == 200


# -- what editors do -------------------------------------------------------------------


@pytest.mark.django_db
def test_editors_choose_topics_and_places_with_autocomplete(client_in_role, demo_issue):
    client = client_in_role("Editor")
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "trade", "app_label": "briefs", "model_name": "issue", "field_name": "topics"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Trade and investment"]
    page = client.get(reverse("admin:briefs_issue_change", args=[demo_issue.pk])).content.decode()
    assert re.search(r'<select name="topics"[^>]*class="admin-autocomplete', page)
    assert re.search(r'<select name="places"[^>]*class="admin-autocomplete', page)


@pytest.mark.django_db
def test_a_topic_name_is_unique_whatever_its_case(client_in_role, demo_issue):
    client = client_in_role("Editor-in-chief")
    response = client.post(reverse("admin:briefs_topic_add"), {"name": "trade AND investment", "slug": "trade-2"})
    assert response.status_code == 200
    assert "A topic with this name exists already" in response.content.decode()


@pytest.mark.django_db
def test_a_country_needs_its_country_and_a_region_has_none(client_in_role, db):
    client = client_in_role("Editor-in-chief")
    response = client.post(
        reverse("admin:briefs_place_add"),
        {"name": "Kyrgyzstan", "slug": "kyrgyzstan", "kind": "country", "country": ""},
    )
    assert "Choose the country, or make this a region." in response.content.decode()
    response = client.post(
        reverse("admin:briefs_place_add"), {"name": "Fergana", "slug": "fergana", "kind": "region", "country": "KG"}
    )
    assert "A region is not one country" in response.content.decode()
    assert not Place.objects.exists()


# -- budgets ---------------------------------------------------------------------------

#: The count of each filter's choices (5), the number of matches, the page, its authors.
ARCHIVE_QUERIES = 8 + VERSION_QUERIES


@pytest.mark.django_db
def test_with_1000_issues_the_archive_with_every_filter_and_a_topic_page_keep_their_query_budget(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_ENABLED = False
    generate_issues(1000, seed=1)
    issue = Issue.objects.published().filter(topics__isnull=False, places__isnull=False).first()
    author = issue.contributions.filter(role__in=["author", "interviewer"]).first().person
    settle_content_version()
    every = {
        "year": issue.publication_date.year,
        "kind": issue.kind,
        "topic": issue.topics.first().slug,
        "place": issue.places.first().slug,
        "author": author.slug,
    }
    for params in ({}, every, {**every, "page": 2}, {"topic": every["topic"], "page": 5}):
        with django_assert_max_num_queries(ARCHIVE_QUERIES):
            response = client.get(reverse("reader:archive"), params)
        assert response.status_code == 200
    assert issue.title in client.get(reverse("reader:archive"), every).content.decode()
    with django_assert_max_num_queries(ARCHIVE_QUERIES + 1):  # and the topic
        assert (
            client.get(reverse("reader:topic_detail", args=[every["topic"]]), {"year": every["year"]}).status_code
            == 200
        )
    with django_assert_max_num_queries(ARCHIVE_QUERIES + 1):
        assert client.get(reverse("reader:place_detail", args=[every["place"]])).status_code == 200


@pytest.mark.django_db
def test_the_counts_are_made_once_per_content_version_and_every_change_counts_again(
    client, settings, tagged, django_assert_num_queries
):
    settings.PAGE_CACHE_ENABLED = False  # the counts' own keeping is measured, not the page cache
    url = reverse("reader:archive")
    client.get(url, {"topic": "water"})
    with django_assert_num_queries(
        3 + VERSION_QUERIES
    ):  # the count, the page, the authors: the filters' counts were kept
        html = client.get(url, {"topic": "water", "page": "1"}).content.decode()
    assert _options(html, "topic")[0]["water"] == "Water (2)"
    make_issue(tagged, title="More water").topics.add(Topic.objects.get(slug="water"))
    html = client.get(url, {"topic": "water"}).content.decode()
    assert _options(html, "topic")[0]["water"] == "Water (3)" and "More water" in _titles(html)


@pytest.mark.django_db
def test_the_counts_are_kept_under_a_key_any_cache_accepts_whatever_the_address(client, settings, tagged):
    """Three 200-character values made a key of 700 characters (and a CacheKeyWarning per request)."""
    settings.PAGE_CACHE_ENABLED = False
    long = "a" * 200
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert client.get(reverse("reader:archive"), {"topic": long, "place": long, "author": long}).status_code == 200
    assert not [w for w in caught if issubclass(w.category, CacheKeyWarning)]


@pytest.mark.django_db
def test_the_kept_counts_never_carry_one_readers_note_to_another(client, settings, tagged):
    """The counts were kept with the notes on what the first address set aside, which any address wrote."""
    settings.PAGE_CACHE_ENABLED = False  # the counts' own keeping is tested, not the page cache
    url = reverse("reader:archive")
    first = client.get(url, {"topic": "water", "year": "Visit evil.example"}).content.decode()
    assert "“Visit evil.example” is not a year" in first
    assert "is not a year" not in client.get(url, {"topic": "water"}).content.decode()
    # And the other way round: counts kept by a clean address still come with this address's note.
    assert "“19x” is not a year" in client.get(url, {"topic": "water", "year": "19x"}).content.decode()
    # A note on an unknown topic is about the address, and it stays with it too.
    assert "No topic is called “gone”" in client.get(url, {"topic": "gone", "author": "ana"}).content.decode()
    assert "No topic is called" not in client.get(url, {"author": "ana"}).content.decode()


@pytest.mark.django_db
def test_a_topic_page_never_shows_the_counts_kept_for_the_whole_archive(client, settings, tagged):
    settings.PAGE_CACHE_ENABLED = False
    assert (
        _options(client.get(reverse("reader:archive")).content.decode(), "place")[0]["central-asia"]
        == "Central Asia (2)"
    )
    html = client.get(reverse("reader:topic_detail", args=["energy"])).content.decode()
    assert _options(html, "place")[0]["central-asia"] == "Central Asia (1)"


@pytest.mark.django_db
def test_the_filter_forms_empty_choices_are_dropped_from_the_address_so_a_listing_has_one_address(client, tagged):
    response = client.get(
        reverse("reader:archive"),
        {"year": "2019", "kind": "", "topic": "energy", "place": "", "author": " ", "page": "2"},
    )
    assert response.status_code == 302 and response["Location"] == "/issues/?year=2019&topic=energy&page=2"
    response = client.get(reverse("reader:topic_detail", args=["energy"]), {"year": "", "kind": ""})
    assert response.status_code == 302 and response["Location"] == "/topics/energy/"


@pytest.mark.django_db
def test_the_admins_topic_and_place_lists_count_each_ones_published_issues_only(client_in_role, tagged):
    client = client_in_role("Editor")
    rows = lxml_html.fromstring(client.get(reverse("admin:briefs_topic_changelist")).content.decode()).cssselect(
        "#result_list tbody tr"
    )
    counts = {
        row.cssselect("th a")[0].text_content(): row.cssselect("td.field-published_issues")[0].text_content()
        for row in rows
    }
    assert counts == {"Energy": "2", "Water": "2"}  # the draft on energy does not count
    rows = lxml_html.fromstring(client.get(reverse("admin:briefs_place_changelist")).content.decode()).cssselect(
        "#result_list tbody tr"
    )
    assert {
        row.cssselect("th a")[0].text_content(): row.cssselect("td.field-published_issues")[0].text_content()
        for row in rows
    } == {"Central Asia": "2", "Kazakhstan": "2"}
