"""schema.org JSON-LD of the home, series, person, archive, topic and place pages (reader/structured_data.py).

The functions are tested without a database (unsaved model instances); the pages
are read back with extruct, as search engines read them.
"""

import json
from urllib.parse import urlsplit

import extruct
import pytest
from django.urls import resolve, reverse
from lxml import html as lxml_html

from briefs.models import Place, Series, Topic
from people.models import Person, Programme
from reader.structured_data import (
    about_place,
    collection_page,
    home_page,
    person_page,
    series_page,
    structured_data,
)

ROOT = "https://briefs.example.org"
OKINA = "\u02bb"
PROGRAMME = Programme(
    name="The EU, Central Asia and the Caucasus in the International System",
    short_name="EUCACIS",
    website="https://www.eucacis.eu/",
)


def series(**fields):
    return Series(
        **{
            "name": "EUCACIS in Brief",
            "slug": "eucacis-in-brief",
            "programme": PROGRAMME,
            "issn": "2627-7190",
            "place_of_publication": "Berlin",
            "introduction": "<p>EUCACIS in Brief publishes opinion pieces and interviews.</p>",
        }
        | fields
    )


def data_block(html):
    """The one JSON-LD block of a page, parsed as a browser leaves it (no other script element opened)."""
    (script,) = lxml_html.fromstring(html).xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


# -- the functions, without a database ------------------------------------------------------


def test_the_home_page_is_a_website_searchable_at_the_search_page_published_by_the_programme():
    data = home_page(root=ROOT, search_path="/search/", programmes=[PROGRAMME])
    site, programme = data["@graph"]
    assert site["@type"] == "WebSite" and site["url"] == f"{ROOT}/" and site["name"] == "EUCACIS publications"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{ROOT}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    assert programme == {
        "@type": "Organization",
        "@id": "https://www.eucacis.eu/",
        "name": "The EU, Central Asia and the Caucasus in the International System (EUCACIS)",
        "alternateName": "EUCACIS",
        "url": "https://www.eucacis.eu/",
    }
    assert site["publisher"] == [{"@id": programme["@id"]}]


def test_a_programme_without_a_website_is_given_in_full_where_it_publishes():
    bare = Programme(name="Programme Without Site", short_name="")
    data = home_page(root=ROOT, search_path="/search/", programmes=[bare])
    (site,) = data["@graph"]
    assert site["publisher"] == [{"@type": "Organization", "name": "Programme Without Site"}]


def test_a_series_is_a_periodical_with_its_issn_publisher_and_place():
    data = series_page(series(), root=ROOT)
    assert data["@type"] == "Periodical" and data["name"] == "EUCACIS in Brief"
    assert data["issn"] == "2627-7190" and data["url"] == f"{ROOT}/series/eucacis-in-brief/"
    assert data["publisher"]["name"].endswith("(EUCACIS)")
    assert data["locationCreated"] == {"@type": "Place", "name": "Berlin"}
    assert data["description"] == "EUCACIS in Brief publishes opinion pieces and interviews."


def test_a_series_without_issn_or_place_has_no_empty_keys():
    data = series_page(series(issn="", place_of_publication="", introduction=""), root=ROOT)
    assert not {"issn", "locationCreated", "description"} & set(data)


@pytest.mark.parametrize(
    ("given", "family", "honorific", "name", "family_name"),
    [
        ("Айгерим", "Жумабаева", "", "Айгерим Жумабаева", "Жумабаева"),
        (f"G{OKINA}ulom", f"O{OKINA}rinov", "Dr", f"G{OKINA}ulom O{OKINA}rinov", f"O{OKINA}rinov"),
        ("Dr Jan", "van der Berg", "Prof.", "Jan van der Berg", "van der Berg"),  # “Dr” typed into the given name
    ],
)
def test_a_person_page_is_a_profile_page_about_the_person_named_without_honorific(
    given, family, honorific, name, family_name
):
    person = Person(
        given_name=given,
        family_name=family,
        honorific=honorific,
        slug="p",
        affiliation="Institute of Oriental Studies, Almaty",
        biography="<p>Researcher in <em>Almaty</em>.[^x]</p><p>Second paragraph.</p>",
    )
    data = person_page(person, root=ROOT, photo_url="/media/people/p.jpg")
    assert data["@type"] == "ProfilePage" and data["url"] == f"{ROOT}/people/p/"
    entity = data["mainEntity"]
    assert entity["@type"] == "Person" and entity["name"] == name and entity["familyName"] == family_name
    assert entity.get("honorificPrefix", "") == honorific
    assert entity["affiliation"] == {"@type": "Organization", "name": "Institute of Oriental Studies, Almaty"}
    assert entity["description"] == "Researcher in Almaty."
    assert entity["image"] == f"{ROOT}/media/people/p.jpg"


