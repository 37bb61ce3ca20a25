"""A published issue that moves (new series, number or words) keeps its old addresses: 301 to where it is now."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from briefs.models import Issue
from tests.conftest import VERSION_QUERIES, make_interview, make_series, make_staff, settle_content_version, start_of
from tests.moving import move
from tests.reader.test_query_budget import ISSUE_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def addresses(issue):
    """Every public address of the issue as it is now, by kind."""
    args = [issue.series.slug, issue.number]
    return {
        "page": issue.get_absolute_url(),
        "short": reverse("reader:issue_short_url", args=args),
        "pdf": reverse("reader:issue_pdf", args=args),
        "bib": reverse("reader:issue_bibtex", args=args),
        "ris": reverse("reader:issue_ris", args=args),
    }


def sent_to(new):
    """Where each old address must send readers: the same kind of address now; a short one straight to the page."""
    return {kind: new["page"] if kind == "short" else url for kind, url in new.items()}


def answers(client, urls):
    """Each address's status and where it sends readers, by kind."""
    found = {}
    for kind, url in urls.items():
        response = client.get(url)
        found[kind] = (response.status_code, response.get("Location"))
    return found


def permanent_redirects(urls):
    return {kind: (301, url) for kind, url in urls.items()}


@pytest.mark.parametrize(
    "change",
    [
        {"number": 66},
        {"series": "other"},
        {"number": 66, "slug": "new-words"},
        {"series": "other", "number": 66, "slug": "new-words"},
    ],
    ids=["number", "series", "number-and-words", "everything"],
)
def test_every_old_address_of_a_moved_issue_answers_301_to_the_same_kind_of_address_now(client, change):
    issue = make_interview(number=6, slug="old-words")
    old = addresses(issue)
    if change.get("series") == "other":
        change["series"] = make_series()
    move(issue, **change)
    new = addresses(issue)
    assert answers(client, old) == permanent_redirects(sent_to(new))
    page, bib = client.get(new["page"]), client.get(new["bib"])
    assert page.status_code == 200 and issue.title in page.content.decode()
    assert bib.status_code == 200 and issue.title in bib.content.decode()


def test_new_words_alone_send_the_old_page_address_to_the_new_one(client):
    issue = make_interview(number=6, slug="old-words")
    old = issue.get_absolute_url()
    move(issue, slug="new-words")
    assert answers(client, {"page": old}) == {"page": (301, issue.get_absolute_url())}


def test_a_chain_of_moves_leads_to_the_address_now_in_one_hop(client):
    issue = make_interview(number=6)
    first = addresses(issue)
    move(issue, number=66, slug="second-words")
    second = addresses(issue)
    move(issue, number=67, slug="third-words")
    now = sent_to(addresses(issue))
    assert answers(client, first) == permanent_redirects(now)
    assert answers(client, second) == permanent_redirects(now)


def test_an_issue_moved_back_answers_at_its_first_address_and_its_second_leads_there(client):
    issue = make_interview(number=6)
    first = addresses(issue)
    move(issue, number=66)
    second = addresses(issue)
    move(issue, number=6)
    assert client.get(first["page"]).status_code == 200
    assert answers(client, second) == permanent_redirects(sent_to(first))


def test_a_new_issue_at_the_old_number_wins_except_at_the_moved_issue_s_own_page_address(client):
    moved = make_interview(number=6, slug="moved-words", title="The moved title")
    old = addresses(moved)
    move(moved, number=66)
    newcomer = make_interview(moved.series, number=6, slug="newcomer-words", title="The newcomer's title")
    # The short address, the PDF and the citation files are the newcomer's ...
    assert answers(client, {"short": old["short"]}) == {"short": (301, newcomer.get_absolute_url())}
    for kind in ("bib", "ris"):
        response = client.get(old[kind])
        assert response.status_code == 200 and "The newcomer's title" in response.content.decode()
    assert client.get(old["pdf"]).status_code in (200, 503)  # the newcomer's PDF, or its “being prepared” page
    assert client.get(newcomer.get_absolute_url()).status_code == 200
    # ... and so are other words after the number, as for any wrong words.
    other_words = reverse("reader:issue_detail", args=[moved.series.slug, 6, "other-words"])
    assert answers(client, {"page": other_words}) == {"page": (301, newcomer.get_absolute_url())}
    # The moved issue's own page address names it by its words: it leads to it.
    assert answers(client, {"page": old["page"]}) == {"page": (301, moved.get_absolute_url())}


