"""Each oai_dc record says what the issue's page tells indexers: the same title, creators and
contributors, date, identifiers, subjects, description, publisher, language, type and rights.

The page is fetched and its ``<meta>`` tags read with lxml, as an indexer reads
them; the record is read from a schema-valid GetRecord answer. The issues vary
in every way the metadata does: No. 6 of the demo, interviews and articles, one
to three authors, names with particles, honorifics and diacritics, Cyrillic and
the okina, no topic or place, a footnote in the introduction or none, a series
licence or none, a DOI or none.
"""

import datetime

import pytest
from lxml import html as lxml_html

from briefs.dois import doi_url
from briefs.models import Contribution, Issue, Place, Topic
from tests.conftest import make_issue, make_person, make_series, start_of
from tests.oai.conftest import identifier

pytestmark = pytest.mark.django_db


def page_meta(client, issue):
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    found = {}
    for element in lxml_html.fromstring(response.content).xpath("/html/head/meta[@name][@content]"):
        found.setdefault(element.get("name"), []).append(element.get("content"))
    return found


def expected_identifiers(meta, doi):
    """The page's DC.identifier, its PDF and the DOI's address, each once (the page may give the DOI itself)."""
    wanted = [*meta.get("DC.identifier", []), *meta["citation_pdf_url"], *([doi_url(doi)] if doi else [])]
    return list(dict.fromkeys(wanted))


def assert_record_matches_page(client, oai, issue):
    issue.refresh_from_db()
    meta = page_meta(client, issue)
    dc = oai(verb="GetRecord", identifier=identifier(issue), metadataPrefix="oai_dc").dc()
    assert dc["title"] == meta["DC.title"]
    assert dc.get("creator", []) == meta.get("DC.creator", [])
    assert dc.get("contributor", []) == meta.get("DC.contributor", [])
    assert dc["date"] == meta["DC.date"]
    assert dc["identifier"] == expected_identifiers(meta, issue.doi)
    assert dc["subject"] == meta["DC.subject"]
    assert dc["description"] == meta["DC.description"]
    assert dc["publisher"] == meta["DC.publisher"]
    assert dc["language"] == meta["DC.language"]
    assert dc["type"] == meta["DC.type"]
    assert dc.get("rights", []) == meta.get("DC.rights", [])
    assert dc["relation"] == meta["DC.relation.ispartof"]
    assert dc["format"] == [*meta["DC.format"], "application/pdf"]
    # Nothing else: every element is one of these.
    assert set(dc) <= {
        "title",
        "creator",
        "contributor",
        "date",
        "identifier",
        "subject",
        "description",
        "publisher",
        "language",
        "type",
        "rights",
        "relation",
        "format",
    }
    return dc, meta


def test_no_6_of_the_demo(client, oai, demo_issue):
    dc, meta = assert_record_matches_page(client, oai, demo_issue)
    assert demo_issue.doi and doi_url(demo_issue.doi) in dc["identifier"]
    assert dc["creator"] == ["Muratbekova, Albina"]


def _people(issue, role, names):
    for order, (honorific, given, family) in enumerate(names):
        Contribution.objects.create(
            issue=issue,
            person=make_person(honorific=honorific, given_name=given, family_name=family),
            role=role,
            sort_order=order,
        )


@pytest.fixture
def varied_issues(db):
    licensed = make_series(licence="CC-BY-4.0", name="Licensed Briefs", slug="licensed-briefs")
    unlicensed = make_series(licence="", name="Plain Briefs", slug="plain-briefs", issn="")
    interview = make_issue(
        licensed,
        kind=Issue.Kind.INTERVIEW,
        body="",
        title="Water in the Fergana Valley: Interview with Oʻtkir Oʻrinov",
        introduction="<p>The valley shares its rivers[^a]. It is <em>contested</em> &amp; dry.</p><p>Second.</p>",
    )
    _people(interview, Contribution.Role.INTERVIEWER, [("Dr", "Nino", "Beridze"), ("", "Jan", "van der Berg")])
    _people(interview, Contribution.Role.INTERVIEWEE, [("Prof. Dr", "Oʻtkir", "Oʻrinov")])
    interview.topics.add(Topic.objects.create(name="Water", slug="water"))
    interview.places.add(Place.objects.create(name="Fergana Valley", slug="fergana-valley", kind="region"))
    interview.footnotes.create(label="a", text="<p>A note.</p>")
    Issue.objects.filter(pk=interview.pk).update(doi="10.5555/licensed-briefs.1")

    article = make_issue(
        unlicensed,
        kind=Issue.Kind.ARTICLE,
        title="Ценности и интересы: three authors",
        introduction="",
        body="<p>The body opens the abstract when there is no introduction[^n].</p><p>More.</p>",
        publication_date=datetime.date(2021, 12, 31),
    )
    _people(
        article,
        Contribution.Role.AUTHOR,
        [("", "Сергей", "Иванов"), ("", "Claire", "Lefèvre"), ("Prof. Dr", "Hans", "Müller")],
    )
    article.footnotes.create(label="n", text="<p>Note.</p>")

    opinion = make_issue(licensed, kind=Issue.Kind.OPINION, title="An opinion with no topic")
    _people(opinion, Contribution.Role.AUTHOR, [("", "Leyla", "de Vries")])
    return [interview, article, opinion]


def test_varied_issues(client, oai, varied_issues):
    interview, article, opinion = varied_issues
    dc, _ = assert_record_matches_page(client, oai, interview)
    assert dc["creator"] == ["Beridze, Nino", "van der Berg, Jan"]  # the page's form, particle and all
    assert dc["contributor"] == ["Oʻrinov, Oʻtkir"]
    assert dc["rights"] == ["CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"]
    assert "https://doi.org/10.5555/licensed-briefs.1" in dc["identifier"]
    dc, _ = assert_record_matches_page(client, oai, article)
    assert len(dc["creator"]) == 3 and "rights" not in dc
    assert not any("doi.org" in value for value in dc["identifier"])
    dc, _ = assert_record_matches_page(client, oai, opinion)
    assert dc["subject"] == ["Licensed Briefs", "Opinion piece"]  # no topic or place: the series and kind


def test_generated_issues(client, oai):
    from demo.generate import generate_issues

    series = make_series(licence="CC-BY-SA-4.0", slug="generated-licensed")
    ids = generate_issues(12, series=series, seed=7)
    # Public for the page and the endpoint alike, whatever today is (some go public in 2026).
    Issue.objects.filter(pk__in=ids).update(public_from=start_of(datetime.date(2019, 1, 1)))
    Issue.objects.filter(pk__in=ids[::2]).update(doi="")
    for pk in ids[1::2]:
        Issue.objects.filter(pk=pk).update(doi=f"10.5555/generated.{pk}")
    for issue in Issue.objects.filter(pk__in=ids).select_related("series"):
        assert_record_matches_page(client, oai, issue)
