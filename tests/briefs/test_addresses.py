"""An issue that moves keeps its old address (briefs.addresses): the rules of what is kept."""

import copy
import datetime

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from briefs.addresses import issue_moved_from, remember_address
from briefs.models import FormerAddress, Issue
from tests.conftest import make_issue, make_series, start_of
from tests.moving import move

pytestmark = pytest.mark.django_db


def kept_addresses():
    return sorted(FormerAddress.objects.values_list("series__slug", "number", "slug", "issue_id"))


def test_a_new_number_keeps_the_old_address_of_the_issue():
    issue = make_issue(number=6, slug="words")
    kept = move(issue, number=66)
    assert (kept.series_id, kept.number, kept.slug, kept.issue_id) == (issue.series_id, 6, "words", issue.pk)
    assert kept_addresses() == [(issue.series.slug, 6, "words", issue.pk)]


def test_a_new_series_or_new_words_keep_the_old_address_too():
    issue = make_issue(number=6, slug="words")
    old_series, new_series = issue.series, make_series()
    move(issue, series=new_series)
    move(issue, slug="other-words")
    assert kept_addresses() == [
        (old_series.slug, 6, "words", issue.pk),
        (new_series.slug, 6, "words", issue.pk),
    ]


def test_nothing_is_kept_when_the_address_did_not_change():
    issue = make_issue(number=6)
    assert move(issue, title="Another title") is None
    assert kept_addresses() == []


def test_called_before_the_new_address_is_written_it_keeps_nothing():
    issue = make_issue(number=6)
    assert remember_address(issue) is None
    assert kept_addresses() == []


def test_recording_the_same_move_twice_keeps_one_address():
    issue = make_issue(number=6, slug="words")
    was = copy.copy(issue)
    Issue.objects.filter(pk=issue.pk).update(number=66)
    remember_address(was)
    remember_address(was)
    assert kept_addresses() == [(issue.series.slug, 6, "words", issue.pk)]


@pytest.mark.parametrize(
    "status, public_from",
    [
        (Issue.Status.DRAFT, None),
        (Issue.Status.IN_REVIEW, None),
        (Issue.Status.APPROVED, None),
        (Issue.Status.PUBLISHED, start_of(datetime.date(2999, 1, 1))),  # scheduled
    ],
)
def test_an_issue_readers_never_saw_keeps_no_address(status, public_from):
    issue = make_issue(number=6, status=status, public_from=public_from)
    assert move(issue, number=66) is None
    assert kept_addresses() == []


def test_a_withdrawn_issue_keeps_its_address_which_answered_410():
    issue = make_issue(number=6, status=Issue.Status.WITHDRAWN)
    assert move(issue, number=66) is not None
    assert kept_addresses() == [(issue.series.slug, 6, issue.slug, issue.pk)]


def test_an_address_belongs_to_the_last_issue_that_had_it():
    first = make_issue(number=6, slug="words")
    move(first, number=66)
    second = make_issue(first.series, number=6, slug="words")
    move(second, number=7)
    assert kept_addresses() == [(first.series.slug, 6, "words", second.pk)]


def test_an_issue_moved_back_has_its_address_again_and_it_is_no_former_address():
    issue = make_issue(number=6, slug="words")
    move(issue, number=66)
    move(issue, number=6)
    assert kept_addresses() == [(issue.series.slug, 66, "words", issue.pk)]


def test_a_rolled_back_change_keeps_no_address():
    issue = make_issue(number=6)
    was = copy.copy(issue)
    with pytest.raises(RuntimeError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(number=66)
        remember_address(was)
        raise RuntimeError("the publication failed")
    assert kept_addresses() == []


def test_deleting_the_issue_deletes_its_former_addresses_and_their_series_cannot_be_deleted_under_them():
    issue = make_issue(number=6)
    old_series = issue.series
    move(issue, series=make_series())
    with pytest.raises(ProtectedError):
        old_series.delete()
    issue.delete()
    assert kept_addresses() == []


# -- which issue an old address leads to -------------------------------------------------


def test_an_old_address_leads_to_the_issue_that_left_the_number_last():
    first = make_issue(number=6, slug="first-words")
    move(first, number=66)
    second = make_issue(first.series, number=6, slug="second-words")
    move(second, number=7)
    slug = first.series.slug
    assert issue_moved_from(slug, 6) == second
    assert issue_moved_from(slug, 6, "other-words") == second
    # A page address's words name the issue that had them.
    assert issue_moved_from(slug, 6, "first-words") == first
    assert issue_moved_from(slug, 6, "other-words", exact=True) is None
    assert issue_moved_from(slug, 5) is None


def test_an_old_address_leads_only_to_an_issue_public_now_or_withdrawn():
    issue = make_issue(number=6)
    move(issue, number=66)
    slug = issue.series.slug
    assert issue_moved_from(slug, 6) == issue
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.WITHDRAWN)
    assert issue_moved_from(slug, 6) == issue
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.DRAFT)
    assert issue_moved_from(slug, 6) is None
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.PUBLISHED, public_from=start_of(datetime.date(2999, 1, 1))
    )
    assert issue_moved_from(slug, 6) is None
    assert issue_moved_from(slug, 6, now=start_of(datetime.date(2999, 1, 2))) == issue


def test_the_issue_found_knows_its_address_now_without_another_query(django_assert_num_queries):
    issue = make_issue(number=6)
    move(issue, number=66, slug="new-words")
    address_now, series_slug = issue.get_absolute_url(), issue.series.slug
    with django_assert_num_queries(1):
        assert issue_moved_from(series_slug, 6).get_absolute_url() == address_now
