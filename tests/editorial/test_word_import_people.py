"""Word import: who wrote it, who answers, and whether it was imported before.

Each byline form is tested on a real .docx written by pandoc, with names that are
not all “Given Family”: particles, hyphens, non-Latin letters, initials.
"""

import io
import shutil

import pytest

from briefs.models import Issue
from editorial.word_import import NamedPerson, assign_speakers, match_people, read_docx, recognise
from people.models import Person
from tests.conftest import make_person, make_series
from tests.editorial.test_word_import import UPLOAD, _para, _run, pandoc_docx, word_docx

pytestmark = pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed (apt-get install pandoc)")


def interview_md(title, byline, labels=("EB", "EB")):
    """An interview as an author types it: title, byline, introduction, two numbered questions with labelled answers."""
    first, second = labels
    lines = [
        f"# {title}",
        "",
        byline,
        "",
        "Water is scarce.",
        "",
        "1\\. Why now?",
        "",
        f"{first}: Because of 2018.",
        "",
    ]
    return "\n".join([*lines, "2\\. What next?", "", f"{second}: A commission.", ""])


def found_in(markdown, tmp_path):
    return recognise(read_docx(pandoc_docx(markdown, tmp_path)))


def _names(people):
    return [(p.honorific, p.given_name, p.family_name) for p in people]


# -- bylines -------------------------------------------------------------------------------


def test_interview_by_x_alone_takes_the_interviewee_from_the_title(tmp_path):
    found = found_in(
        interview_md("Water and borders: Interview with Erkin Baydarov", "Interview by Albina Muratbekova"), tmp_path
    )
    assert found.kind == "interview" and found.title == "Water and borders: Interview with Erkin Baydarov"
    assert _names(found.authors) == [("", "Albina", "Muratbekova")]
    assert _names(found.interviewees) == [("", "Erkin", "Baydarov")]
    assert found.answer_labels == ["EB", "EB"] and not any("no byline" in p for p in found.problems)


def test_interview_with_y_in_the_title_in_another_script_with_an_interviewer_by_initials(tmp_path):
    found = found_in(
        interview_md("Вода и границы: Interview with Айгуль Нурланова", "Interview by J. R. Sultanov", ("АН", "АН")),
        tmp_path,
    )
    assert _names(found.authors) == [("", "J. R.", "Sultanov")]
    assert _names(found.interviewees) == [("", "Айгуль", "Нурланова")]
    assert found.answer_labels == ["АН", "АН"] and found.questions[0][1] == "<p>Because of 2018.</p>"


def test_x_in_conversation_with_y_with_hyphens_and_particles(tmp_path):
    found = found_in(
        interview_md("Trade", "Anna-Lena Müller-Lüdenscheidt in conversation with Pieter van der Berg", ("PB", "PB")),
        tmp_path,
    )
    assert found.kind == "interview"
    assert _names(found.authors) == [("", "Anna-Lena", "Müller-Lüdenscheidt")]
    assert _names(found.interviewees) == [("", "Pieter", "van der Berg")]


def test_by_x_and_y_with_joined_particles_and_letters_beyond_latin(tmp_path):
    found = found_in("# Borders and trade\n\nBy Ahmad al-Farabi and Ərəstun Məmmədli\n\nTrade grew.\n", tmp_path)
    assert found.kind == "article"
    assert _names(found.authors) == [("", "Ahmad", "al-Farabi"), ("", "Ərəstun", "Məmmədli")]


@pytest.mark.parametrize(
    "byline",
    [
        "*Interview by Dr Jean d'Alembert with A. B. Sultanova*",
        "_Interview by Dr Jean d'Alembert_ with A. B. Sultanova",
    ],
    ids=["all-italic", "partly-italic"],
)
def test_a_byline_in_italics(tmp_path, byline):
    found = found_in(interview_md("Trade", byline, ("AS", "AS")), tmp_path)
    assert _names(found.authors) == [("Dr", "Jean", "d’Alembert")]
    assert _names(found.interviewees) == [("", "A. B.", "Sultanova")]


def test_a_byline_in_word_italics_with_no_interviewee_anywhere_names_the_interviewer():
    data = word_docx(
        [
            _para(_run("Trade"), style="Title"),
            '<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Interview by Saule Omarova</w:t></w:r></w:p>',
            _para(_run("1. Why?")),
            _para(_run("EB: Because.")),
        ]
    )
    found = recognise(read_docx(data))
    assert found.kind == "interview" and _names(found.authors) == [("", "Saule", "Omarova")]
    assert found.interviewees == [] and found.answer_labels == ["EB"]


