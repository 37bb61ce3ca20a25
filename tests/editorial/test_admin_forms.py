"""The issue and series admin: what an editor sees when input is wrong.

Each test posts the real admin page as the browser would, then checks the message
names the problem, the page keeps what was typed, and nothing was saved.
"""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from briefs.models import Footnote, Issue, Question, Series
from people.models import Person
from tests.conftest import make_interview, make_person, make_programme, make_series

pytestmark = pytest.mark.django_db
ADD_ISSUE = reverse("admin:briefs_issue_add")


def _rows(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for field in fields:
            data[f"{prefix}-{i}-{field}"] = row.get(field, "")
    return data


def issue_post(series, *, contributions=(), questions=(), footnotes=(), **fields):
    data = {
        "series": str(series.pk),
        "number": "6",
        "title": "Recent changes: Interview with Erkin Baydarov",
        "slug": "recent-changes",
        "kind": "interview",
        "publication_date": "2019-02-01",
        "introduction": "<p>Introduction.</p>",
        "body": "",
    } | fields
    data |= _rows(
        "contributions", list(contributions), ["sort_order", "person", "role", "speaker_label", "printed_biography"]
    )
    data |= _rows("questions", list(questions), ["sort_order", "question", "answer", "speaker"])
    data |= _rows("footnotes", list(footnotes), ["label", "text"])
    return data


@pytest.fixture
def people():
    return {
        "author": make_person(given_name="Albina", family_name="Muratbekova", biography="<p>Fellow 2017-2019.</p>"),
        "guest": make_person(given_name="Erkin", family_name="Baydarov"),
    }


def interview_rows(people):
    return [
        {"person": str(people["author"].pk), "role": "interviewer"},
        {"person": str(people["guest"].pk), "role": "interviewee", "speaker_label": "EB"},
    ]


def test_an_editor_can_create_a_complete_interview_with_a_footnote_as_a_draft(editor_client, people):
    series = make_series()
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            status="published",  # not a field of the form: ignored
            contributions=interview_rows(people),
            questions=[{"question": "<p>What changed?</p>", "answer": "<p>Trade grew[^trade].</p>"}],
            footnotes=[{"label": "trade", "text": "<p>See https://example.org/trade.</p>"}],
        ),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response
    issue = Issue.objects.get(series=series, number=6)
    assert issue.status == "draft" and issue.published_at is None and issue.public_from is None
    assert issue.questions.get().sort_order == 1
    assert issue.footnotes.get().label == "trade"
    author = issue.contributions.get(role="interviewer")
    assert author.printed_biography == "<p>Fellow 2017-2019.</p>"


def test_a_marker_with_no_note_is_named_and_nothing_typed_is_lost(editor_client, people):
    series = make_series()
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            contributions=interview_rows(people),
            questions=[{"question": "<p>Q one?</p>", "answer": "<p>Answer with a typo[^tarde].</p>"}],
            footnotes=[{"label": "trade", "text": "<p>Trade note.</p>"}],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The answer to question 1 cites [^tarde], but no footnote has the label “tarde”" in html
    assert "Answer with a typo[^tarde]." in html and "Trade note." in html
    assert "Recent changes: Interview with Erkin Baydarov" in html
    assert not Issue.objects.exists() and not Question.objects.exists()


def test_a_marker_with_no_note_also_marks_the_field_that_holds_it(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            make_series(),
            introduction="<p>Context[^ctx].</p>",
            contributions=interview_rows(people),
            questions=[{"question": "<p>Q one?</p>", "answer": "<p>Answer with a typo[^tarde].</p>"}],
        ),
    )
    assert "cites [^tarde]" in " ".join(
        response.context["inline_admin_formsets"][1].formset.forms[0].errors.get("answer", [])
    )
    assert "cites [^ctx]" in " ".join(response.context["adminform"].form.errors.get("introduction", []))


def test_a_marker_in_the_introduction_with_no_note_is_named(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE, issue_post(make_series(), introduction="<p>Context[^ctx].</p>", contributions=interview_rows(people))
    )
    assert "The introduction cites [^ctx]" in response.content.decode()
    assert not Issue.objects.exists()


