"""Every page's canonical link and favicon; absolute addresses and the Host header.

Read with lxml, as a crawler would read the page's head.
"""

import io

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree
from lxml import html as lxml_html
from PIL import Image

from tests.conftest import make_issue, make_series
from tests.public_pages import ERROR_URLCONF, public_pages

pytestmark = pytest.mark.django_db

#: Pages that are not a page of their own (errors, notices, a proofreading copy): no canonical link.
WITHOUT_CANONICAL = {
    "not-found",
    "pdf-being-prepared",
    "proofreading-copy",
    "proofreading-link-expired",
    "bad-request",
    "forbidden",
    "form-not-accepted",
    "request-too-large",
    "form-text-too-large",
    "sign-in-paused",
    "server-error",
}


def head_links(response, rel):
    tree = lxml_html.fromstring(response.content)
    return [
        (link.get("href"), link.get("type"), link.get("sizes")) for link in tree.xpath(f"/html/head/link[@rel='{rel}']")
    ]


def canonical(response):
    links = head_links(response, "canonical")
    assert len(links) <= 1, links
    return links[0][0] if links else None


@pytest.mark.urls(ERROR_URLCONF)
def test_every_public_page_names_its_own_address_as_canonical_and_every_page_has_the_favicon(client, demo_issue):
    client.raise_request_exception = False
    for page_type, (path, status, _text) in public_pages().items():
        response = client.get(path)
        assert response.status_code == status, page_type
        expected = None if page_type in WITHOUT_CANONICAL else f"http://testserver{path}"
        assert canonical(response) == expected, page_type
        icons = head_links(response, "icon")
        assert ("/favicon.ico", None, "32x32") in icons, page_type
        assert ("/favicon.svg", "image/svg+xml", None) in icons, page_type
        assert head_links(response, "apple-touch-icon") == [("/apple-touch-icon.png", None, None)], page_type


def test_tracking_parameters_are_left_out_and_a_listing_page_keeps_its_number(client):
    series = make_series()
    for number in range(1, 30):
        make_issue(series, number=number)
    archive = reverse("reader:archive")
    assert canonical(client.get(archive, {"utm_source": "newsletter", "fbclid": "x"})) == f"http://testserver{archive}"
    assert canonical(client.get(archive, {"page": "2", "utm_campaign": "x"})) == f"http://testserver{archive}?page=2"
    # page 1 has no number; a page past the end is the last page it shows
    assert canonical(client.get(archive, {"page": "1"})) == f"http://testserver{archive}"
    assert canonical(client.get(archive, {"page": "999"})) == f"http://testserver{archive}?page=3"
    assert canonical(client.get(archive, {"page": "x"})) == f"http://testserver{archive}"


def test_a_filtered_directory_keeps_its_filters_in_its_canonical_link(client, demo_issue):
    fellows = reverse("reader:fellows_directory")
    response = client.get(fellows, {"country": "KZ", "utm_medium": "social", "status": ""})
    assert canonical(response) == f"http://testserver{fellows}?country=KZ"


def test_with_site_url_set_absolute_addresses_ignore_the_host_header(demo_issue, settings):
    settings.SITE_URL = "https://briefs.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    url = demo_issue.get_absolute_url()
    for host in ("testserver", "mirror.example.org"):
        response = Client(HTTP_HOST=host).get(url)
        assert canonical(response) == f"https://briefs.example.org{url}"


def test_without_site_url_each_allowed_host_gets_its_own_cached_page_and_others_are_refused(demo_issue, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    url = demo_issue.get_absolute_url()
    assert canonical(Client().get(url)) == f"http://testserver{url}"
    # cached under its host: the other host's page is not the first one's
    assert canonical(Client(HTTP_HOST="mirror.example.org").get(url)) == f"http://mirror.example.org{url}"
    assert canonical(Client().get(url)) == f"http://testserver{url}"
    assert Client(HTTP_HOST="attacker.example").get(url).status_code == 400


def _body(response):
    return b"".join(response.streaming_content)


def test_the_icons_are_served_at_the_root_and_are_real_images(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    icon = Image.open(io.BytesIO(_body(response)))
    assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(icon.ico.sizes())

    response = client.get("/favicon.svg")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = etree.fromstring(_body(response))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 64 64"

    response = client.get("/apple-touch-icon.png")
    assert response.status_code == 200 and Image.open(io.BytesIO(_body(response))).size == (180, 180)
