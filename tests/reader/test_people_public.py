"""Who has a public person page (``reader.people_public.public_people``), and that pages link only to them.

A person's page exists only for someone with a part in an issue the public may
see, a term on an editorial team that has begun, or a fellowship they agreed to
have listed. Everyone else gets a 404, and no public page links to them.
Dates: issues of 2019 are past; 2099 is far ahead (a scheduled issue, a term
that has not begun), and ``public_people(on=...)`` is also asked about fixed days.
"""

import datetime
import re

import pytest
from django.urls import reverse

from briefs.models import Contribution, Issue
from people.models import Person
from reader.people_public import public_people
from tests.conftest import make_fellowship, make_issue, make_membership, make_person, make_series, start_of

pytestmark = pytest.mark.django_db

FAR_AHEAD = datetime.date(2099, 3, 1)


def contributor(issue, role=Contribution.Role.AUTHOR, **person_fields):
    person = make_person(**person_fields)
    Contribution.objects.create(issue=issue, person=person, role=role)
    return person


def page(client, person):
    return client.get(reverse("reader:person_detail", args=[person.slug]))


def test_a_person_only_in_a_draft_has_no_public_page(client):
    draft = make_issue(status=Issue.Status.DRAFT)
    person = contributor(draft, biography="<p>A biography not yet meant for the public.</p>")
    response = page(client, person)
    assert response.status_code == 404
    assert "not yet meant for the public" not in response.content.decode()


@pytest.mark.parametrize("role", Contribution.Role.values)
def test_a_part_in_a_published_issue_gives_a_public_page(client, role):
    person = contributor(make_issue(), role=role, biography="<p>Writes on trade.</p>")
    response = page(client, person)
    assert response.status_code == 200 and "Writes on trade." in response.content.decode()


def test_a_part_only_in_a_scheduled_issue_gives_a_page_from_the_moment_it_goes_public(client):
    goes_public = start_of(FAR_AHEAD) + datetime.timedelta(hours=9)
    person = contributor(make_issue(publication_date=FAR_AHEAD, public_from=goes_public))
    assert page(client, person).status_code == 404
    assert person not in public_people(at=goes_public - datetime.timedelta(seconds=1))
    assert person in public_people(at=goes_public)


def test_a_term_on_an_editorial_team_gives_a_public_page_once_it_has_begun(client):
    series = make_series()
    current = make_membership(series).person
    former = make_membership(series, start_date=datetime.date(1999, 1, 1), end_date=datetime.date(2001, 6, 30)).person
    future = make_membership(series, start_date=FAR_AHEAD).person
    assert page(client, current).status_code == 200
    assert page(client, former).status_code == 200
    assert page(client, future).status_code == 404
    assert future not in public_people(at=start_of(FAR_AHEAD) - datetime.timedelta(seconds=1))
    assert future in public_people(at=start_of(FAR_AHEAD))


def test_a_fellow_has_a_public_page_only_if_their_fellowship_is_listed(client):
    unlisted = make_fellowship(listed_publicly=False, thesis_title="Unlisted thesis").person
    listed = make_fellowship(listed_publicly=True, thesis_title="Listed thesis").person
    directory = client.get(reverse("reader:fellows_directory")).content.decode()

    assert page(client, unlisted).status_code == 404
    assert unlisted.full_name not in directory and "Unlisted thesis" not in directory
    assert page(client, listed).status_code == 200
    assert f'href="{listed.get_absolute_url()}">{listed.full_name}</a>' in directory


def test_someone_merely_recorded_has_no_public_page(client):
    assert page(client, make_person(biography="<p>Only in the address book.</p>")).status_code == 404


def test_public_people_is_exactly_the_people_the_rule_names():
    series = make_series()
    by_issue = contributor(make_issue(series))
    by_team = make_membership(series).person
    by_fellowship = make_fellowship().person
    hidden = [
        contributor(make_issue(series, status=Issue.Status.DRAFT)),
        contributor(make_issue(series, publication_date=FAR_AHEAD)),
        make_membership(series, start_date=FAR_AHEAD).person,
        make_fellowship(listed_publicly=False).person,
        make_person(),
    ]
    both = contributor(make_issue(series))
    make_fellowship(person=both, listed_publicly=False)  # an unlisted fellowship takes nothing away
    assert set(public_people()) == {by_issue, by_team, by_fellowship, both}
    assert not set(public_people()) & set(hidden)
    assert list(public_people(Person.objects.filter(pk=by_team.pk))) == [by_team]  # narrows a given queryset
    assert public_people().count() == 4  # one row per person, however many reasons


def test_every_person_link_on_a_public_page_leads_to_a_public_page(client):
    series = make_series()
    issue = make_issue(series, kind=Issue.Kind.INTERVIEW, body="")
    contributor(issue, role=Contribution.Role.INTERVIEWER)
    Contribution.objects.create(
        issue=issue, person=make_person(), role=Contribution.Role.INTERVIEWEE, speaker_label="EB"
    )
    make_membership(series, role="publisher")
    make_membership(series, role="editor", start_date=datetime.date(1999, 1, 1), end_date=datetime.date(2001, 6, 30))
    make_membership(series, role="editor", start_date=FAR_AHEAD)
    draft = make_issue(series, status=Issue.Status.DRAFT)
    contributor(draft)
    make_fellowship(listed_publicly=True)
    make_fellowship(listed_publicly=False)

    to_visit = [
        "/",
        reverse("reader:archive"),
        series.get_absolute_url(),
        reverse("reader:series_team", args=[series.slug]),
        issue.get_absolute_url(),
        reverse("reader:fellows_directory"),
    ]
    visited, person_links = set(), set()
    while to_visit:
        url = to_visit.pop()
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        for link in re.findall(r'href="(/people/[^/"]+/)"', response.content.decode()):  # person pages, not their feeds
            person_links.add(link)
            to_visit.append(link)  # a person page's own links are checked too
    public = {p.get_absolute_url() for p in public_people()}
    assert person_links == public  # every public person is reached, and no one else
    # the interviewer, the interviewee, the publisher in office, the former editor, the listed fellow
    assert len(public) == 5
