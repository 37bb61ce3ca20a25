"""Feeds and the sitemap cost a fixed number of queries, measured with 1,000 generated issues."""

import pytest
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from briefs.models import Contribution, Issue, Place, Topic
from demo.generate import generate_issues
from printing.models import IssuePdf
from reader.feeds import FEED_ITEMS
from reader.sitemaps import SITEMAPS

pytestmark = pytest.mark.django_db

#: The issues (with their series and last correction), their contributors, topics, places.
SITE_FEED_QUERIES = 4
#: The same, and the subject (series, person, topic or place).
SUBJECT_FEED_QUERIES = 5
#: Per section: its items with lastmod annotated, and their count.
SECTION_QUERIES = 2
#: Per section: the latest lastmod (one aggregate) and the count of items, for the number of pages.
INDEX_QUERIES = 2 * len(SITEMAPS)


def _resolves(name):
    try:
        reverse(name, args=["x"])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture
def thousand_issues(settings):
    """1,000 published issues (bulk-created, about 1.5 s) with a stored PDF for every other one."""
    settings.PAGE_CACHE_ENABLED = False  # what is measured is rendering
    ids = generate_issues(1000)
    IssuePdf.objects.bulk_create(IssuePdf(issue_id=pk, version="v", file=f"generated/{pk}.pdf") for pk in ids[::2])
    return Issue.objects.select_related("series").get(pk=ids[0]).series


def _busiest(model, relation):
    return model.objects.annotate(n=Count(relation)).order_by("-n").first()


def test_each_feed_costs_a_fixed_number_of_queries(client, thousand_issues, django_assert_max_num_queries):
    person_slug = Contribution.objects.values("person__slug").annotate(n=Count("pk")).order_by("-n")[0]["person__slug"]
    feeds = {
        "site": ([], SITE_FEED_QUERIES),
        "series": ([thousand_issues.slug], SUBJECT_FEED_QUERIES),
        "person": ([person_slug], SUBJECT_FEED_QUERIES),
    }
    if _resolves("reader:topic_detail"):
        feeds["topic"] = ([_busiest(Topic, "issues").slug], SUBJECT_FEED_QUERIES)
    if _resolves("reader:place_detail"):
        feeds["place"] = ([_busiest(Place, "issues").slug], SUBJECT_FEED_QUERIES)
    for kind, (args, budget) in feeds.items():
        for fmt in ("atom", "rss"):
            with django_assert_max_num_queries(budget):
                response = client.get(reverse(f"reader:{kind}_feed_{fmt}", args=args))
            assert response.status_code == 200
            entries = response.content.count(b"<entry>" if fmt == "atom" else b"<item>")
            assert entries == (FEED_ITEMS if kind in ("site", "series", "topic") else entries) and entries > 1, kind


def test_the_sitemap_index_and_each_section_cost_a_fixed_number_of_queries(
    client, thousand_issues, django_assert_max_num_queries
):
    with django_assert_max_num_queries(INDEX_QUERIES):
        assert client.get(reverse("sitemap_index")).status_code == 200
    sections = [
        name for name in SITEMAPS if name not in ("topics", "places") or _resolves(f"reader:{name[:-1]}_detail")
    ]
    for name in sections:
        with django_assert_max_num_queries(SECTION_QUERIES):
            response = client.get(reverse("sitemap_section", kwargs={"section": name}))
        assert response.status_code == 200
    issues = client.get(reverse("sitemap_section", kwargs={"section": "issues"})).content
    # Generated dates run to the end of 2026: those still to come are not listed.
    assert issues.count(b"<url>") == Issue.objects.published().count() > 900
    pdfs = client.get(reverse("sitemap_section", kwargs={"section": "pdfs"})).content
    assert pdfs.count(b"<url>") == Issue.objects.published().filter(pdf__isnull=False).count() > 450
