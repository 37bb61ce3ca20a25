import datetime

import pytest

from briefs.models import Contribution, EditorialMembership, Issue
from tests.conftest import make_issue, make_membership, make_person, make_series, start_of

pytestmark = pytest.mark.django_db
FEB_2019 = datetime.date(2019, 2, 1)


def test_published_means_status_published_and_its_moment_to_go_public_reached():
    series = make_series()
    live = make_issue(series, publication_date=FEB_2019)
    make_issue(series, status=Issue.Status.DRAFT, publication_date=FEB_2019)
    for status in (Issue.Status.IN_REVIEW, Issue.Status.APPROVED, Issue.Status.WITHDRAWN):
        make_issue(series, status=status, publication_date=FEB_2019, public_from=start_of(FEB_2019))
    nine = start_of(FEB_2019) + datetime.timedelta(hours=9)
    scheduled = make_issue(series, publication_date=FEB_2019, public_from=nine)
    assert list(Issue.objects.published(at=nine - datetime.timedelta(microseconds=1))) == [live]
    assert set(Issue.objects.published(at=nine)) == {live, scheduled}


def test_printed_biography_is_copied_from_the_person_when_left_empty_and_kept_afterwards():
    person = make_person(biography="<p>Fellow 2017-2019.</p>")
    issue = make_issue()
    contribution = Contribution.objects.create(issue=issue, person=person, role=Contribution.Role.AUTHOR)
    assert contribution.printed_biography == "<p>Fellow 2017-2019.</p>"
    person.biography = "<p>Alumna, now professor.</p>"
    person.save()
    contribution.refresh_from_db()
    contribution.save()
    assert contribution.printed_biography == "<p>Fellow 2017-2019.</p>"


def test_a_biography_typed_for_the_issue_is_kept_as_typed():
    person = make_person(biography="<p>Current.</p>")
    c = Contribution.objects.create(
        issue=make_issue(), person=person, role=Contribution.Role.AUTHOR, printed_biography="<p>As printed.</p>"
    )
    assert c.printed_biography == "<p>As printed.</p>"


def test_interviewees_get_no_printed_biography():
    c = Contribution.objects.create(
        issue=make_issue(),
        person=make_person(biography="<p>Bio</p>"),
        role=Contribution.Role.INTERVIEWEE,
        speaker_label="X",
    )
    assert c.printed_biography == ""


def test_the_team_in_office_is_the_one_whose_terms_cover_the_day():
    series = make_series()
    always = make_membership(series)
    ended = make_membership(series, end_date=datetime.date(2018, 12, 31))
    later = make_membership(series, start_date=datetime.date(2019, 6, 1))
    current = make_membership(series, start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2019, 2, 1))
    in_office = {m for m in EditorialMembership.objects.filter(series=series) if m.in_office_on(FEB_2019)}
    assert in_office == {always, current}
    assert later not in in_office and ended not in in_office
    assert ended.in_office_on(datetime.date(2018, 12, 31)) and current.in_office_on(datetime.date(2019, 2, 1))


def test_person_full_name_has_the_honorific_as_printed():
    assert (
        make_person(honorific="Prof. Dr", given_name="Mathias", family_name="Jopp").full_name == "Prof. Dr Mathias Jopp"
    )
    assert make_person(given_name="Janny", family_name="Schulz").full_name == "Janny Schulz"


def test_issn_is_stored_in_its_printed_form():
    assert make_series(issn="26277190").issn == "2627-7190"
