"""Error pages are in the site's design, say briefly what happened and link home.

400, 403 (also a form refused by the CSRF check), 404 and 500 are Django's own
views with our templates; the 500 page renders with no request context and no
database. A request too large answers 413: refused from its declared length
before its body is read (``MAX_REQUEST_BYTES``), or when its form text is over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django's 400 made a 413).
"""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.test_project import _manage

pytestmark = pytest.mark.urls("tests.error_urls")


def text_of(response):
    """The page's HTML with runs of white space (and filesizeformat's no-break spaces) as one space."""
    return " ".join(response.content.decode().split())


def assert_error_page(response, status, heading):
    html = text_of(response)
    assert response.status_code == status, f"expected {status}, got {response.status_code}"
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html, "not in the site's design (templates/base.html)"
    assert '<a href="/">Go to the home page</a>' in html


@pytest.mark.parametrize(
    "path, status, heading",
    [
        ("/_test/errors/400/", 400, "Bad request"),
        ("/_test/errors/403/", 403, "Not allowed"),
        ("/no-such-page/", 404, "Page not found"),
        ("/_test/errors/500/", 500, "Something went wrong"),
    ],
    ids=["400", "403", "404", "500"],
)
def test_error_page(db, path, status, heading):
    assert_error_page(Client(raise_request_exception=False).get(path), status, heading)


def test_the_500_page_needs_neither_a_request_nor_the_database():
    # No database fixture: a query would fail this test. Django renders 500.html without a context.
    assert_error_page(server_error(RequestFactory().get("/")), 500, "Something went wrong")


def test_a_form_refused_by_the_csrf_check_gets_the_sites_403_page(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})
    assert_error_page(response, 403, "The form was not accepted")
    assert "Allow cookies for this site, go back, reload the page and send the form again." in text_of(response)


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of a request over MAX_REQUEST_BYTES was read")

    readline = read


def test_a_request_over_max_request_bytes_is_refused_before_its_body_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 10 * 1024 * 1024
    settings.PERSON_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    settings.FELLOW_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    response = client.generic(
        "POST",
        "/admin/people/person/add/",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(25 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert_error_page(response, 413, "Too large to receive")
    text = text_of(response)
    assert "What you sent (25.0 MB) is larger than the site accepts in one go (at most 10.0 MB)" in text
    assert "Photos may be at most 5.0 MB and spreadsheets for the fellows import at most 2.0 MB" in text


def test_a_request_within_max_request_bytes_goes_through(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post("/admin/login/", {"username": "nobody", "password": "x" * 500})
    assert response.status_code == 200 and "Please enter the correct username and password" in response.content.decode()


def test_form_text_over_data_upload_max_memory_size_gets_the_413_page(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/admin/login/", {"username": "nobody", "password": "x" * 2000})
    assert_error_page(response, 413, "Too large to receive")
    assert "at most 1000 bytes of text in one form" in text_of(response)


def test_max_request_bytes_comes_from_the_environment_and_must_leave_room_for_the_largest_upload():
    result = _manage("check", MAX_REQUEST_BYTES=str(5 * 1024 * 1024))
    assert result.returncode != 0 and "MAX_REQUEST_BYTES=5242880 leaves no room for the largest upload" in result.stderr
