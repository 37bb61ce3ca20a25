"""A reader filters the fellows directory by country and opens a fellow's page."""

import re

import pytest

from tests.conftest import make_fellowship, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_by_country_keeps_the_choice_in_the_address_and_leads_to_the_person(page, live_server):
    make_fellowship(
        person=make_person(given_name="Aigerim", family_name="Sarsenova", slug="aigerim-sarsenova"),
        country="KZ",
        thesis_title="Trade in the steppe",
    )
    make_fellowship(person=make_person(given_name="Nino", family_name="Beridze", slug="nino-beridze"), country="GE")

    page.goto(f"{live_server.url}/fellows/")
    assert page.locator(".fellow-name").all_inner_texts() == ["Nino Beridze", "Aigerim Sarsenova"]  # by family name

    page.get_by_label("Country").select_option(label="Georgia")
    page.get_by_role("button", name="Show fellows").click()
    page.wait_for_url(re.compile(r"/fellows/\?country=GE"))
    assert page.locator(".fellow-name").all_inner_texts() == ["Nino Beridze"]

    page.go_back()
    page.wait_for_url(re.compile(r"/fellows/$"))
    assert page.locator(".fellow-name").count() == 2

    page.go_forward()
    page.wait_for_url(re.compile(r"country=GE"))
    assert page.get_by_label("Country").input_value() == "GE"

    page.get_by_role("link", name="Nino Beridze").click()
    page.wait_for_url(re.compile(r"/people/nino-beridze/$"))
    assert page.locator("h1").inner_text() == "Nino Beridze"
    assert "Fellow of" in page.locator(".person-fellowships").inner_text()
