"""The issue form's places autocomplete in Chromium: an ISO country no place has yet is picked and added on save."""

import re

import pytest

from briefs.models import Issue, Place
from tests.browser.admin_helpers import type_rich
from tests.conftest import make_series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_tajik_offers_tajikistan_which_is_added_as_a_place_when_the_issue_is_saved(
    page, live_server, django_user_model
):
    series = make_series()
    Place.objects.create(name="Tajik–Afghan border region", kind=Place.Kind.REGION)
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/briefs/issue/add/")
    page.fill("#id_number", "7")
    page.locator("#id_title").press_sequentially("Water across the border")
    page.fill("#id_publication_date", "2019-03-01")
    type_rich(page, ".field-introduction", "Why water matters.")

    page.locator(".fieldBox.field-places .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Tajik")
    options = page.locator(".select2-results__option:not(.loading-results)")
    options.filter(has_text="(new)").wait_for()
    # The place that exists first, then the country from the ISO list that no place has yet.
    assert options.all_inner_texts() == ["Tajik–Afghan border region", "Tajikistan (new)"]
    options.filter(has_text="Tajikistan (new)").click()
    assert not Place.objects.filter(country="TJ").exists()  # not before the issue is saved

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/briefs/issue/$"))
    tajikistan = Place.objects.get(country="TJ")
    assert (tajikistan.name, tajikistan.kind) == ("Tajikistan", "country")
    assert list(Issue.objects.get(series=series, number=7).places.all()) == [tajikistan]