def test_a_note_that_no_text_cites_is_flagged_on_that_note(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            make_series(),
            contributions=interview_rows(people),
            questions=[{"question": "<p>Q?</p>", "answer": "<p>No marker here.</p>"}],
            footnotes=[{"label": "orphan", "text": "<p>Unused note text.</p>"}],
        ),
    )
    html = response.content.decode()
    assert "No text cites this footnote. Type [^orphan] where it belongs" in html
    assert "Unused note text." in html
    assert not Issue.objects.exists() and not Footnote.objects.exists()


def field_errors(response):
    """``{field: [messages]}`` of the issue form and ``{"footnotes-1-label": [...]}`` for inline rows."""
    errors = {name: list(messages) for name, messages in response.context["adminform"].form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            for name, messages in form.errors.items():
                errors[form.add_prefix(name)] = list(messages)
        if inline.formset.non_form_errors():
            errors[f"{inline.formset.prefix}-*"] = list(inline.formset.non_form_errors())
    return errors


def test_a_duplicate_issue_number_is_marked_on_the_number_field_naming_the_issue_and_the_next_free_number(
    editor_client, people
):
    series = make_series(name="EUCACIS in Brief")
    make_interview(series, number=6, title="Recent changes")
    make_interview(series, number=7)
    response = editor_client.post(ADD_ISSUE, issue_post(series, contributions=interview_rows(people)))
    errors = field_errors(response)
    assert errors == {
        "number": [
            "No. 6 already exists in EUCACIS in Brief (“Recent changes”). Each number is used once per series; "
            "the next free number is 8."
        ]
    }
    assert re.search(r'class="flex-container fieldBox field-number errors[ "]', response.content.decode())
    assert Issue.objects.filter(series=series).count() == 2


def test_a_duplicate_footnote_label_is_named_on_the_row_that_repeats_it(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            make_series(),
            contributions=interview_rows(people),
            questions=[{"question": "<p>Q?</p>", "answer": "<p>A[^1] b[^2].</p>"}],
            footnotes=[
                {"label": "1", "text": "<p>One.</p>"},
                {"label": "2", "text": "<p>Two.</p>"},
                {"label": " 1 ", "text": "<p>Also one.</p>"},
            ],
        ),
    )
    html = response.content.decode()
    assert field_errors(response) == {
        "footnotes-2-label": [
            "Another footnote already has the label “1”; each footnote needs its own. Give this one another label "
            "(and its marker too), or delete one of the two."
        ]
    }
    assert "Please correct the duplicate" not in html
    assert not Issue.objects.exists()


def test_an_interview_credits_an_interviewer_not_an_author_and_says_so_on_the_role(editor_client, people):
    rows = interview_rows(people)
    rows[0]["role"] = "author"
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), contributions=rows))
    assert field_errors(response) == {
        "contributions-0-role": [
            "An interview credits the person who asks the questions as Interviewer, not Author. Set this role "
            "to “Interviewer”, or the kind of piece to another kind."
        ]
    }
    assert not Issue.objects.exists()


def test_an_interviewer_outside_an_interview_is_marked_on_its_role(editor_client, people):
    rows = [{"person": str(people["author"].pk), "role": "interviewer"}]
    response = editor_client.post(
        ADD_ISSUE, issue_post(make_series(), kind="opinion", body="<p>B</p>", contributions=rows)
    )
    assert field_errors(response) == {
        "contributions-0-role": [
            "Only an interview has an interviewer. Set the kind of piece to “Interview”, or this role to “Author”."
        ]
    }


def test_the_role_choices_say_which_role_an_interview_wants(editor_client):
    html = editor_client.get(ADD_ISSUE).content.decode()
    assert "Interviewer (asks the questions)" in html
    assert "Author (of an opinion piece)" in html
    assert "An interview has an Interviewer and an Interviewee" in html