def test_particles_belong_to_the_family_name():
    assert (NamedPerson("Maria de la Cruz").given_name, NamedPerson("Maria de la Cruz").family_name) == (
        "Maria",
        "de la Cruz",
    )
    assert NamedPerson("Van Morrison").family_name == "Morrison"  # a given name that is a particle stays given


# -- speakers ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_labels_go_to_the_interviewees_whose_initials_they_are_and_a_left_over_one_is_asked_about(tmp_path):
    found = found_in(
        interview_md("Trade", "Interview by Saule Omarova with Erkin Baydarov and Dina Sarsen", ("DS", "EB")), tmp_path
    )
    choices = match_people(found, Person.objects.all())
    assert assign_speakers(found, choices) == []
    assert [(c.name, c.speaker_label) for c in choices if c.role == "interviewee"] == [
        ("Erkin Baydarov", "EB"),
        ("Dina Sarsen", "DS"),
    ]
    found = found_in(interview_md("Trade", "Interview by Saule Omarova with Erkin Baydarov", ("DS", "EB")), tmp_path)
    choices = match_people(found, Person.objects.all())
    assert assign_speakers(found, choices) == ["DS"]


def _upload(client, data, series, name="issue.docx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(UPLOAD, {"series": series.pk, "file": upload})


@pytest.mark.django_db
def test_the_reported_file_gets_its_interviewer_and_interviewee_and_keeps_eb(editor_client, tmp_path):
    """“Interview by Albina Muratbekova” alone, “…: Interview with Erkin Baydarov” in the title, “EB:” answers."""
    series = make_series()
    data = pandoc_docx(
        interview_md("Water and borders: Interview with Erkin Baydarov", "Interview by Albina Muratbekova"), tmp_path
    )
    preview = _upload(editor_client, data, series)["Location"]
    page = editor_client.get(preview).content.decode()
    assert "Who answers as" not in page
    editor_client.post(preview, {"number": "7", "publication_date": "2026-12-04"})
    issue = Issue.objects.get(series=series, number=7)
    assert [(c.role, c.person.family_name, c.speaker_label) for c in issue.contributions.all()] == [
        ("interviewer", "Muratbekova", ""),
        ("interviewee", "Baydarov", "EB"),
    ]


@pytest.mark.django_db
def test_a_label_no_interviewee_has_is_asked_about_and_kept_with_the_person_chosen(editor_client, tmp_path):
    series, erkin = make_series(), make_person(given_name="Erkin", family_name="Baydarov")
    data = pandoc_docx(interview_md("Water and borders", "By Albina Muratbekova"), tmp_path)
    preview = _upload(editor_client, data, series)["Location"]
    page = editor_client.get(preview).content.decode()
    assert "Who answers as “EB:”?" in page and 'name="speaker_0_person"' in page

    refused = editor_client.post(preview, {"number": "7", "publication_date": "2026-12-04"})
    assert "Say who answers as “EB:”" in refused.content.decode() and not Issue.objects.exists()
    both = editor_client.post(
        preview,
        {"number": "7", "publication_date": "2026-12-04", "speaker_0_person": erkin.pk, "speaker_0_given_name": "E"},
    )
    assert "not both" in both.content.decode() and not Issue.objects.exists()

    control = editor_client.post(
        preview,
        {
            "number": "7",
            "publication_date": "2026-12-04",
            "speaker_0_given_name": "Er\x07kin",
            "speaker_0_family_name": "B",
        },
    )
    assert "invisible control character (U+0007)" in control.content.decode() and not Issue.objects.exists()

    editor_client.post(preview, {"number": "7", "publication_date": "2026-12-04", "speaker_0_person": erkin.pk})
    issue = Issue.objects.get(series=series, number=7)
    assert [(c.role, c.person_id, c.speaker_label) for c in issue.contributions.filter(role="interviewee")] == [
        ("interviewee", erkin.pk, "EB")
    ]


@pytest.mark.django_db
def test_a_label_can_name_a_new_person_typed_in_the_preview(editor_client, tmp_path):
    series = make_series()
    data = pandoc_docx(interview_md("Water and borders", "By Albina Muratbekova", ("EB", "EB")), tmp_path)
    preview = _upload(editor_client, data, series)["Location"]
    editor_client.post(
        preview,
        {
            "number": "7",
            "publication_date": "2026-12-04",
            "speaker_0_given_name": "Erkin",
            "speaker_0_family_name": "van Baydarov",
        },
    )
    contribution = Issue.objects.get(number=7).contributions.get(role="interviewee")
    assert (contribution.person.given_name, contribution.person.family_name, contribution.speaker_label) == (
        "Erkin",
        "van Baydarov",
        "EB",
    )


@pytest.mark.django_db
def test_with_two_interviewees_each_answer_keeps_its_speaker(editor_client, tmp_path):
    series = make_series()
    data = pandoc_docx(
        interview_md("Trade", "Interview by Saule Omarova with Erkin Baydarov and Dina Sarsen", ("DS", "EB")), tmp_path
    )
    editor_client.post(
        _upload(editor_client, data, series)["Location"], {"number": "7", "publication_date": "2026-12-04"}
    )
    issue = Issue.objects.get(number=7)
    assert [q.speaker.family_name for q in issue.questions.all()] == ["Sarsen", "Baydarov"]
    assert sorted(issue.contributions.filter(role="interviewee").values_list("speaker_label", flat=True)) == [
        "DS",
        "EB",
    ]


# -- imported before ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_file_imported_again_is_named_with_a_link_and_can_still_be_imported(editor_client, tmp_path):
    series = make_series()
    data = pandoc_docx(interview_md("Water and borders: Interview with Erkin Baydarov", "Interview by A B"), tmp_path)
    first = _upload(editor_client, data, series)["Location"]
    assert "Imported before?" not in editor_client.get(first).content.decode()
    editor_client.post(first, {"number": "7", "publication_date": "2026-12-04"})
    issue = Issue.objects.get(number=7)

    again = _upload(editor_client, data, series, name="renamed.docx")["Location"]
    page = editor_client.get(again).content.decode()
    assert "This same file was imported on" in page and f'href="/admin/briefs/issue/{issue.pk}/change/"' in page
    assert "An issue with the same title exists" not in page  # named once, as the same file
    editor_client.post(again, {"number": "8", "publication_date": "2026-12-04"})
    assert Issue.objects.filter(series=series).count() == 2  # a warning, not a refusal


@pytest.mark.django_db
def test_another_file_with_the_title_of_an_issue_is_named_with_a_link(editor_client, tmp_path):
    from tests.conftest import make_issue

    series = make_series()
    existing = make_issue(series, number=6, title="Water and borders: interview with Erkin Baydarov")
    data = pandoc_docx(interview_md("Water and Borders: Interview with Erkin Baydarov", "Interview by A B"), tmp_path)
    page = editor_client.get(_upload(editor_client, data, series)["Location"]).content.decode()
    assert "An issue with the same title exists" in page and f'href="/admin/briefs/issue/{existing.pk}/change/"' in page
    assert "This same file was imported" not in page


@pytest.mark.django_db
def test_a_plan_made_before_labels_were_assigned_still_gives_the_one_interviewee_the_label(tmp_path):
    """A preview stored by the previous version (its choices carry no label) is confirmed after the update."""
    from editorial.word_import import create_draft

    found = found_in(interview_md("Trade", "Interview by Saule Omarova with Erkin Baydarov"), tmp_path)
    choices = match_people(found, Person.objects.all())  # no assign_speakers, as before
    issue = create_draft(found, choices, series=make_series(), number=1, publication_date="2026-12-04")
    assert issue.contributions.get(role="interviewee").speaker_label == "EB"


@pytest.mark.django_db
def test_a_deleted_draft_is_no_longer_named_and_its_delete_page_works(editor_client, tmp_path):
    series = make_series()
    data = pandoc_docx(interview_md("Water and borders: Interview with Erkin Baydarov", "Interview by A B"), tmp_path)
    editor_client.post(
        _upload(editor_client, data, series)["Location"], {"number": "7", "publication_date": "2026-12-04"}
    )
    issue = Issue.objects.get(number=7)
    delete = f"/admin/briefs/issue/{issue.pk}/delete/"
    assert editor_client.get(delete).status_code == 200
    editor_client.post(delete, {"post": "yes"})
    assert not Issue.objects.exists()
    page = editor_client.get(_upload(editor_client, data, series)["Location"]).content.decode()
    assert "Imported before?" not in page
