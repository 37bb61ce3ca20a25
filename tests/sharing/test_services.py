"""Making and revoking links: the rules every caller (the admin, later a command) goes through."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from briefs.models import Issue
from sharing.models import LinkState, ShareLink
from sharing.services import revoke_share_link, share_issue
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db

MADE = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def draft():
    return make_interview(status=Issue.Status.DRAFT)


def test_a_link_lasts_seven_days_unless_the_editor_chooses(draft, editor):
    link = share_issue(issue=draft, by=editor, now=MADE)
    assert (link.created_at, link.expires_at, link.created_by) == (MADE, MADE + 7 * DAY, editor)
    assert share_issue(issue=draft, by=editor, days=30, now=MADE).expires_at == MADE + 30 * DAY
    assert share_issue(issue=draft, by=editor, days=1, now=MADE).expires_at == MADE + DAY


@pytest.mark.parametrize("days", [0, 31, -7])
def test_a_link_lasts_one_to_thirty_days_and_no_other_length(draft, editor, days):
    with pytest.raises(ValidationError) as refused:
        share_issue(issue=draft, by=editor, days=days, now=MADE)
    assert refused.value.code == "validity_out_of_range"
    assert not ShareLink.objects.exists()


@pytest.mark.parametrize(
    "status, public_from",
    [
        (Issue.Status.DRAFT, None),
        (Issue.Status.IN_REVIEW, None),
        (Issue.Status.APPROVED, None),
        (Issue.Status.PUBLISHED, MADE + DAY),  # scheduled
    ],
    ids=["draft", "in-review", "approved", "scheduled"],
)
def test_any_issue_that_is_not_public_can_be_shared(editor, status, public_from):
    issue = make_interview(status=status, public_from=public_from)
    assert share_issue(issue=issue, by=editor, now=MADE).state(at=MADE) == LinkState.ACTIVE


@pytest.mark.parametrize(
    "status, public_from, code_words",
    [
        (Issue.Status.PUBLISHED, MADE - DAY, "This issue is public"),
        (Issue.Status.WITHDRAWN, MADE - 9 * DAY, "A withdrawn issue cannot be shared"),
    ],
    ids=["public", "withdrawn"],
)
def test_a_public_or_withdrawn_issue_cannot_be_shared(editor, status, public_from, code_words):
    issue = make_interview(status=status, public_from=public_from)
    with pytest.raises(ValidationError, match=code_words):
        share_issue(issue=issue, by=editor, now=MADE)


def test_a_link_is_active_until_it_expires_or_is_revoked(draft, editor):
    link = share_issue(issue=draft, by=editor, days=2, now=MADE)
    assert link.state(at=MADE + DAY) == LinkState.ACTIVE
    assert link.state(at=MADE + 2 * DAY) == LinkState.EXPIRED
    revoke_share_link(link=link, by=editor, now=MADE + DAY)
    assert link.state(at=MADE + DAY) == LinkState.REVOKED
    assert list(ShareLink.objects.in_state(LinkState.REVOKED, at=MADE)) == [link]
    assert not ShareLink.objects.active(at=MADE).exists()


def test_revoking_a_link_twice_keeps_the_first_revocation(draft, editor, django_user_model):
    link = share_issue(issue=draft, by=editor, now=MADE)
    revoke_share_link(link=link, by=editor, now=MADE + DAY)
    other = django_user_model.objects.create_user("other")
    revoke_share_link(link=ShareLink.objects.get(pk=link.pk), by=other, now=MADE + 2 * DAY)
    link.refresh_from_db()
    assert (link.revoked_at, link.revoked_by) == (MADE + DAY, editor)


def test_the_id_is_random_and_not_in_the_links_name(draft, editor):
    first, second = (share_issue(issue=draft, by=editor, note="for Erkin Baydarov", now=MADE) for _ in range(2))
    assert first.pk.version == 4 and first.pk != second.pk
    assert str(first) == "Proofreading link for Erkin Baydarov" and first.token not in str(first)