def test_a_withdrawn_issue_at_the_old_number_answers_410_except_at_the_moved_issue_s_own_page_address(client):
    moved = make_interview(number=6, slug="moved-words")
    old = addresses(moved)
    move(moved, number=66)
    make_interview(moved.series, number=6, status=Issue.Status.WITHDRAWN, withdrawal_notice="Withdrawn.")
    for kind in ("short", "pdf", "bib", "ris"):
        assert client.get(old[kind]).status_code == 410, kind
    assert answers(client, {"page": old["page"]}) == {"page": (301, moved.get_absolute_url())}


def test_a_moved_issue_withdrawn_since_leads_from_its_old_addresses_to_its_address_now_which_is_gone(client):
    issue = make_interview(number=6, title="The withdrawn title")
    old = addresses(issue)
    move(issue, number=66)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.WITHDRAWN, withdrawal_notice="Withdrawn.")
    new = addresses(issue)
    assert answers(client, old) == permanent_redirects(sent_to(new))
    for kind, url in new.items():
        if kind != "short":
            assert client.get(url).status_code == 410, kind


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Issue.Status.DRAFT},
        {"status": Issue.Status.PUBLISHED, "public_from": start_of(datetime.date(2999, 1, 1))},
    ],
    ids=["back-to-draft", "scheduled"],
)
def test_the_old_addresses_of_an_issue_not_public_now_are_404_and_do_not_say_where_it_is(client, hidden):
    issue = make_interview(number=6, title="A title readers may not see now")
    old = addresses(issue)
    move(issue, number=66, slug="secret-words")
    Issue.objects.filter(pk=issue.pk).update(**hidden)
    for kind, url in old.items():
        response = client.get(url)
        assert response.status_code == 404, kind
        assert "Location" not in response and "secret-words" not in response.content.decode(), kind
        assert "A title readers may not see now" not in response.content.decode(), kind


def test_a_draft_that_moves_gets_no_old_address_not_even_for_editors(client):
    draft = make_interview(number=6, status=Issue.Status.DRAFT)
    old = addresses(draft)
    assert move(draft, number=66) is None
    editor = Client()
    editor.force_login(make_staff("briefs.view_issue"))
    for kind, url in old.items():
        assert client.get(url).status_code == 404, kind
        assert editor.get(url).status_code == 404, kind
    assert editor.get(draft.get_absolute_url()).status_code == 200


def test_editors_who_preview_are_sent_on_from_an_old_address_like_readers():
    issue = make_interview(number=6)
    old = addresses(issue)
    move(issue, number=66)
    editor = Client()
    editor.force_login(make_staff("briefs.view_issue"))
    assert answers(editor, old) == permanent_redirects(sent_to(addresses(issue)))


def test_an_address_no_issue_ever_had_is_still_404(client):
    issue = make_interview(number=6)
    move(issue, number=66)
    assert client.get(reverse("reader:issue_short_url", args=[issue.series.slug, 7])).status_code == 404
    assert client.get(reverse("reader:issue_short_url", args=[make_series().slug, 6])).status_code == 404


# -- the page cache and the cost ---------------------------------------------------------


def test_a_cached_old_page_and_citation_file_are_not_served_after_the_move(client, django_assert_num_queries):
    issue = make_interview(number=6)
    old = addresses(issue)
    for kind in ("page", "bib"):
        assert client.get(old[kind]).status_code == 200
        with django_assert_num_queries(VERSION_QUERIES):  # from the page cache
            assert client.get(old[kind]).status_code == 200
    move(issue, number=66)
    assert answers(client, {"page": old["page"], "bib": old["bib"]}) == {
        "page": (301, issue.get_absolute_url()),
        "bib": (301, addresses(issue)["bib"]),
    }


@pytest.mark.django_db(transaction=True)
def test_after_a_committed_move_the_old_address_is_no_longer_served_from_the_page_cache(client):
    issue = make_interview(number=6)
    old = issue.get_absolute_url()
    assert client.get(old).status_code == 200
    assert client.get(old).status_code == 200  # cached
    move(issue, number=66)  # committed: another process would see it too
    assert answers(client, {"page": old}) == {"page": (301, issue.get_absolute_url())}


def test_the_page_of_a_moved_issue_costs_no_more_queries(client, django_assert_num_queries):
    issue = make_interview(number=6)
    move(issue, number=66)
    move(issue, number=67)
    page = issue.get_absolute_url()
    settle_content_version()
    with django_assert_num_queries(ISSUE_PAGE_QUERIES):
        assert client.get(page).status_code == 200


def test_an_old_address_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    issue = make_interview(number=6)
    old = addresses(issue)
    for number in (66, 67, 68):
        move(issue, number=number)
    settle_content_version()
    # The issue at the number, a withdrawn one there, then the former address.
    with django_assert_num_queries(VERSION_QUERIES + 3):
        assert client.get(old["short"]).status_code == 301
