"""Atom and RSS feeds (reader/feeds.py), read back with feedparser as a feed reader would."""

import datetime
from html import unescape

import feedparser
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from briefs.document import issue_document
from briefs.models import Contribution, Correction, Issue, Place, Topic
from demo import eucacis_in_brief_06 as seed
from printing.models import IssuePdf
from reader.feeds import ENTRY_SUMMARY_LIMIT, FEED_ITEMS, SUMMARY_LENGTH
from reader.summaries import first_paragraph
from tests.conftest import (
    VERSION_QUERIES,
    make_fellowship,
    make_issue,
    make_membership,
    make_person,
    make_series,
    start_of,
)

pytestmark = pytest.mark.django_db

FORMATS = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


def feed_urls(issue):
    """Every feed that lists ``issue``: (kind, format) -> address. Needs a topic, a place and an author."""
    author = issue.contributions.filter(role__in=["author", "interviewer"]).first().person
    topic, place = issue.topics.first(), issue.places.first()
    subjects = {"site": [], "series": [issue.series.slug], "person": [author.slug]}
    if topic is not None:
        subjects["topic"] = [topic.slug]
    if place is not None:
        subjects["place"] = [place.slug]
    return {
        (kind, fmt): reverse(f"reader:{kind}_feed_{fmt}", args=args)
        for kind, args in subjects.items()
        for fmt in FORMATS
    }


def parse(client, url, fmt=None):
    """The feed at ``url``, parsed; it must be well-formed (no bozo) and of its format's type."""
    response = client.get(url)
    assert response.status_code == 200, url
    if fmt:
        assert response["Content-Type"] == f"{FORMATS[fmt]}; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    assert feed.version == ("atom10" if fmt == "atom" else "rss20") or fmt is None
    return feed


@pytest.mark.parametrize("kind", ["site", "series", "person", "topic", "place"])
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_every_feed_of_no6_parses_cleanly_and_lists_it(client, demo_issue, kind, fmt):
    feed = parse(client, feed_urls(demo_issue)[kind, fmt], fmt)
    assert [entry.title for entry in feed.entries] == [demo_issue.title]
    assert feed.feed.link.startswith("http://testserver/")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_no6s_entry_has_title_authors_dates_summary_categories_and_link(client, demo_issue, fmt):
    entry = parse(client, reverse(f"reader:series_feed_{fmt}", args=[demo_issue.series.slug]), fmt).entries[0]
    assert entry.title == "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    assert entry.link == "http://testserver" + demo_issue.get_absolute_url()
    assert entry.id == "http://testserver/series/eucacis-in-brief/6/"  # the short address, kept if the slug changes
    assert [a["name"] for a in entry.authors] == ["Albina Muratbekova"]  # no “Dr”, no email
    assert [c["name"] for c in entry.contributors] == ["Erkin Baydarov"]
    if fmt == "atom":
        assert entry.authors[0]["href"] == "http://testserver/people/albina-muratbekova/"
        assert entry.updated_parsed == entry.published_parsed
    public_from = demo_issue.public_from.astimezone(datetime.UTC)
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == public_from
    # The introduction's first paragraph, whole: the abstract the page gives reference managers.
    assert unescape(entry.summary) == first_paragraph(seed.INTRODUCTION) == issue_document(demo_issue).abstract
    assert entry.summary.startswith("Since the beginning of Shavkat Mirziyoyev´s presidency")
    assert entry.summary.endswith("the practical meaning of those changes will be explored.")
    assert len(entry.summary) > SUMMARY_LENGTH  # not cut as a feed's description is
    terms = [tag.term for tag in entry.tags]
    assert terms[0] == "Interview"
    assert set(terms[1:]) == {t.name for t in demo_issue.topics.all()} | {p.name for p in demo_issue.places.all()}
    assert {"Kazakhstan", "Uzbekistan"} <= set(terms)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_every_entry_carries_the_pdf_with_its_type_and_stored_size(client, demo_issue, fmt):
    IssuePdf.objects.update_or_create(issue=demo_issue, defaults={"file": "eucacis-in-brief/006-x.pdf", "size": 58_558})
    for url in feed_urls(demo_issue).values():
        if url.endswith(f"/{fmt}/"):
            (entry,) = parse(client, url, fmt).entries
            (enclosure,) = entry.enclosures  # Atom: <link rel="enclosure">; RSS: <enclosure>
            assert enclosure.href == f"http://testserver/series/{demo_issue.series.slug}/6/pdf/"
            assert enclosure.type == "application/pdf" and enclosure.length == "58558"


