import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from briefs.models import Issue
from demo import eucacis_in_brief_06 as seed
from tests.conftest import make_interview, make_issue, make_series, start_of

pytestmark = pytest.mark.django_db


def _text(html):
    """Visible text with tags removed and whitespace folded, for content checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _paragraphs(html):
    return [re.sub(r"\[\^[\w-]+\]", "", p) for p in re.findall(r"<p>(.*?)</p>", html)]


@pytest.fixture
def page(client, demo_issue):
    response = client.get(demo_issue.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_no6_shows_series_number_date_title_kind_and_linked_people(page, demo_issue):
    assert "EUCACIS in Brief" in page and "No. 6" in page and "February 2019" in page
    assert "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov" in page
    assert '<span class="issue-kind">Interview</span>' in page
    assert 'href="/people/albina-muratbekova/">Albina Muratbekova</a>' in page
    assert 'href="/people/erkin-baydarov/">Dr Erkin Baydarov</a>' in page


def test_no6_shows_both_introductory_paragraphs(page):
    text = _text(page)
    for paragraph in _paragraphs(seed.INTRODUCTION):
        assert _text(paragraph) in text


def test_no6_shows_every_question_numbered_and_every_answer_paragraph(page):
    # Footnote references sit where the markers were: compare the text without them.
    text = _text(re.sub(r'<sup class="fn-ref">.*?</sup>', "", page))
    for number, (question, answer) in enumerate(seed.QUESTIONS, start=1):
        assert f"{number}. {_text(question)}" in text
        paragraphs = _paragraphs(answer)
        assert f"EB: {_text(paragraphs[0])}" in text
        for paragraph in paragraphs:
            assert _text(paragraph) in text
    assert page.count('class="speaker">EB:</b>') == 4


def test_no6_footnotes_are_numbered_1_to_4_in_order_with_full_text_and_anchors_both_ways(page):
    notes = re.findall(r'<li id="fn-(\d)">(.*?)</li>', page, re.S)
    assert [n for n, _ in notes] == ["1", "2", "3", "4"]
    expected = [seed.FOOTNOTES[label] for label in ("trade-forum", "turkistan", "year-events", "dostyk")]
    for (number, html), source in zip(notes, expected):
        assert _text(source) in _text(html)
        assert f'href="#fnref-{number}"' in html
        assert f'<a href="#fn-{number}" id="fnref-{number}" aria-label="Note {number}">{number}</a>' in page
    assert (
        'href="https://primeminister.kz/en/news/all/first-interregional-forum-kazakhstan-uzbekistan-held-in-shymkent-17470"'
        in notes[0][1]
    )
    # each reference sits after the printed words
    for words, number in [
        ("economic cooperation", 1),
        ("Turkistan region", 2),
        ("were planned in Kazakhstan", 3),
        ("Dostyk Order of the First degree", 4),
    ]:
        assert re.search(re.escape(words) + r'<sup class="fn-ref"><a href="#fn-%d"' % number, page)


def test_no6_shows_about_sections_in_order_author_bio_team_and_imprint(page):
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    about = [h for h in headings if h.startswith("About")]
    assert about == ["About the Author", "About EUCACIS", "About the Series", "About IEP", "About CIFE"]
    assert "She is a Fellow of the EUCACIS PhD support programme (2017-2019)" in page
    team = _text(re.search(r'<dl class="editorial-team">(.*?)</dl>', page, re.S).group(1))
    for line in [
        "Publishers Prof. Dr Mathias Jopp, Head of International Programmes, IEP",
        "PD Dr Matthias Waechter, Director General, CIFE",
        "Editors Dr Susann Heinecke, Programme Manager EUCACIS, CIFE",
        "Janny Schulz, Programme Manager EUCACIS, IEP",
        "Layout Fabian Weber, IEP",
    ]:
        assert line in team
    imprint = re.search(r'<dl class="imprint-details">(.*?)</dl>', page, re.S).group(1)
    for term, value in [
        ("Place of publication", "Berlin"),
        ("ISSN", "2627-7190"),
        ("Internet", '<a href="https://www.eucacis.eu/">https://www.eucacis.eu/</a>'),
        ("Email", '<a href="mailto:info@eucacis.eu">info@eucacis.eu</a>'),
        ("Hashtag", "#EUCACIS"),
    ]:
        assert f"<dt>{term}</dt><dd>{value}</dd>" in imprint
    assert "published in February 2019" in page


def test_the_page_has_landmarks_and_headings_in_order(page):
    assert "<main" in page and "<article" in page and "<aside" in page and "<nav" in page
    levels = [int(h) for h in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))


def test_a_draft_is_404_for_the_public_and_a_labelled_preview_for_staff(editor_client):
    client = Client()
    draft = make_interview(status=Issue.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("reader:issue_short_url", args=[draft.series.slug, draft.number])).status_code == 404
    response = editor_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview (draft): only editors can see this page" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_a_scheduled_issue_is_hidden_until_its_time_and_previewed_as_such_by_staff(editor_client):
    future = make_interview(
        publication_date=datetime.date(2999, 1, 1),
        public_from=start_of(datetime.date(2999, 1, 1)) + datetime.timedelta(hours=9, minutes=30),
    )
    assert Client().get(future.get_absolute_url()).status_code == 404
    response = editor_client.get(future.get_absolute_url())
    html = response.content.decode()
    assert "Preview of a scheduled issue" in html and "1 January 2999 at 09:30" in html
    assert "noindex" in html and "no-cache" in response["Cache-Control"]
    short = editor_client.get(reverse("reader:issue_short_url", args=[future.series.slug, future.number]))
    assert short.status_code == 302  # not permanent: the address is not public yet


def test_a_public_issue_has_no_preview_banner_even_for_staff(editor_client, demo_issue):
    html = editor_client.get(demo_issue.get_absolute_url()).content.decode()
    assert "draft-banner" not in html and "noindex" not in html


def test_a_short_or_outdated_address_redirects_to_the_issue(client, demo_issue):
    response = client.get(reverse("reader:issue_short_url", args=["eucacis-in-brief", 6]))
    assert response.status_code == 301 and response["Location"] == demo_issue.get_absolute_url()
    response = client.get(reverse("reader:issue_detail", args=["eucacis-in-brief", 6, "old-title"]))
    assert response.status_code == 301 and response["Location"] == demo_issue.get_absolute_url()


def test_the_archive_lists_published_issues_newest_first_and_paginates(client):
    series = make_series()
    for number in range(1, 15):  # No. 1 in January 2019 … No. 14 in February 2020
        make_issue(
            series,
            number=number,
            publication_date=datetime.date(2019, 1, 1) + datetime.timedelta(days=31 * (number - 1)),
        )
    make_issue(series, number=99, status=Issue.Status.DRAFT, title="Secret draft")
    first = client.get(reverse("reader:archive")).content.decode()
    assert "Page 1 of 2" in first and "Secret draft" not in first
    numbers = [int(n) for n in re.findall(r"No\.(?: |&nbsp;)(\d+)", first)]
    assert numbers[:3] == [14, 13, 12] and len(numbers) == 12
    second = client.get(reverse("reader:archive"), {"page": 2}).content.decode()
    assert [int(n) for n in re.findall(r"No\.(?: |&nbsp;)(\d+)", second)] == [2, 1]


def test_the_home_page_shows_the_series_and_its_latest_issues(client, demo_issue):
    html = client.get("/").content.decode()
    assert "EUCACIS in Brief" in html and "PhD Support Programme" in html
    assert demo_issue.title in html


def test_the_series_page_lists_its_issues_and_about_sections(client, demo_issue):
    html = client.get(demo_issue.series.get_absolute_url()).content.decode()
    assert demo_issue.title in html and "About CIFE" in html


def test_the_person_page_shows_name_affiliation_bio_and_published_issues_only(client, demo_issue):
    person = demo_issue.contributions.get(role="interviewee").person
    make_interview(status=Issue.Status.DRAFT, title="Unpublished draft")
    html = client.get(person.get_absolute_url()).content.decode()
    assert '<h1 id="person-name">Dr Erkin Baydarov</h1>' in html
    assert "Institute of Oriental Studies, Almaty" in html
    assert demo_issue.title in html and "interviewed)" in html
    assert "Erkin Baydarov was interviewed in one issue." in html


def test_unknown_pages_are_404(client, db):
    assert client.get("/series/nope/1/x/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404
