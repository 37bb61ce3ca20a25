"""common.reversing.url_for gives what reverse() gives, refusing what it refuses, each address reversed once."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from common.reversing import url_for

#: Values real slugs and numbers take, and some that need quoting or are refused.
SLUGS = ["eucacis-in-brief", "a", "x_1", "0", "2019", "very-" * 30 + "long", "Mixed-Case"]
NUMBERS = [1, 6, 10, 12345, "6"]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("name", ["reader:person_detail", "reader:topic_detail", "reader:series_feed_rss"])
def test_one_slug_addresses_equal_reverses(name, slug):
    assert url_for(name, slug=slug) == reverse(name, kwargs={"slug": slug})


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("series", ["eucacis-in-brief", "s2"])
def test_issue_addresses_by_keyword_and_by_position_equal_reverses(series, number):
    kwargs = {"series_slug": series, "number": number, "slug": "interview-with-a-b"}
    assert url_for("reader:issue_detail", **kwargs) == reverse("reader:issue_detail", kwargs=kwargs)
    assert url_for("reader:issue_pdf", series, number) == reverse("reader:issue_pdf", args=[series, number])


def test_values_that_need_quoting_are_reversed_as_usual_and_refused_by_a_slug_pattern():
    for slug in ["ünïcode", "with space", "a/b", "%41", "x?y=1", ""]:
        with pytest.raises(NoReverseMatch):
            reverse("reader:person_detail", kwargs={"slug": slug})
        with pytest.raises(NoReverseMatch):
            url_for("reader:person_detail", slug=slug)


def test_what_reverse_refuses_is_refused():
    with pytest.raises(NoReverseMatch):
        url_for("reader:issue_pdf", "eucacis-in-brief", "six")  # letters where the pattern takes digits
    with pytest.raises(NoReverseMatch):
        url_for("reader:issue_pdf", "eucacis-in-brief", -6)
    with pytest.raises(NoReverseMatch):
        url_for("reader:person_detail", name="x")  # a keyword the pattern does not have
    with pytest.raises(NoReverseMatch):
        url_for("reader:no_such_page")


def test_a_site_under_a_path_prefix_gets_prefixed_addresses():
    before = get_script_prefix()
    try:
        set_script_prefix("/publications/")
        assert (
            url_for("reader:person_detail", slug="a-b")
            == "/publications/people/a-b/"
            == (reverse("reader:person_detail", kwargs={"slug": "a-b"}))
        )
    finally:
        set_script_prefix(before)
    assert url_for("reader:person_detail", slug="a-b") == "/people/a-b/"


def test_the_address_tag_gives_what_the_url_tag_gives():
    context = Context({"series": "eucacis-in-brief", "number": 6})
    ours = Template("{% load addresses %}{% address 'reader:issue_pdf' series number %}|{% address 'reader:home' %}")
    django = Template("{% url 'reader:issue_pdf' series number %}|{% url 'reader:home' %}")
    assert ours.render(context) == django.render(context) == "/series/eucacis-in-brief/6/pdf/|/"


def test_an_address_is_reversed_once_and_values_equal_but_of_another_type_are_not_confused(monkeypatch):
    import common.reversing

    calls = []
    real = common.reversing.reverse
    monkeypatch.setattr(common.reversing, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    for _ in range(3):
        url_for("reader:issue_pdf", "s-once", 1)
    assert len(calls) == 1
    with pytest.raises(NoReverseMatch):
        url_for("reader:issue_pdf", "s-once", True)  # equal to 1 as a key, but reverse() refuses it
    assert url_for("reader:issue_pdf", "s-once", "1") == "/series/s-once/1/pdf/"


def test_another_url_configuration_gets_its_own_addresses(settings, monkeypatch):
    import sys
    import types

    assert url_for("reader:home") == "/"
    monkeypatch.setitem(sys.modules, "bare_urls", types.SimpleNamespace(urlpatterns=[]))
    settings.ROOT_URLCONF = "bare_urls"
    with pytest.raises(NoReverseMatch):
        url_for("reader:home")  # not in that configuration: not the address kept for the other