def test_before_its_first_build_the_pdf_is_an_enclosure_of_length_0_as_rss_asks_for_unknown_sizes(client, demo_issue):
    IssuePdf.objects.filter(issue=demo_issue).delete()
    for fmt in FORMATS:
        (entry,) = parse(client, reverse(f"reader:site_feed_{fmt}"), fmt).entries
        assert [(e.type, e.length) for e in entry.enclosures] == [("application/pdf", "0")]


@pytest.mark.parametrize(
    "introduction",
    ["", "<p> </p>", "<p>[^1]</p>"],
    ids=["no introduction", "an empty paragraph", "only a note call"],
)
def test_an_article_without_an_introduction_is_summed_up_by_its_bodys_first_paragraph_as_its_page_is(
    client, introduction
):
    issue = make_issue(
        kind=Issue.Kind.OPINION,
        introduction=introduction,
        body="<p>Tariffs fell by a third[^a] in <em>2024</em>.</p><p>Trade rose.</p>",
    )
    (entry,) = parse(client, reverse("reader:site_feed_atom"), "atom").entries
    assert unescape(entry.summary) == "Tariffs fell by a third in 2024."
    assert unescape(entry.summary) == issue_document(issue).abstract  # the page's citation_abstract


def test_a_long_first_paragraph_is_kept_whole_and_only_a_runaway_one_is_bounded(client, demo_issue):
    sentence = "Tashkent and Astana signed a strategic partnership and opened the Oʻzbekiston border posts. "
    Issue.objects.filter(pk=demo_issue.pk).update(introduction=f"<p>{sentence * 20}</p><p>Second.</p>")
    (entry,) = parse(client, reverse("reader:site_feed_atom"), "atom").entries
    assert unescape(entry.summary) == (sentence * 20).strip()  # ~1,900 characters, whole
    Issue.objects.filter(pk=demo_issue.pk).update(introduction=f"<p>{sentence * 60}</p>")
    (entry,) = parse(client, reverse("reader:site_feed_atom"), "atom").entries
    assert len(unescape(entry.summary)) <= ENTRY_SUMMARY_LIMIT and entry.summary.endswith("…")


#: PostgreSQL refuses to store a NUL byte at all (reader/summaries.py's tests cover it).
NUL = "" if connection.vendor == "postgresql" else "\x00"
HOSTILE_TITLE = f"Tariffs & <borders> in Oʻzbekiston и Қазақстан 🇰🇿{NUL}\x08\x0b\x0c\x1f\x7f\ufffe end"
CLEAN_TITLE = "Tariffs & <borders> in Oʻzbekiston и Қазақстан 🇰🇿 end"


@pytest.fixture
def hostile_issue():
    """An issue whose every text has markup-like characters, emoji, Cyrillic, “Oʻ” and control characters."""
    series = make_series(name="Brief & <Series>\x01", slug="hostile")
    issue = make_issue(
        series,
        title=HOSTILE_TITLE,
        introduction=f"<p>A &lt;b&gt; &amp; c\x0b, “quoted” Oʻrinov{NUL} и Иванов 🙂[^n]</p>",
    )
    author = make_person(given_name="Oʻtkir\x1f", family_name="Иванов & <Co>", slug="otkir-ivanov")
    Contribution.objects.create(issue=issue, person=author, role="author")
    issue.topics.add(Topic.objects.create(name="Water & <energy>\x02 🌊", slug="water-energy"))
    issue.places.add(Place.objects.create(name="Oʻzbekiston\x0c", slug="uzbekistan", country="UZ"))
    return issue


