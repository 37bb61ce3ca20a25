"""A plain select (common.plain_select) gives what the ORM gives, in the models' ordering, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefs.models import AboutSection, Contribution, Correction, EditorialMembership, Issue, Place, Topic
from common.plain_select import PlainSelect
from people.models import Organisation, Programme
from tests.conftest import make_interview, make_membership, make_person, make_series

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_instances_equal_the_orms_with_the_joined_row_set_in_one_query():
    series = make_series()
    make_membership(series, person=make_person(given_name="Zoë", family_name="O'Brien-Łukasiewicz"), sort_order=2)
    make_membership(
        series, role="advisor", sort_order=1, start_date=datetime.date(2019, 3, 1), end_date=datetime.date(2020, 1, 31)
    )
    make_membership(make_series())  # another series' team
    select = PlainSelect(EditorialMembership, ["series"], join=("person", None))
    with CaptureQueriesContext(connection) as queries:
        plain = select(series.pk)
        names = [membership.person.family_name for membership in plain]
    assert len(queries) == 1
    orm = list(EditorialMembership.objects.filter(series=series).select_related("person"))
    assert [_fields(m) for m in plain] == [_fields(m) for m in orm]
    assert [_fields(m.person) for m in plain] == [_fields(m.person) for m in orm]
    assert names[1] == "O'Brien-Łukasiewicz" and plain[0].start_date == datetime.date(2019, 3, 1)


def test_values_come_converted_as_the_orm_gives_them():
    issue = make_interview()
    at = datetime.datetime(2024, 2, 29, 23, 30, 15, 123456, tzinfo=datetime.UTC)
    Correction.objects.create(issue=issue, corrected_at=at, note="<p>Later.</p>")
    Correction.objects.create(issue=issue, corrected_at=at - datetime.timedelta(days=400), note="<p>Earlier.</p>")
    rows = PlainSelect(Correction, ["issue"], fields=("corrected_at", "note")).rows(issue.pk)
    assert rows == list(Correction.objects.filter(issue=issue).values_list("corrected_at", "note"))
    assert rows[1][0] == at and rows[1][0].tzinfo is not None  # aware, in order of the model's ordering
    (issue_row,) = PlainSelect(Issue, ["id"], fields=("publication_date", "public_from", "edit_version")).rows(issue.pk)
    assert (
        issue_row == Issue.objects.filter(pk=issue.pk).values_list("publication_date", "public_from", "edit_version")[0]
    )


def test_rows_follow_the_models_ordering_not_the_order_of_insertion():
    series = make_series()
    for order, title in ((3, "Third"), (1, "First"), (2, "Second"), (1, "First too")):
        AboutSection.objects.create(series=series, title=title, body="<p>x</p>", sort_order=order)
    plain = [s.title for s in PlainSelect(AboutSection, ["series"])(series.pk)]
    assert plain == list(AboutSection.objects.filter(series=series).values_list("title", flat=True))
    assert plain == ["First", "First too", "Second", "Third"]


def test_a_descending_ordering_is_kept():
    series = make_series()
    for number, day in ((1, 3), (2, 1), (3, 2)):
        make_interview(series, number=number, publication_date=datetime.date(2020, 1, day))
    plain = PlainSelect(Issue, ["series"], fields=("number",)).rows(series.pk)
    assert plain == list(Issue.objects.filter(series=series).values_list("number"))  # -publication_date, -number


def test_many_to_many_rows_are_those_linked_to_the_owner_in_the_models_ordering():
    issue, other = make_interview(), make_interview()
    zeta, alpha, unrelated = (Topic.objects.create(name=name) for name in ("Zeta", "Alpha", "Unrelated"))
    issue.topics.set([zeta, alpha])
    other.topics.set([unrelated])
    place = Place.objects.create(name="Côte d’Ivoire", kind="country", country="CI")
    issue.places.set([place])
    assert PlainSelect(Topic, fields=("name",), through=(Issue, "topics")).rows(issue.pk) == [("Alpha",), ("Zeta",)]
    assert PlainSelect(Place, fields=("name", "country"), through=(Issue, "places")).rows(issue.pk) == [
        ("Côte d’Ivoire", "CI")
    ]
    programme = Programme.objects.create(name="P", short_name="P", slug="p-plain")
    programme.organisers.set([Organisation.objects.create(name=n) for n in ("Uni B", "Uni A")])
    assert PlainSelect(Organisation, fields=("name",), through=(Programme, "organisers")).rows(programme.pk) == [
        ("Uni A",),
        ("Uni B",),
    ]


def test_only_the_fields_asked_for_are_read_the_others_deferred():
    issue = make_interview()
    contributions = PlainSelect(Contribution, ["issue"], fields=("id", "role"))(issue.pk)
    assert [c.role for c in contributions] == list(
        Contribution.objects.filter(issue=issue).values_list("role", flat=True)
    )
    assert contributions[0].get_deferred_fields() >= {"speaker_label", "person_id"}


def test_an_ordering_that_is_not_a_column_of_the_table_is_refused():
    from people.models import Fellowship

    with pytest.raises(ValueError, match="not a column"):
        PlainSelect(Fellowship, ["person"])  # ordered by person__family_name: that is the ORM's work


def test_a_field_whose_value_differs_between_backends_is_refused_when_the_select_is_made():
    from briefs.models import Series

    with pytest.raises(ValueError, match="front_matter_token"):
        PlainSelect(Series, ["programme"])  # its UUID is text on SQLite, a UUID on PostgreSQL: the ORM's work
    assert PlainSelect(Series, ["programme"], fields=("name", "slug"))  # the others are read as they are


def test_none_is_refused_rather_than_matching_nothing():
    with pytest.raises(ValueError, match="not None"):
        PlainSelect(Correction, ["issue"], fields=("note",)).rows(None)