def test_two_interviewees_with_the_same_speaker_label_are_marked_on_the_second(editor_client, people):
    second = make_person(given_name="Second", family_name="Guest")
    rows = interview_rows(people) + [{"person": str(second.pk), "role": "interviewee", "speaker_label": "eb"}]
    questions = [{"question": "<p>Q?</p>", "answer": "<p>A</p>", "speaker": str(second.pk)}]
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), contributions=rows, questions=questions))
    assert field_errors(response) == {
        "contributions-2-speaker_label": [
            "Erkin Baydarov already has the speaker label “EB”; give each interviewee their own initials."
        ]
    }


def test_one_save_reports_every_problem_of_the_form_each_on_its_field(editor_client, people):
    series = make_series(name="EUCACIS in Brief")
    make_interview(series, number=6)
    second = make_person(given_name="Second", family_name="Guest")
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            introduction="<p>Intro [^bad label].</p>",
            contributions=[
                {"person": str(people["author"].pk), "role": "author"},
                {"person": str(people["guest"].pk), "role": "interviewee", "speaker_label": "SG"},
                {"person": str(second.pk), "role": "interviewee", "speaker_label": "SG"},
            ],
            questions=[{"question": "<p>Q [^?</p>", "answer": "<p>A[^1].</p>", "speaker": str(second.pk)}],
            footnotes=[{"label": "1", "text": "<p>One.</p>"}, {"label": "1", "text": "<p>Again.</p>"}],
        ),
    )
    errors = field_errors(response)
    assert set(errors) == {
        "number",
        "introduction",
        "contributions-0-role",
        "contributions-2-speaker_label",
        "questions-0-question",
        "footnotes-1-label",
    }, errors
    assert Issue.objects.count() == 1


def test_the_same_number_in_another_series_is_fine(editor_client, people):
    make_interview(make_series(), number=6)
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), contributions=interview_rows(people)))
    assert response.status_code == 302


def test_an_interviewee_left_without_a_speaker_label_gets_the_initials_of_their_name(editor_client, people):
    rows = interview_rows(people)
    rows[1]["speaker_label"] = ""
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), contributions=rows))
    assert response.status_code == 302
    assert Issue.objects.get().contributions.get(role="interviewee").speaker_label == "EB"


def test_a_speaker_label_typed_by_the_editor_is_kept(editor_client, people):
    rows = interview_rows(people)
    rows[1]["speaker_label"] = "E.B."
    assert editor_client.post(ADD_ISSUE, issue_post(make_series(), contributions=rows)).status_code == 302
    assert Issue.objects.get().contributions.get(role="interviewee").speaker_label == "E.B."


def test_questions_belong_only_to_interviews(editor_client, people):
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            make_series(),
            kind="opinion",
            body="<p>Body</p>",
            contributions=[{"person": str(people["author"].pk), "role": "author"}],
            questions=[{"question": "<p>Q?</p>", "answer": "<p>A</p>"}],
        ),
    )
    assert field_errors(response) == {
        "questions-0-question": [
            "Only an interview has questions. Set the kind of piece to “Interview”, or delete this question."
        ]
    }


def test_an_issue_in_review_must_stay_complete_and_the_form_says_so_keeping_what_was_typed(editor_client, people):
    issue = make_interview(status=Issue.Status.IN_REVIEW)
    change = reverse("admin:briefs_issue_change", args=[issue.pk])
    response = editor_client.post(
        change,
        issue_post(
            issue.series,
            number=str(issue.number),
            introduction="<p>A new introduction typed.</p>",
            contributions=[{"person": str(people["author"].pk), "role": "interviewer"}],
            questions=[{"question": "<p>Q?</p>", "answer": "<p>A</p>"}],
        ),
    )
    html = response.content.decode()
    assert "This issue is in review, so it must stay complete: an interview needs an interviewee." in html
    assert "A new introduction typed." in html
    assert Issue.objects.get(pk=issue.pk).introduction == ""  # nothing saved
    assert Issue.objects.get(pk=issue.pk).contributions.filter(role="interviewee").exists()


def test_a_draft_saves_unfinished(editor_client, people):
    author = [{"person": str(people["author"].pk), "role": "author"}]
    response = editor_client.post(ADD_ISSUE, issue_post(make_series(), kind="opinion", contributions=author))
    assert response.status_code == 302 and Issue.objects.get().status == "draft"