@pytest.mark.parametrize("kind", ["site", "series", "person", "topic", "place"])
@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_hostile_text_gives_feeds_that_parse_cleanly_with_the_control_characters_dropped(
    client, hostile_issue, kind, fmt
):
    feed = parse(client, feed_urls(hostile_issue)[kind, fmt], fmt)
    (entry,) = feed.entries
    assert entry.title == CLEAN_TITLE
    assert [a["name"] for a in entry.authors] == ["Oʻtkir Иванов & <Co>"]
    assert unescape(entry.summary) == "A <b> & c, “quoted” Oʻrinov и Иванов 🙂"
    assert {tag.term for tag in entry.tags} == {"Short article", "Water & <energy> 🌊", "Oʻzbekiston"}
    if kind == "series":
        assert feed.feed.title.startswith("Brief & <Series> –")


def test_several_authors_are_each_an_atom_author_and_an_rss_dc_creator(client):
    issue = make_issue()
    for order, name in enumerate(["Aigerim", "Bakhtiyor", "Nino"]):
        Contribution.objects.create(issue=issue, person=make_person(given_name=name), role="author", sort_order=order)
    for fmt in FORMATS:
        (entry,) = parse(client, reverse(f"reader:series_feed_{fmt}", args=[issue.series.slug]), fmt).entries
        assert [a["name"].split()[0] for a in entry.authors] == ["Aigerim", "Bakhtiyor", "Nino"]
    rss = client.get(reverse("reader:series_feed_rss", args=[issue.series.slug])).content.decode()
    assert rss.count("<dc:creator>") == 3 and "<author>" not in rss  # RSS's <author> would need an email


def test_a_correction_is_the_entrys_updated_date(client):
    issue = make_issue(publication_date=datetime.date(2019, 2, 1))
    Contribution.objects.create(issue=issue, person=make_person(), role="author")
    corrected = timezone.make_aware(datetime.datetime(2019, 3, 3, 12, 30))
    Correction.objects.create(issue=issue, corrected_at=corrected, note="A date was wrong.")
    (entry,) = parse(client, reverse("reader:series_feed_atom", args=[issue.series.slug]), "atom").entries
    as_utc = lambda parsed: datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)  # noqa: E731
    assert as_utc(entry.updated_parsed) == corrected
    assert as_utc(entry.published_parsed) == issue.public_from


def test_feeds_list_only_what_published_allows_newest_first(client):
    series = make_series()
    make_issue(series, title="Old", publication_date=datetime.date(2018, 1, 1))
    make_issue(series, title="New", publication_date=datetime.date(2020, 1, 1))
    make_issue(series, title="Draft", status=Issue.Status.DRAFT)
    make_issue(series, title="Withdrawn", status=Issue.Status.WITHDRAWN)
    make_issue(series, title="Scheduled", publication_date=datetime.date(2999, 1, 1))
    for fmt in FORMATS:
        for url in [reverse(f"reader:series_feed_{fmt}", args=[series.slug]), reverse(f"reader:site_feed_{fmt}")]:
            assert [e.title for e in parse(client, url, fmt).entries] == ["New", "Old"]


def test_a_feed_lists_the_newest_issues_only(client):
    series = make_series()
    for n in range(FEED_ITEMS + 3):
        make_issue(series, number=n + 1, publication_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=n))
    entries = parse(client, reverse("reader:series_feed_rss", args=[series.slug]), "rss").entries
    assert len(entries) == FEED_ITEMS and entries[0].id.endswith(f"/{FEED_ITEMS + 3}/")


def test_unknown_subjects_are_404(client):
    for name in ["series", "person", "topic", "place"]:
        for fmt in FORMATS:
            assert client.get(reverse(f"reader:{name}_feed_{fmt}", args=["no-such-thing"])).status_code == 404


def test_a_person_without_a_public_page_has_no_feed_and_one_with_no_issue_yet_an_empty_one(client):
    only_in_a_draft = make_person()
    Contribution.objects.create(issue=make_issue(status=Issue.Status.DRAFT), person=only_in_a_draft, role="author")
    unlisted = make_fellowship(listed_publicly=False).person
    editor = make_membership(make_series(), start_date=datetime.date(2018, 1, 1)).person
    for fmt in FORMATS:
        for hidden in (only_in_a_draft, unlisted):
            assert client.get(reverse(f"reader:person_feed_{fmt}", args=[hidden.slug])).status_code == 404
        feed = parse(client, reverse(f"reader:person_feed_{fmt}", args=[editor.slug]), fmt)
        assert feed.entries == [] and editor.name in feed.feed.title


