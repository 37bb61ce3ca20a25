"""The issue page's order and parts, as served (the layout itself is tested in tests/browser/test_issue_page.py)."""

import datetime

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from briefs.models import Contribution, Correction
from tests.conftest import make_about, make_interview, make_person

pytestmark = pytest.mark.django_db


def _page(client, issue):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    return lxml_html.fromstring(response.content)


def test_a_correction_stands_under_the_title_before_the_text(client):
    issue = make_interview(questions=2, footnotes=1)
    Correction.objects.create(
        issue=issue,
        corrected_at=timezone.make_aware(datetime.datetime(2019, 3, 3, 12)),
        note="The title misnamed the Treaty of Eternal Friendship (1998).",
    )
    tree = _page(client, issue)
    notice = tree.cssselect("article.issue > header .issue-corrections[role=note]")
    assert len(notice) == 1, "the correction is not in the issue's header"
    assert " ".join(notice[0].text_content().split()) == (
        "Corrected on 3 March 2019: The title misnamed the Treaty of Eternal Friendship (1998)."
    )
    order = [e.get("class") or e.tag for e in tree.cssselect("h1, .issue-corrections, .interview, .footnotes")]
    assert order == ["h1", "issue-corrections", "interview", "footnotes"]


def test_an_issue_without_corrections_has_no_notice(client):
    assert not _page(client, make_interview()).cssselect(".issue-corrections")


def test_the_byline_names_the_interviewer_and_the_interviewee(client):
    issue = make_interview(questions=1)
    issue.contributions.all().delete()
    for order, (given, family, role) in enumerate(
        [("Әлия", "Сәрсенбаева", "interviewer"), ("Oʻtkir", "Hoshimov", "interviewee")]
    ):
        person = make_person(given_name=given, family_name=family)
        Contribution.objects.create(issue=issue, person=person, role=role, speaker_label="OH", sort_order=order)
    byline = _page(client, issue).cssselect(".issue-byline")[0]
    assert " ".join(byline.text_content().split()) == "Interview by Әлия Сәрсенбаева with Oʻtkir Hoshimov"
    assert [a.text_content() for a in byline.cssselect("a")] == ["Әлия Сәрсенбаева", "Oʻtkir Hoshimov"]


def test_the_issue_stylesheet_and_script_are_the_issue_pages_alone(client):
    issue = make_interview(footnotes=1)
    tree = _page(client, issue)
    assert tree.cssselect('link[rel=stylesheet][href$="css/issue.css"]')
    assert tree.cssselect('script[src$="js/issue.js"][defer]')
    home = lxml_html.fromstring(client.get("/").content)
    assert not home.cssselect('link[href$="css/issue.css"]') and not home.cssselect('script[src$="js/issue.js"]')


def test_about_sections_and_imprint_are_in_the_page_folded_under_their_headings(client):
    issue = make_interview()
    make_about(issue.series, "About the Programme", order=0)
    tree = _page(client, issue)
    folded = tree.cssselect(".series-about > details:not([open])")
    assert [d.cssselect("summary > h2")[0].text_content() for d in folded] == ["About the Programme", "Imprint"]
    assert folded[0].cssselect(".rich-text")[0].text_content() == "About."
    assert folded[-1].cssselect(".publisher") and folded[-1].cssselect(".published-in")
