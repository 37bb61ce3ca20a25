"""The desk on the admin's home page: what waits, each a count that links to a list of exactly those.

The counts and the lists' filters share their conditions (editorial/desk.py);
these tests hold the page to that: every count is followed to its list, and the
list must show the same issues or links, no more and no fewer.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue
from crossref.models import Deposit
from editorial.desk import EXPIRING_WITHIN
from printing.models import IssuePdf
from sharing.models import ShareLink
from tests.conftest import make_issue, make_series, make_staff

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DESK_ITEM = re.compile(
    r'<li class="desk-item[^"]*"><a href="([^"]+)"><strong class="desk-count">(\d+)</strong> ([^<]+)</a>'
)


def desk_of(client):
    """The desk as the home page shows it: label → (count, address)."""
    html = client.get(reverse("admin:index")).content.decode()
    return {label: (int(count), url.replace("&amp;", "&")) for url, count, label in DESK_ITEM.findall(html)}


def listed(client, url):
    """What the list at ``url`` shows: the objects of its page (all of them, in these tests)."""
    response = client.get(url)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def link(issue, *, expires_in, revoked=False):
    return ShareLink.objects.create(
        issue=issue,
        created_at=NOW - datetime.timedelta(days=1),
        expires_at=NOW + expires_in,
        revoked_at=NOW if revoked else None,
    )


@pytest.fixture
def waiting():
    """Some of everything the desk counts, each next to one just outside its rule."""
    series = make_series()
    in_review = {make_issue(series, status=Issue.Status.IN_REVIEW) for _ in range(2)}
    make_issue(series, status=Issue.Status.APPROVED)
    scheduled = make_issue(series, public_from=NOW + datetime.timedelta(days=2))
    public = make_issue(series, public_from=NOW - datetime.timedelta(days=2))
    draft = make_issue(series, status=Issue.Status.DRAFT)
    IssuePdf.objects.create(issue=public, failure="A footnote could not be placed.", failed_version="v1")
    IssuePdf.objects.create(issue=scheduled, version="v1")  # built, no failure
    soon = link(draft, expires_in=datetime.timedelta(days=2))
    link(draft, expires_in=EXPIRING_WITHIN + datetime.timedelta(hours=1))  # later than 3 days
    link(draft, expires_in=-datetime.timedelta(hours=1))  # expired already
    link(draft, expires_in=datetime.timedelta(days=1), revoked=True)
    # The newest deposit decides: one that failed, one that failed before a later success, one under way.
    refused, fixed, sending = (make_issue(series, public_from=NOW - datetime.timedelta(days=3)) for _ in range(3))
    for issue, states in ((refused, ["accepted", "failed"]), (fixed, ["failed", "accepted"]), (sending, ["queued"])):
        for minutes, state in enumerate(states):
            Deposit.objects.create(
                issue=issue, doi="10.5555/x", reason="request", state=state,
                queued_at=NOW - datetime.timedelta(hours=1) + datetime.timedelta(minutes=minutes),
            )  # fmt: skip
    return {"in_review": in_review, "scheduled": {scheduled}, "pdf": {public}, "links": {soon}, "doi": {refused}}


def test_the_chief_sees_each_count_and_its_link_lists_exactly_those(client_in_role, waiting):
    chief = client_in_role("Editor-in-chief")
    desk = desk_of(chief)
    expected = {
        "issues in review": waiting["in_review"],
        "scheduled issue": waiting["scheduled"],
        "issue whose PDF could not be built": waiting["pdf"],
        "issue whose DOI deposit failed": waiting["doi"],
        "proofreading link expiring within 3 days": waiting["links"],
    }
    assert set(desk) == set(expected)
    for label, objects in expected.items():
        count, url = desk[label]
        assert count == len(objects), label
        assert listed(chief, url) == objects, label


def test_nothing_waiting_reads_zero_and_the_plural(client_in_role):
    desk = desk_of(client_in_role("Editor-in-chief"))
    assert desk["issues in review"][0] == 0 and desk["scheduled issues"][0] == 0


def test_the_desk_shows_only_what_the_user_may_see(client_in_role, client, waiting):
    # Programme staff may not see issues or their links: no desk at all.
    html = client_in_role("Programme staff").get(reverse("admin:index")).content.decode()
    assert "Waiting on the desk" not in html
    # Proofreading links follow the issues' permissions: whoever may view issues sees both.
    client.force_login(make_staff("briefs.view_issue"))
    assert set(desk_of(client)) == {
        "issues in review",
        "scheduled issue",
        "issue whose PDF could not be built",
        "issue whose DOI deposit failed",
        "proofreading link expiring within 3 days",
    }
    client.force_login(make_staff("people.view_person"))
    assert desk_of(client) == {}


def test_the_desk_is_read_in_two_queries_however_much_waits(rf, django_assert_num_queries, waiting):
    from django.contrib import admin

    from editorial.desk import desk_for

    request = rf.get("/admin/")
    request.user = make_staff("briefs.view_issue")
    request.user.get_all_permissions()  # the permissions are the user's, read once per request
    with django_assert_num_queries(2):
        first = desk_for(request, admin.site)
    for _ in range(5):
        make_issue(status=Issue.Status.IN_REVIEW)
    with django_assert_num_queries(2):
        again = desk_for(request, admin.site)
    assert first[0].count == 2 and again[0].count == 7