def test_a_person_feed_lists_every_issue_they_took_part_in_once(client):
    person = make_person()
    interview = make_issue(title="Interview", kind=Issue.Kind.INTERVIEW, publication_date=datetime.date(2020, 1, 1))
    Contribution.objects.create(issue=interview, person=person, role="interviewer")
    Contribution.objects.create(issue=interview, person=person, role="interviewee", speaker_label="X")
    article = make_issue(title="Article")
    Contribution.objects.create(issue=article, person=person, role="author")
    Contribution.objects.create(issue=make_issue(title="Someone else's"), person=make_person(), role="author")
    entries = parse(client, reverse("reader:person_feed_atom", args=[person.slug]), "atom").entries
    assert [e.title for e in entries] == ["Interview", "Article"]


def test_a_topic_or_place_given_only_to_drafts_has_no_feed(client):
    draft = make_issue(status=Issue.Status.DRAFT)
    topic = Topic.objects.create(name="Secret talks", slug="secret-talks")
    place = Place.objects.create(name="Atlantis", slug="atlantis", kind=Place.Kind.REGION)
    draft.topics.add(topic)
    draft.places.add(place)
    for fmt in FORMATS:
        assert client.get(reverse(f"reader:topic_feed_{fmt}", args=[topic.slug])).status_code == 404
        assert client.get(reverse(f"reader:place_feed_{fmt}", args=[place.slug])).status_code == 404


def test_addresses_use_site_url_when_it_is_set(client, demo_issue, settings):
    settings.SITE_URL = "https://briefs.example.org"
    for fmt in FORMATS:
        feed = parse(client, reverse(f"reader:series_feed_{fmt}", args=["eucacis-in-brief"]), fmt)
        (entry,) = feed.entries
        assert feed.feed.link == "https://briefs.example.org/series/eucacis-in-brief/"
        assert entry.link.startswith("https://briefs.example.org/series/eucacis-in-brief/6/")
        assert entry.id == "https://briefs.example.org/series/eucacis-in-brief/6/"
    atom = client.get(reverse("reader:series_feed_atom", args=["eucacis-in-brief"])).content.decode()
    assert 'href="https://briefs.example.org/series/eucacis-in-brief/feed/atom/" rel="self"' in atom
    assert "testserver" not in atom


# -- the page cache ------------------------------------------------------------