def test_with_two_interviewees_each_answer_names_its_speaker(editor_client, people):
    second = make_person(given_name="Second", family_name="Guest")
    rows = interview_rows(people) + [{"person": str(second.pk), "role": "interviewee", "speaker_label": "SG"}]
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(make_series(), contributions=rows, questions=[{"question": "<p>Q?</p>", "answer": "<p>A</p>"}]),
    )
    assert "choose who answers question 1" in response.content.decode()


def test_questions_are_saved_in_the_order_given_and_renumbered(editor_client, people):
    series = make_series()
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            contributions=interview_rows(people),
            questions=[
                {"sort_order": "20", "question": "<p>Second?</p>", "answer": "<p>b</p>"},
                {"sort_order": "10", "question": "<p>First?</p>", "answer": "<p>a</p>"},
                {"sort_order": "", "question": "<p>Third?</p>", "answer": "<p>c</p>"},
            ],
        ),
    )
    assert response.status_code == 302
    issue = Issue.objects.get(series=series)
    assert [(q.sort_order, q.question) for q in issue.questions.all()] == [
        (1, "<p>First?</p>"),
        (2, "<p>Second?</p>"),
        (3, "<p>Third?</p>"),
    ]


def test_rich_text_is_sanitised_when_the_admin_saves_it(editor_client, people):
    series = make_series()
    editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            introduction='<p>Intro<script>alert(1)</script><img src=x onerror="alert(1)"></p>',
            contributions=interview_rows(people),
        ),
    )
    assert Issue.objects.get(series=series).introduction == "<p>Intro</p>"


def series_post(**fields):
    data = {
        "programme": str(make_programme().pk),
        "name": "EUCACIS in Brief",
        "slug": "eucacis-in-brief",
        "introduction": "",
        "issn": "2627-7190",
        "place_of_publication": "Berlin",
        "website": "https://www.eucacis.eu/",
        "email": "info@eucacis.eu",
        "hashtag": "#EUCACIS",
    } | fields
    data |= _rows("about_sections", [], ["sort_order", "title", "body"])
    data |= _rows("editorial_memberships", [], ["role", "person", "position", "start_date", "end_date", "sort_order"])
    return data


def test_an_invalid_issn_is_refused_in_the_series_form(editor_client):
    response = editor_client.post(reverse("admin:briefs_series_add"), series_post(issn="2627-7191"))
    html = response.content.decode()
    assert "“2627-7191” is not a valid ISSN: its check digit should be 0, not 1" in html
    assert 'value="EUCACIS in Brief"' in html and 'value="info@eucacis.eu"' in html
    assert not Series.objects.exists()


def test_a_valid_series_with_about_sections_saves(editor_client):
    data = series_post()
    data |= _rows(
        "about_sections",
        [{"title": "About EUCACIS", "body": "<p>Programme.</p>"}, {"title": "About the Series", "body": "<p>S</p>"}],
        ["sort_order", "title", "body"],
    )
    response = editor_client.post(reverse("admin:briefs_series_add"), data)
    assert response.status_code == 302
    series = Series.objects.get()
    assert [s.title for s in series.about_sections.all()] == ["About EUCACIS", "About the Series"]


def person_post(photo=None, **fields):
    data = {"honorific": "Dr", "given_name": "Erkin", "family_name": "Baydarov", "slug": "erkin-baydarov"}
    data |= _rows("editorial_memberships", [], ["series", "role", "position", "start_date", "end_date", "sort_order"])
    data |= _rows("fellowships", [], ["programme", "start_year", "end_year"])
    data |= fields
    if photo is not None:
        data["photo"] = photo
    return data


def _png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "portrait.png"
    return buffer


