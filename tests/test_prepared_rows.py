"""PreparedRows: a query compiled once gives, for every key, exactly the rows the ORM gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from briefs.models import Contribution, Footnote, Question
from common.prepared import PreparedRows
from tests.conftest import make_interview


def _questions(issue_id):
    return Question.objects.filter(issue_id=issue_id).values_list("question", "answer", "speaker_id")


@pytest.mark.django_db
def test_each_key_gets_the_rows_the_orm_gives_for_it_in_the_same_order():
    first, second = make_interview(questions=3), make_interview(questions=2)
    Question.objects.filter(issue=first, sort_order=0).update(sort_order=9)  # order must come from the query
    prepared = PreparedRows(_questions)
    for issue in (first, second, first):
        assert prepared.rows(issue.pk) == list(_questions(issue.pk))
    assert prepared.rows(-1) == []


@pytest.mark.django_db
def test_the_query_is_compiled_once_and_run_once_per_call():
    issue = make_interview(questions=2, footnotes=2)
    prepared = PreparedRows(lambda pk: Footnote.objects.filter(issue_id=pk).values_list("label", "text"))
    prepared.rows(issue.pk)
    with CaptureQueriesContext(connection) as queries:
        rows = prepared.rows(issue.pk)
    assert len(queries) == 1
    assert sorted(rows) == [("n0", "<p>Note text 0</p>"), ("n1", "<p>Note text 1</p>")]


@pytest.mark.django_db
def test_a_query_that_is_not_values_list_is_refused():
    with pytest.raises(TypeError, match="values_list"):
        PreparedRows(lambda pk: Question.objects.filter(issue_id=pk)).rows(1)


@pytest.mark.django_db
def test_a_key_used_twice_or_not_at_all_is_refused():
    with pytest.raises(ValueError, match="exactly once"):
        PreparedRows(lambda pk: Question.objects.filter(issue_id=pk, speaker_id=pk).values_list("question")).rows(1)
    with pytest.raises(ValueError, match="exactly once"):
        PreparedRows(lambda pk: Question.objects.values_list("question")).rows(1)


@pytest.mark.django_db
def test_columns_django_converts_after_reading_come_back_converted_as_the_orm_gives_them():
    issue = make_interview(publication_date=datetime.date(2019, 2, 1))
    dates = lambda pk: Contribution.objects.filter(issue_id=pk).values_list("issue__publication_date", "issue__public_from")  # noqa: E731
    rows = PreparedRows(dates).rows(issue.pk)
    assert rows == list(dates(issue.pk))
    assert isinstance(rows[0][0], datetime.date) and isinstance(rows[0][1], datetime.datetime)