def test_a_cached_feed_keeps_its_content_type_and_etag_and_answers_304(client, demo_issue, django_assert_num_queries):
    url = reverse("reader:site_feed_atom")
    first = client.get(url)
    with django_assert_num_queries(VERSION_QUERIES):
        second = client.get(url)
    assert second.content == first.content and second["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert second["ETag"] == first["ETag"] and "must-revalidate" in second["Cache-Control"]
    with django_assert_num_queries(VERSION_QUERIES):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_edit_renews_a_cached_feed(client, demo_issue, django_capture_on_commit_callbacks):
    url = reverse("reader:series_feed_rss", args=["eucacis-in-brief"])
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        topic = demo_issue.topics.first()
        topic.name = "Renamed topic"
        topic.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "Renamed topic" in [tag.term for tag in feedparser.parse(response.content).entries[0].tags]


def test_a_newly_public_issue_appears_in_the_cached_feed(client, demo_issue, django_capture_on_commit_callbacks):
    url = reverse("reader:site_feed_rss")
    assert len(feedparser.parse(client.get(url).content).entries) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_issue(demo_issue.series, number=7, title="The next issue", publication_date=datetime.date(2019, 6, 1))
    assert [e.title for e in feedparser.parse(client.get(url).content).entries][0] == "The next issue"


# -- announced on the pages ------------------------------------------------------


def _announced(client, url):
    """The ``<link rel="alternate">`` feeds in the page's head: (type, title, href)."""
    response = client.get(url)
    assert response.status_code == 200
    head = lxml_html.fromstring(response.content).find("head")
    return [(link.get("type"), link.get("title"), link.get("href")) for link in head.iterfind("link[@rel='alternate']")]


def test_pages_announce_their_feeds_and_each_announced_feed_parses(client, demo_issue):
    author = Contribution.objects.get(issue=demo_issue, role="interviewer").person
    expected = {
        "/": ("EUCACIS publications", "/feed/"),
        reverse("reader:archive"): ("EUCACIS publications", "/feed/"),
        demo_issue.series.get_absolute_url(): ("EUCACIS in Brief", "/series/eucacis-in-brief/feed/"),
        author.get_absolute_url(): ("Albina Muratbekova", "/people/albina-muratbekova/feed/"),
    }
    for page, (title, prefix) in expected.items():
        links = _announced(client, page)
        assert links == [
            ("application/atom+xml", f"{title} (Atom)", f"{prefix}atom/"),
            ("application/rss+xml", f"{title} (RSS)", f"{prefix}rss/"),
        ], page
        for link_type, _title, href in links:
            parse(client, href, "atom" if "atom" in link_type else "rss")


def test_a_person_with_no_published_issue_announces_no_feed(client):
    editor = make_membership(make_series(), start_date=datetime.date(2018, 1, 1)).person
    assert _announced(client, editor.get_absolute_url()) == []


def test_an_issue_page_announces_the_sites_feeds_and_its_series_feeds(client, demo_issue):
    # An issue has no feed of its own; a reader who wants more of it follows the site or its series.
    links = _announced(client, demo_issue.get_absolute_url())
    assert links == [
        ("application/atom+xml", "EUCACIS publications (Atom)", "/feed/atom/"),
        ("application/rss+xml", "EUCACIS publications (RSS)", "/feed/rss/"),
        ("application/atom+xml", "EUCACIS in Brief (Atom)", "/series/eucacis-in-brief/feed/atom/"),
        ("application/rss+xml", "EUCACIS in Brief (RSS)", "/series/eucacis-in-brief/feed/rss/"),
    ]
    for link_type, _title, href in links:
        parse(client, href, "atom" if "atom" in link_type else "rss")


def test_pages_without_a_feed_of_their_own_announce_none(client):
    assert _announced(client, reverse("reader:fellows_directory")) == []


def test_feed_links_refuses_a_subject_it_has_no_feed_for():
    from reader.feeds import feed_links

    with pytest.raises(TypeError, match="No feed for a Issue"):
        feed_links(Issue(number=1))


def test_a_topic_page_can_announce_its_feed():
    from reader.feeds import feed_links

    topic = Topic(name="Water", slug="water")
    assert [(link.title, link.url) for link in feed_links(topic)] == [
        ("Water (Atom)", "/topics/water/feed/atom/"),
        ("Water (RSS)", "/topics/water/feed/rss/"),
    ]


def test_scheduled_issue_becomes_a_feed_entry_at_its_moment(client, django_capture_on_commit_callbacks):
    series = make_series()
    moment = start_of(datetime.date(2999, 1, 1))
    make_issue(series, title="Later", publication_date=datetime.date(2999, 1, 1), public_from=moment)
    url = reverse("reader:series_feed_atom", args=[series.slug])
    assert parse(Client(), url, "atom").entries == []
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=moment + datetime.timedelta(minutes=1)):
        assert [e.title for e in parse(Client(), url, "atom").entries] == ["Later"]


@pytest.mark.parametrize("kind", ["site", "series", "person", "topic", "place"])
def test_a_feeds_address_without_its_format_leads_to_the_atom_feed(client, demo_issue, kind):
    """Readers type /feed/ (and …/feed/ after a page's address); it was a 404."""
    atom = feed_urls(demo_issue)[(kind, "atom")]
    response = client.get(atom.removesuffix("atom/"))
    assert response.status_code == 301 and response["Location"] == atom
    assert not feedparser.parse(client.get(response["Location"]).content).bozo
