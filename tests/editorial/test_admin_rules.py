"""Admin rules of issue 6: malformed markers, every footnote problem at once, team terms kept."""

import datetime
import re

import pytest
from django.urls import reverse

from briefs.models import EditorialMembership, Issue, Question
from tests.conftest import make_interview, make_membership, make_person, make_series
from tests.editorial.test_admin_forms import ADD_ISSUE, _rows, interview_rows, issue_post, people  # noqa: F401

pytestmark = pytest.mark.django_db


def _errors_of(response):
    """Every error message on the admin page, as plain text."""
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", e) for e in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)]


@pytest.mark.parametrize("typed", ["[^Silk visa]", "[^ visa]", "[^trade-forum", "[^"])
@pytest.mark.parametrize(
    "field, where",
    [
        ("introduction", "The introduction"),
        ("body", "The body"),
        ("question", "This question"),
        ("answer", "This answer"),
    ],
)
def test_a_malformed_marker_is_an_error_naming_the_field_and_nothing_is_saved(
    editor_client, people, typed, field, where
):
    text = f"<p>Visas{typed} for tourists.</p>"
    question = {"question": "<p>Q?</p>", "answer": "<p>A.</p>"}
    fields = {}
    if field in ("question", "answer"):
        question[field] = text
    else:
        fields[field] = text
    response = editor_client.post(
        ADD_ISSUE, issue_post(make_series(), contributions=interview_rows(people), questions=[question], **fields)
    )
    assert response.status_code == 200
    errors = " ".join(_errors_of(response))
    assert f"{where} has 1 malformed footnote marker: “{typed}”" in errors
    assert f"Visas{typed} for tourists." in response.content.decode().replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"'
    )
    assert not Issue.objects.exists() and not Question.objects.exists()


def test_every_footnote_problem_is_reported_in_the_same_save(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            make_series(),
            introduction="<p>Context[^ctx].</p>",
            contributions=interview_rows(people),
            questions=[
                {"question": "<p>Q one?</p>", "answer": "<p>Silk visa[^Silk visa] and trade[^trade].</p>"},
                {"question": "<p>Q two?</p>", "answer": "<p>Typo[^tarde].</p>"},
            ],
            footnotes=[
                {"label": "trade", "text": ""},  # a note with no text
                {"label": "orphan", "text": "<p>Unused.</p>"},
                {"label": "bad label", "text": "<p>x</p>"},
            ],
        ),
    )
    errors = " ".join(_errors_of(response))
    for expected in [
        "This answer has 1 malformed footnote marker: “[^Silk visa]”",
        "The introduction cites [^ctx], but no footnote has the label “ctx”",
        "The answer to question 2 cites [^tarde], but no footnote has the label “tarde”",
        "This field is required",  # the empty note
        "No text cites this footnote. Type [^orphan]",
        "A label is letters, digits, - or _ with no spaces",
    ]:
        assert expected in errors, f"missing {expected!r} in {errors!r}"
    assert not Issue.objects.exists()


def test_a_malformed_marker_saved_another_way_is_not_printed_on_the_page(client):
    issue = make_interview(questions=1)
    Question.objects.filter(issue=issue).update(answer="<p>Visas[^Silk visa] and[^ for tourists.</p>")
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "Visas and for tourists." in html and "[^" not in html


# -- the editorial team of published issues ------------------------------------


def _series_with_issue_and_team():
    series = make_series()
    make_interview(series, publication_date=datetime.date(2019, 2, 1))
    kept = make_membership(
        series, role="editor", person=make_person(family_name="Schulz"), end_date=datetime.date(2020, 6, 30)
    )
    later = make_membership(
        series, role="editor", person=make_person(family_name="Newer"), start_date=datetime.date(2021, 1, 1)
    )
    return series, kept, later


def _series_change_post(series, memberships, delete=()):
    data = {
        "programme": str(series.programme_id),
        "name": series.name,
        "slug": series.slug,
        "introduction": "",
        "issn": series.issn,
        "place_of_publication": "",
        "website": "",
        "email": "",
        "hashtag": "",
    }
    data |= _rows("about_sections", [], ["sort_order", "title", "body"])
    rows = [
        {
            "id": str(m.pk),
            "series": str(series.pk),
            "role": m.role,
            "person": str(m.person_id),
            "position": m.position,
            "start_date": m.start_date.isoformat() if m.start_date else "",
            "end_date": m.end_date.isoformat() if m.end_date else "",
            "sort_order": str(m.sort_order),
            "DELETE": "on" if m in delete else "",
        }
        for m in memberships
    ]
    data |= _rows(
        "editorial_memberships",
        rows,
        ["id", "series", "role", "person", "position", "start_date", "end_date", "sort_order", "DELETE"],
    )
    data["editorial_memberships-INITIAL_FORMS"] = str(len(rows))
    return data


def test_a_team_term_printed_in_a_published_issue_cannot_be_deleted_from_the_series_form(editor_client):
    series, kept, later = _series_with_issue_and_team()
    number = series.issues.get().number
    response = editor_client.post(
        reverse("admin:briefs_series_change", args=[series.pk]),
        _series_change_post(series, [kept, later], delete=[kept]),
    )
    assert response.status_code == 200
    errors = " ".join(_errors_of(response))
    assert f"cannot be deleted: the imprint of published No. {number} lists this term" in errors
    assert "set “in office until” to their last day instead" in errors
    assert EditorialMembership.objects.filter(pk=kept.pk).exists()


def test_a_term_no_published_issue_shows_can_be_deleted(editor_client):
    series, kept, later = _series_with_issue_and_team()
    response = editor_client.post(
        reverse("admin:briefs_series_change", args=[series.pk]),
        _series_change_post(series, [kept, later], delete=[later]),
    )
    assert response.status_code == 302
    assert not EditorialMembership.objects.filter(pk=later.pk).exists()


def test_the_delete_page_and_the_bulk_action_refuse_a_printed_term(editor_client):
    series, kept, later = _series_with_issue_and_team()
    page = editor_client.get(reverse("admin:briefs_editorialmembership_delete", args=[kept.pk])).content.decode()
    assert "the imprint of published No." in page
    editor_client.post(reverse("admin:briefs_editorialmembership_delete", args=[kept.pk]), {"post": "yes"})
    editor_client.post(
        reverse("admin:briefs_editorialmembership_changelist"),
        {"action": "delete_selected", "_selected_action": [kept.pk, later.pk], "post": "yes"},
    )
    assert EditorialMembership.objects.filter(pk=kept.pk).exists()


def test_the_published_issue_keeps_showing_its_team_after_the_member_left(client):
    series, kept, later = _series_with_issue_and_team()
    issue = series.issues.get()
    kept.end_date = datetime.date(2019, 3, 31)
    kept.save()
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "Schulz" in html and "Newer" not in html