def test_a_photo_that_is_not_an_image_is_refused(editor_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    fake = io.BytesIO(b"%PDF-1.4 not an image")
    fake.name = "portrait.jpg"
    response = editor_client.post(reverse("admin:people_person_add"), person_post(photo=fake))
    assert "Upload a valid image" in response.content.decode()
    assert not Person.objects.exists()


def test_a_photo_over_the_size_limit_is_refused_with_the_limit_named(editor_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.PERSON_PHOTO_MAX_BYTES = 50
    response = editor_client.post(reverse("admin:people_person_add"), person_post(photo=_png((64, 64))))
    html = response.content.decode()
    assert "photos may be at most 50" in html
    assert not Person.objects.exists()


def test_a_good_photo_is_stored_with_its_dimensions(editor_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    response = editor_client.post(reverse("admin:people_person_add"), person_post(photo=_png((30, 40))))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.photo_width, person.photo_height) == (30, 40)


def test_admin_search_finds_issues_and_people_by_name(editor_client, demo_issue):
    issues = editor_client.get(reverse("admin:briefs_issue_changelist"), {"q": "Muratbekova"}).content.decode()
    assert demo_issue.title in issues and "1 issue" in issues
    none = editor_client.get(reverse("admin:briefs_issue_changelist"), {"q": "Nobody-by-this-name"}).content.decode()
    assert demo_issue.title not in none and "0 issues" in none
    people = editor_client.get(reverse("admin:people_person_changelist"), {"q": "Baydarov"}).content.decode()
    assert "Dr Erkin Baydarov" in people and "Muratbekova" not in people
    series = editor_client.get(reverse("admin:briefs_series_changelist")).content.decode()
    assert "EUCACIS in Brief" in series and "2627-7190" in series


def test_the_issue_page_has_the_prose_editor_marker_help_and_view_on_site(editor_client, demo_issue):
    html = editor_client.get(reverse("admin:briefs_issue_change", args=[demo_issue.pk])).content.decode()
    # introduction and body, 4 questions and 4 answers, 4 notes, 2 printed biographies,
    # and the hidden templates for a new contributor (1), question (2) and note (1)
    assert html.count("data-django-prose-editor-configurable") == 2 + 8 + 4 + 2 + 4
    assert "click the toolbar's footnote button" in html
    view_on_site = re.search(r'<a href="([^"]+)" class="viewsitelink">View on site</a>', html).group(1)
    response = editor_client.get(view_on_site)
    assert response.status_code == 302 and response["Location"].endswith(demo_issue.get_absolute_url())


def _initial(response, field):
    return response.context["adminform"].form[field].value()


def test_a_new_issue_starts_in_the_only_series_with_its_next_number_and_the_kind_it_publishes_most(editor_client):
    series = make_series()
    make_interview(series, number=5)
    make_interview(series, number=6)
    Issue.objects.create(
        series=series, number=2, title="Opinion", slug="opinion", kind="opinion", publication_date="2018-01-01"
    )
    response = editor_client.get(ADD_ISSUE)
    assert _initial(response, "series") == series.pk
    assert _initial(response, "number") == 7
    assert _initial(response, "kind") == "interview"


def test_with_several_series_a_new_issue_starts_in_the_one_named_in_the_address(editor_client):
    first, second = make_series(), make_series()
    make_interview(first, number=3)
    response = editor_client.get(ADD_ISSUE)
    assert _initial(response, "series") is None and _initial(response, "number") is None
    response = editor_client.get(f"{ADD_ISSUE}?series={second.pk}")
    assert _initial(response, "series") == second.pk and _initial(response, "number") == 1
    response = editor_client.get(f"{ADD_ISSUE}?series={first.pk}")
    assert _initial(response, "number") == 4 and _initial(response, "kind") == "interview"


def test_a_new_row_with_only_its_order_filled_in_is_left_out_not_an_error(editor_client, people):
    series = make_series()
    response = editor_client.post(
        ADD_ISSUE,
        issue_post(
            series,
            contributions=interview_rows(people) + [{"sort_order": "3", "role": "author"}],  # the role select's default
            questions=[{"sort_order": "1", "question": "<p>Q?</p>", "answer": "<p>A</p>"}, {"sort_order": "2"}],
        ),
    )
    assert response.status_code == 302, field_errors(response)
    issue = Issue.objects.get(series=series)
    assert issue.contributions.count() == 2 and issue.questions.count() == 1