def test_a_country_is_about_a_country_with_its_code_and_a_region_about_a_place():
    assert about_place(Place(name="Kazakhstan", slug="kazakhstan", country="KZ"), root=ROOT) == {
        "@type": "Country",
        "name": "Kazakhstan",
        "url": f"{ROOT}/places/kazakhstan/",
        "identifier": "KZ",
    }
    region = about_place(Place(name="Central Asia", slug="central-asia", kind="region"), root=ROOT)
    assert region["@type"] == "Place" and "identifier" not in region


def test_a_listing_is_a_collection_page_numbering_its_issues_from_the_pages_first():
    class Listed:
        def __init__(self, n):
            self.title, self.n = f"Issue {n} – Oʻzbekiston и Қазақстан", n

        def get_absolute_url(self):
            return f"/series/s/{self.n}/"

    data = collection_page(
        root=ROOT, path="/issues/", name="All issues", issues=[Listed(13), Listed(14)], first_position=13
    )
    assert data["@type"] == "CollectionPage" and data["isPartOf"] == {"@id": f"{ROOT}/#website"}
    items = data["mainEntity"]["itemListElement"]
    assert [(i["position"], i["url"]) for i in items] == [(13, f"{ROOT}/series/s/13/"), (14, f"{ROOT}/series/s/14/")]
    assert "mainEntity" not in collection_page(root=ROOT, path="/issues/", name="All issues", issues=[])


@pytest.mark.parametrize("name", ["</script><script>alert(1)</script>", "<!-- x", "a & b", "\u2028line"])
def test_no_text_can_end_the_data_block(name):
    html = str(structured_data(series_page(series(name=name), root=ROOT)))
    assert html.count("<") == 2 and html.endswith("</script>")
    assert data_block(f"<html><head>{html}</head></html>")["name"] == name


# -- the pages -------------------------------------------------------------------------------


@pytest.fixture
def pages(demo_issue):
    topic, place = Topic.objects.get(name="Security"), Place.objects.get(name="Kazakhstan")
    return {
        "home": reverse("reader:home"),
        "archive": reverse("reader:archive"),
        "series": demo_issue.series.get_absolute_url(),
        "person": reverse("reader:person_detail", args=["albina-muratbekova"]),
        "topic": topic.get_absolute_url(),
        "place": place.get_absolute_url(),
    }


EXPECTED_TYPES = {
    "home": ["WebSite", "Organization"],
    "archive": ["CollectionPage"],
    "series": ["Periodical"],
    "person": ["ProfilePage"],
    "topic": ["CollectionPage"],
    "place": ["CollectionPage"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", EXPECTED_TYPES)
def test_every_page_type_has_one_json_ld_block_of_its_type(client, pages, page):
    response = client.get(pages[page])
    assert response.status_code == 200
    (data,) = extruct.extract(response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"])["json-ld"]
    graph = data.get("@graph", [data])
    assert [node["@type"] for node in graph] == EXPECTED_TYPES[page]


@pytest.mark.django_db
def test_no6_is_listed_on_the_archive_topic_and_place_pages_and_the_search_action_is_the_search_page(
    client, pages, demo_issue
):
    for page in ("archive", "topic", "place"):
        data = data_block(client.get(pages[page]).content.decode())
        (item,) = data["mainEntity"]["itemListElement"]
        assert item["url"] == "http://testserver" + demo_issue.get_absolute_url()
    (site, _programme) = data_block(client.get(pages["home"]).content.decode())["@graph"]
    template = site["potentialAction"]["target"]["urlTemplate"]
    assert template == "http://testserver/search/?q={search_term_string}"
    assert resolve(urlsplit(template).path).view_name == "reader:search"
    periodical = data_block(client.get(pages["series"]).content.decode())
    assert periodical["issn"] == "2627-7190" and periodical["name"] == "EUCACIS in Brief"
    person = data_block(client.get(pages["person"]).content.decode())["mainEntity"]
    assert person["name"] == "Albina Muratbekova"
