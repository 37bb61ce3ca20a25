"""The issue document: assembled from plain data, no database."""

import datetime

import pytest

from briefs.document import assemble, byline, prefix_speaker, short_title, speaker_labels, team_in_office
from briefs.models import Contribution, EditorialMembership, Issue, Series
from people.models import Person, Programme

FEB_2019 = datetime.date(2019, 2, 1)


def person(pk, given, family, honorific="", biography=""):
    return Person(
        pk=pk,
        given_name=given,
        family_name=family,
        honorific=honorific,
        slug=f"{given}-{family}".lower(),
        biography=biography,
    )


def contribution(pk, who, role, label="", bio=""):
    c = Contribution(pk=pk, role=role, speaker_label=label, printed_biography=bio)
    c.person = who
    return c


def issue(kind="interview", **fields):
    programme = Programme(
        name="The EU, Central Asia and the Caucasus", short_name="EUCACIS", programme_type="PhD Support Programme"
    )
    series = Series(
        name="EUCACIS in Brief",
        slug="eucacis-in-brief",
        programme=programme,
        issn="2627-7190",
        place_of_publication="Berlin",
        website="https://www.eucacis.eu/",
    )
    defaults = dict(
        pk=1,
        series=series,
        number=6,
        title="Recent changes: Interview with EB",
        slug="recent",
        kind=kind,
        publication_date=FEB_2019,
        introduction="",
        body="",
    )
    return Issue(**(defaults | fields))


def document(the_issue=None, contributions=(), questions=(), notes=None, memberships=(), about=()):
    return assemble(
        the_issue or issue(),
        contributions=list(contributions),
        questions=list(questions),
        notes=notes or {},
        about_sections=list(about),
        memberships=list(memberships),
    )


ALBINA = person(11, "Albina", "Muratbekova")
ERKIN = person(12, "Erkin", "Baydarov", "Dr")
AIDA = person(13, "Aida", "Sultanova")


def words(parts):
    return "".join(p.contributor.name if p.contributor else p.text for p in parts)


def test_an_interview_byline_names_the_interviewer_and_the_interviewee():
    doc = document(contributions=[contribution(1, ALBINA, "interviewer"), contribution(2, ERKIN, "interviewee", "EB")])
    assert doc.byline_text == "Interview by Albina Muratbekova with Dr Erkin Baydarov"
    assert [p.contributor.url for p in doc.byline if p.contributor] == [
        "/people/albina-muratbekova/",
        "/people/erkin-baydarov/",
    ]


@pytest.mark.parametrize(
    "kind, authors, interviewees, expected",
    [
        ("opinion", [ALBINA], [], "By Albina Muratbekova"),
        ("article", [ALBINA, AIDA], [], "By Albina Muratbekova and Aida Sultanova"),
        ("article", [ALBINA, AIDA, ERKIN], [], "By Albina Muratbekova, Aida Sultanova and Dr Erkin Baydarov"),
        ("interview", [], [ERKIN], "Interview with Dr Erkin Baydarov"),
        (
            "interview",
            [ALBINA],
            [ERKIN, AIDA],
            "Interview by Albina Muratbekova with Dr Erkin Baydarov and Aida Sultanova",
        ),
        ("article", [], [], ""),
    ],
)
def test_the_byline_is_worded_for_the_kind(kind, authors, interviewees, expected):
    doc_authors = [document(contributions=[contribution(1, p, "author")]).authors[0] for p in authors]
    doc_interviewees = [
        document(contributions=[contribution(1, p, "interviewee", "X")]).interviewees[0] for p in interviewees
    ]
    assert words(byline(kind, doc_authors, doc_interviewees)) == expected


def test_the_biographies_heading_follows_the_number_of_authors():
    one = document(contributions=[contribution(1, ALBINA, "interviewer", bio="<p>Bio</p>")])
    two = document(contributions=[contribution(1, ALBINA, "author"), contribution(3, AIDA, "author")])
    assert one.biographies_heading == "About the Author" and two.biographies_heading == "About the Authors"
    assert one.authors[0].biography == "<p>Bio</p>"


