"""The issue form follows the task: its parts in the order of the work, roles by the kind, nothing that does not apply."""

import pytest
from django.urls import reverse

from briefs.footnotes import MARKER_HELP
from briefs.models import Issue
from editorial.forms import initials
from people.models import Person
from tests.conftest import make_interview, make_issue, make_series

pytestmark = pytest.mark.django_db
ADD_ISSUE = reverse("admin:briefs_issue_add")


def _page(client, issue=None, query=""):
    url = reverse("admin:briefs_issue_change", args=[issue.pk]) if issue else ADD_ISSUE + query
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _position(html, marker):
    where = html.find(marker)
    assert where >= 0, marker
    return where


def test_who_comes_right_after_the_title_and_the_questions_right_after_the_introduction(editor_client):
    html = _page(editor_client, make_interview(status=Issue.Status.DRAFT, public_from=None))
    order = [
        _position(html, 'name="title"'),
        _position(html, 'id="contributions-group"'),
        _position(html, 'name="introduction"'),
        _position(html, 'id="questions-group"'),
        _position(html, 'id="footnotes-group"'),
        _position(html, 'name="topics"'),
    ]
    assert order == sorted(order)


def test_the_footnote_help_is_said_once(editor_client):
    html = _page(editor_client, make_interview(questions=3, footnotes=2, status=Issue.Status.DRAFT, public_from=None))
    assert html.count("click the toolbar's footnote button") == 1
    assert html.count(MARKER_HELP[:60]) == 1


def test_each_inlines_explanation_is_said_once_not_under_every_row(editor_client):
    html = _page(editor_client, make_interview(questions=3, footnotes=3, status=Issue.Status.DRAFT, public_from=None))
    assert html.count("the site numbers the questions in this order") == 1
    assert html.count("Without its number: the site numbers questions") == 0
    assert html.count("It is not printed: the site numbers the notes") == 1
    assert html.count("Authors and interviewers are credited on the cover") == 1


def test_an_interview_has_no_body_field_shown_and_an_article_no_questions(editor_client):
    interview = _page(editor_client, make_interview(status=Issue.Status.DRAFT, public_from=None))
    assert 'class="module aligned issue-body then-footnotes hidden"' in interview
    assert 'class="module sortable-inline compact-inline interview-only"' in interview
    article = _page(editor_client, make_issue(status=Issue.Status.DRAFT, public_from=None))
    assert 'class="module aligned issue-body then-footnotes"' in article
    assert 'class="module sortable-inline compact-inline interview-only hidden"' in article


def test_an_interview_that_has_a_body_still_shows_it(editor_client):
    html = _page(editor_client, make_interview(body="<p>After the questions.</p>", status=Issue.Status.DRAFT))
    assert 'class="module aligned issue-body then-footnotes"' in html
    assert "After the questions." in html


def test_a_draft_shows_no_block_of_dashes_but_links_its_draft_pdf(editor_client):
    html = _page(editor_client, make_interview(status=Issue.Status.DRAFT, public_from=None))
    assert ">Publication</h2>" not in html and "Published at:" not in html
    assert "Download a preview marked DRAFT" in html


def test_a_published_issue_shows_its_publication(editor_client):
    html = _page(editor_client, make_interview())
    assert ">Publication</h2>" in html and "Published by:" in html


def test_a_new_interview_starts_with_an_interviewer_and_an_interviewee_row_and_two_questions(editor_client):
    series = make_series()
    make_interview(series)  # the series' usual kind: interviews
    html = _page(editor_client)
    assert 'name="contributions-TOTAL_FORMS" value="2"' in html
    assert 'name="questions-TOTAL_FORMS" value="2"' in html
    first = html[html.index('name="contributions-0-role"') :]
    assert '<option value="interviewer" selected>' in first[: first.index("</select>")]
    second = html[html.index('name="contributions-1-role"') :]
    assert '<option value="interviewee" selected>' in second[: second.index("</select>")]


def test_a_new_article_starts_with_one_author_row_and_no_question(editor_client):
    make_series()
    html = _page(editor_client, query="?kind=opinion")
    assert 'name="contributions-TOTAL_FORMS" value="1"' in html
    assert 'name="questions-TOTAL_FORMS" value="0"' in html
    first = html[html.index('name="contributions-0-role"') :]
    assert '<option value="author" selected>' in first[: first.index("</select>")]


def test_a_row_added_to_an_interview_with_its_interviewer_is_an_interviewee(editor_client):
    issue = make_interview(authors=1, status=Issue.Status.DRAFT, public_from=None)
    from django.contrib.admin.sites import site

    from editorial.admin import ContributionInline, IssueAdmin

    request = editor_client.get(reverse("admin:briefs_issue_change", args=[issue.pk])).wsgi_request
    admin = IssueAdmin(Issue, site)
    formset_class, _inline = next(
        (f, i) for f, i in admin.get_formsets_with_inlines(request, issue) if isinstance(i, ContributionInline)
    )
    formset = formset_class(instance=issue)
    extra = formset.get_form_kwargs(formset.initial_form_count())
    assert extra["initial"]["role"] == "interviewee"


def test_spare_rows_with_only_their_preset_role_are_left_unsaved(editor_client):
    series = make_series()
    response = editor_client.post(
        ADD_ISSUE,
        {
            "series": str(series.pk),
            "number": "7",
            "title": "An interview still without anyone",
            "slug": "an-interview",
            "kind": "interview",
            "publication_date": "2026-12-01",
            "introduction": "<p>Intro.</p>",
            "body": "",
            "contributions-TOTAL_FORMS": "2",
            "contributions-INITIAL_FORMS": "0",
            "contributions-0-role": "interviewer",
            "contributions-0-sort_order": "1",
            "contributions-1-role": "interviewee",
            "contributions-1-sort_order": "2",
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "footnotes-TOTAL_FORMS": "0",
            "footnotes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Issue.objects.get().contributions.count() == 0


@pytest.mark.parametrize(
    "given, family, label",
    [
        ("Erkin", "Baydarov", "EB"),
        ("Ludwig", "van Beethoven", "LB"),
        ("Anne-Marie", "Dupont", "AMD"),
        ("Ólafur", "Ásgeirsson", "ÓÁ"),
        ("Алина", "Муратбекова", "АМ"),
        ("毛", "泽东", "毛泽"),
        ("J. R.", "(Interviewee)", "JRI"),
        ("e.", "cummings", "EC"),
    ],
)
def test_initials_from_names_as_authors_write_them(given, family, label):
    assert initials(Person(given_name=given, family_name=family)) == label
