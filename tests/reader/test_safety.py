"""Nothing an editor types reaches a reader as markup or script.

Content is written straight to the database here, bypassing the admin's own
cleaning, to show the page cleans again on the way out.
"""

from html.parser import HTMLParser

import pytest

from briefs.models import AboutSection, Contribution, Footnote, Question
from tests.conftest import make_interview, make_issue, make_person, make_series

pytestmark = pytest.mark.django_db

XSS = '<script>alert("xss")</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">bad</a>'


class _Elements(HTMLParser):
    """Collects the elements and attributes a browser would build from the page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


#: The page's own script elements: the JSON-LD data block and script files of the site.
def _own_script(attrs):
    return attrs == {"type": "application/ld+json"} or (
        set(attrs) <= {"src", "defer"} and (attrs.get("src") or "").startswith("/static/js/")
    )


def _assert_clean(html):
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag == "script" and _own_script(attrs):
            continue  # anything typed that closed the data block would start another script element
        assert tag not in {"script", "iframe", "object", "embed", "style"}, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
    # The attack text may show as harmless escaped text, never as markup.
    assert '<img src="x"' not in html


def test_every_rich_text_field_is_clean_on_the_issue_page(client):
    series = make_series(introduction=f"<p>S{XSS}</p>")
    AboutSection.objects.create(series=series, title="About", body=f"<p>A{XSS}</p>")
    issue = make_interview(series, questions=0, introduction=f"<p>I{XSS}[^n]</p>", body=f"<p>B{XSS}</p>")
    Question.objects.create(issue=issue, question=f"<p>Q{XSS}</p>", answer=f"<p>A{XSS}</p>")
    Footnote.objects.create(issue=issue, label="n", text=f"<p>N{XSS}</p>")
    author = issue.contributions.get(role="interviewer")
    author.printed_biography = f"<p>Bio{XSS}</p>"
    author.save()
    html = client.get(issue.get_absolute_url()).content.decode()
    _assert_clean(html)
    assert 'href="#fn-1"' in html  # the footnote still works
    _assert_clean(client.get(series.get_absolute_url()).content.decode())
    _assert_clean(client.get("/").content.decode())


def test_plain_text_fields_are_escaped_everywhere_they_show(client):
    series = make_series(name=f"Series {XSS}", place_of_publication=XSS)
    person = make_person(
        given_name=XSS, family_name="<b>Bold</b>", honorific="<i>Dr</i>", affiliation=XSS, biography=f"<p>{XSS}</p>"
    )
    issue = make_issue(series, title=f"Title {XSS}")
    Contribution.objects.create(issue=issue, person=person, role="author")
    for url in [issue.get_absolute_url(), person.get_absolute_url(), "/", "/issues/", series.get_absolute_url()]:
        html = client.get(url).content.decode()
        _assert_clean(html)
        assert "<b>Bold</b>" not in html and "<i>Dr</i>" not in html
    assert "&lt;script&gt;" in client.get(issue.get_absolute_url()).content.decode()


def test_a_footnote_label_cannot_inject_markup_through_a_marker(client):
    issue = make_interview(questions=0, introduction='<p>x[^a"><script>]</p>')
    html = client.get(issue.get_absolute_url()).content.decode()
    _assert_clean(html)