def test_with_two_interviewees_every_answer_shows_its_own_speakers_label():
    contributions = [
        contribution(1, ALBINA, "interviewer"),
        contribution(2, ERKIN, "interviewee", "EB"),
        contribution(3, AIDA, "interviewee", "AS"),
    ]
    questions = [
        ("<p>Q1?</p>", "<p>A1</p>", AIDA.pk),
        ("<p>Q2?</p>", "<p>A2</p>", ERKIN.pk),
        ("<p>Q3?</p>", "<p>A3</p>", AIDA.pk),
    ]
    texts = document(contributions=contributions, questions=questions).texts("web")
    assert [q.answer for q in texts.questions] == [
        '<p><b class="speaker">AS:</b> A1</p>',
        '<p><b class="speaker">EB:</b> A2</p>',
        '<p><b class="speaker">AS:</b> A3</p>',
    ]


def test_an_answer_with_no_speaker_among_several_interviewees_gets_no_label_rather_than_a_wrong_one():
    interviewees = [contribution(2, ERKIN, "interviewee", "EB"), contribution(3, AIDA, "interviewee", "AS")]
    assert speaker_labels(interviewees, [("q", "a", None), ("q", "a", AIDA.pk)]) == ["", "AS"]
    assert speaker_labels(interviewees[:1], [("q", "a", None)]) == ["EB"]


def test_the_speaker_label_opens_the_first_paragraph_and_is_escaped():
    assert (
        prefix_speaker("<p>Since 2016</p><p>Then</p>", "EB")
        == '<p><b class="speaker">EB:</b> Since 2016</p><p>Then</p>'
    )
    assert "&lt;i&gt;" in prefix_speaker("<p>x</p>", "<i>")


def test_texts_are_cleaned_before_markers_become_references_and_questions_are_numbered():
    doc = document(
        the_issue=issue(introduction="<p>Intro[^a]<script>alert(1)</script></p>"),
        contributions=[contribution(2, ERKIN, "interviewee", "EB")],
        questions=[
            ("<p>Q?</p>", '<p><img src=x onerror="alert(1)">Answer[^b]</p>', None),
            ("<p>Q2?</p>", "<p>A2</p>", None),
        ],
        notes={"a": '<p>See <a href="javascript:alert(1)">this</a></p>', "b": "<p>B</p>"},
    )
    texts = doc.texts("web")
    assert "<script" not in texts.introduction and 'href="#fn-1"' in texts.introduction
    assert "onerror" not in texts.questions[0].answer and 'href="#fn-2"' in texts.questions[0].answer
    assert "javascript:" not in texts.notes[0].html
    assert [q.number for q in texts.questions] == [1, 2]


def test_web_and_print_number_the_same_notes_the_same_way():
    doc = document(
        the_issue=issue(introduction="<p>a[^x] b[^y]</p>", body="<p>c[^x]</p>", kind="article"),
        notes={"x": "<p>X</p>", "y": "<p>Y</p>"},
    )
    web, printed = doc.texts("web"), doc.texts("print")
    assert [n.number for n in web.notes] == [1, 2]
    assert 'data-n="1">X</span>' in printed.introduction and 'data-n="2">Y</span>' in printed.introduction
    assert '<span class="fn-call-again">1</span>' in printed.body


def member(pk, role, who, start=None, end=None, order=0):
    m = EditorialMembership(pk=pk, role=role, start_date=start, end_date=end, sort_order=order, position=f"pos {pk}")
    m.person = who
    return m


def test_the_team_is_the_one_in_office_on_the_publication_date_even_if_a_member_left_after_it():
    members = [
        member(1, "editor", ALBINA, end=datetime.date(2020, 6, 30)),  # left after No. 6 appeared
        member(2, "editor", AIDA, start=datetime.date(2019, 3, 1)),  # joined after
        member(3, "publisher", ERKIN, end=datetime.date(2018, 12, 31)),  # left before
        member(4, "layout", ERKIN, start=FEB_2019, end=FEB_2019),  # that very day
    ]
    doc = document(memberships=members)
    assert [(g.heading, [m.name for m in g.members]) for g in doc.team] == [
        ("Editors", ["Albina Muratbekova"]),
        ("Layout", ["Dr Erkin Baydarov"]),
    ]


def test_the_team_is_grouped_by_role_in_imprint_order_then_by_order():
    members = [
        member(1, "layout", ALBINA, order=1),
        member(2, "editor", AIDA, order=2),
        member(3, "publisher", ERKIN, order=1),
        member(4, "editor", ALBINA, order=1),
    ]
    groups = team_in_office(members, on=FEB_2019)
    assert [(g.heading, [m.position for m in g.members]) for g in groups] == [
        ("Publishers", ["pos 3"]),
        ("Editors", ["pos 4", "pos 2"]),
        ("Layout", ["pos 1"]),
    ]


def test_the_imprint_and_dates_are_worded_as_printed():
    doc = document()
    assert doc.date_label == "February 2019" and doc.imprint.published_in == "published in February 2019"
    assert (
        doc.imprint.publisher
        == "Published by the PhD Support Programme “The EU, Central Asia and the Caucasus” (EUCACIS)."
    )
    assert doc.imprint.website_label == "www.eucacis.eu" and doc.imprint.issn == "2627-7190"
    assert doc.subject == "EUCACIS in Brief No. 6"


def test_the_pdf_file_name_has_series_number_and_author():
    doc = document(contributions=[contribution(1, ALBINA, "interviewer"), contribution(2, ERKIN, "interviewee", "EB")])
    assert doc.pdf_filename == "EUCACIS-in-Brief-06-Muratbekova.pdf"


def test_a_short_title_for_the_running_head():
    assert (
        short_title("Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov")
        == "Recent changes in the Kazakh-Uzbek relations"
    )
    assert short_title("No colon here") == "No colon here"
    assert short_title("word " * 30).endswith("…") and len(short_title("word " * 30)) <= 70


def test_the_content_version_changes_with_what_is_shown_and_only_then():
    base = document(the_issue=issue(introduction="<p>One</p>"))
    assert document(the_issue=issue(introduction="<p>One</p>")).version == base.version
    assert document(the_issue=issue(introduction="<p>Two</p>")).version != base.version
    assert (
        document(the_issue=issue(introduction="<p>One</p>"), memberships=[member(1, "editor", AIDA)]).version
        != base.version
    )
    # A team member who left before the issue appeared is not shown, so changes nothing.
    gone = member(1, "editor", AIDA, end=datetime.date(2018, 1, 1))
    assert document(the_issue=issue(introduction="<p>One</p>"), memberships=[gone]).version == base.version


def test_metadata_fields_abstract_publisher_and_affiliation_come_with_the_document():
    albina = Person(
        pk=11,
        given_name="Albina",
        family_name="Muratbekova",
        slug="albina",
        affiliation="Institute of Oriental Studies",
    )
    doc = document(
        the_issue=issue(
            introduction="<p>First[^a] <em>paragraph</em> &amp; O\u02bb<b>z</b>bekiston<br>more.</p><ul><li>Second.</li></ul>"
        ),
        contributions=[contribution(1, albina, "interviewer")],
        notes={"a": "<p>Note</p>"},
    )
    assert doc.abstract == "First paragraph & O\u02bbzbekiston more."  # the first paragraph, whole
    assert doc.publisher_name == "The EU, Central Asia and the Caucasus (EUCACIS)"
    assert doc.authors[0].affiliation == "Institute of Oriental Studies"
    body_only = document(the_issue=issue(kind="article", body="<p>Body one.</p><p>Body two.</p>"))
    assert body_only.abstract == "Body one."


def test_an_honorific_typed_into_the_given_name_is_printed_but_never_cited():
    typed = Person(pk=21, given_name="Dr Jan", family_name="van der Berg", honorific="Prof.", slug="jan")
    (author,) = document(contributions=[contribution(1, typed, "author")]).authors
    assert author.name == "Prof. Dr Jan van der Berg"  # as printed, as typed
    assert (author.given_name, author.plain_name) == ("Jan", "Jan van der Berg")
    assert (author.cited.particle, author.cited.family, author.cited.inverted) == (
        "van der",
        "Berg",
        "van der Berg, Jan",
    )
