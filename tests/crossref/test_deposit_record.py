"""An issue's Crossref deposit: a report-paper record made from the issue document, valid by Crossref's schema.

The schema is Crossref's deposit schema 5.3.1, kept in crossref/schemas/ and read
offline. Every element the record must carry is asserted on No. 6 as printed.
"""

import datetime
from dataclasses import replace

import pytest
from django.test import override_settings
from django.utils import timezone
from lxml import etree

from briefs.document import issue_document
from briefs.models import Contribution, Issue
from crossref.deposits import prepared_record
from crossref.models import Deposit
from crossref.records import Addresses, Depositor, deposit_xml, schema_errors, timestamp
from tests.conftest import make_interview, make_issue, make_person, make_series

SITE = "https://briefs.example.org"
NS = {"cr": "http://www.crossref.org/schema/5.3.1", "jats": "http://www.ncbi.nlm.nih.gov/JATS1"}
MOMENT = timezone.make_aware(datetime.datetime(2026, 12, 6, 10, 30, 15, 123456))


def _record(issue, *, withdrawn=False):
    deposit = Deposit(issue=issue, doi=issue.doi, reason="publication", batch_id=f"test-batch-{issue.pk}")
    with override_settings(SITE_URL=SITE):
        return prepared_record(issue, deposit, now=MOMENT)


def _tree(xml):
    return etree.fromstring(xml)


def _text(tree, path):
    return [" ".join(e.text.split()) for e in tree.xpath(path, namespaces=NS)]


@pytest.fixture
def no6(demo_issue):
    return Issue.objects.select_related("series__programme").get(pk=demo_issue.pk)


def test_no6_has_its_doi_from_the_demo_series_test_prefix(no6):
    assert no6.series.doi_prefix == "10.5555"
    assert no6.doi == "10.5555/eucacis-in-brief.6"


def test_no6s_record_validates_against_crossrefs_schema(no6):
    assert schema_errors(_record(no6)) == []


def test_no6s_record_is_a_report_in_its_series_with_the_issn(no6):
    tree = _tree(_record(no6))
    assert tree.get("version") == "5.3.1"
    series = "//cr:report-paper/cr:report-paper_series_metadata/cr:series_metadata"
    assert _text(tree, f"{series}/cr:titles/cr:title") == ["EUCACIS in Brief"]
    assert _text(tree, f"{series}/cr:issn[@media_type='electronic']") == ["2627-7190"]
    assert _text(tree, "//cr:publisher_item/cr:identifier[@id_type='report-number']") == ["EUCACIS in Brief No. 6"]


def test_no6s_record_names_the_interviewer_first_and_the_interviewee_after(no6):
    tree = _tree(_record(no6))
    people = tree.xpath("//cr:report-paper_series_metadata/cr:contributors/cr:person_name", namespaces=NS)
    assert [(p.get("sequence"), p.get("contributor_role")) for p in people] == [
        ("first", "author"),
        ("additional", "author"),
    ]
    assert [(p.findtext("cr:given_name", namespaces=NS), p.findtext("cr:surname", namespaces=NS)) for p in people] == [
        ("Albina", "Muratbekova"),
        ("Erkin", "Baydarov"),
    ]
    assert "Institute of Oriental Studies" in people[1].findtext(".//cr:institution_name", namespaces=NS)


def test_no6s_record_has_its_title_abstract_date_publisher_and_institution(no6):
    tree = _tree(_record(no6))
    document = issue_document(no6)
    meta = "//cr:report-paper_series_metadata"
    assert _text(tree, f"{meta}/cr:titles/cr:title") == [
        "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov"
    ]
    # The abstract is the page's: the introduction's whole first paragraph.
    assert _text(tree, f"{meta}/jats:abstract/jats:p") == [document.abstract]
    assert document.abstract.startswith("Since the beginning of Shavkat Mirziyoyev")
    # The series prints the month: February 2019.
    assert _text(tree, f"{meta}/cr:publication_date[@media_type='online']/cr:month") == ["02"]
    assert _text(tree, f"{meta}/cr:publication_date/cr:year") == ["2019"]
    assert tree.xpath(f"{meta}/cr:publication_date/cr:day", namespaces=NS) == []
    assert _text(tree, f"{meta}/cr:publisher/cr:publisher_name") == [
        "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    ]
    assert _text(tree, f"{meta}/cr:publisher/cr:publisher_place") == ["Berlin"]
    assert _text(tree, f"{meta}/cr:institution/cr:institution_acronym") == ["EUCACIS"]


def test_no6s_record_points_the_doi_at_its_page_and_the_pdf_for_text_mining(no6):
    tree = _tree(_record(no6))
    data = "//cr:report-paper_series_metadata/cr:doi_data"
    assert _text(tree, f"{data}/cr:doi") == ["10.5555/eucacis-in-brief.6"]
    assert _text(tree, f"{data}/cr:resource") == [SITE + no6.get_absolute_url()]
    assert _text(tree, f"{data}/cr:collection[@property='text-mining']/cr:item/cr:resource") == [
        f"{SITE}/series/eucacis-in-brief/6/pdf/"
    ]
    assert tree.xpath(f"{data}//cr:resource[@mime_type='application/pdf']", namespaces=NS)


def test_the_head_names_the_batch_the_depositor_and_the_registrant(no6):
    tree = _tree(_record(no6))
    assert _text(tree, "/cr:doi_batch/cr:head/cr:doi_batch_id") == [f"test-batch-{no6.pk}"]
    assert _text(tree, "//cr:head/cr:timestamp") == ["20261206093015123"]  # in UTC: 10:30 in Berlin
    assert _text(tree, "//cr:head/cr:depositor/cr:depositor_name") == ["EUCACIS Editorial Office"]
    assert _text(tree, "//cr:head/cr:depositor/cr:email_address") == ["info@eucacis.eu"]
    assert _text(tree, "//cr:head/cr:registrant") == [
        "The EU, Central Asia and the Caucasus in the International System (EUCACIS)"
    ]


def test_timestamps_grow_with_each_deposit_even_within_a_second():
    first = timestamp(MOMENT)
    assert timestamp(MOMENT + datetime.timedelta(milliseconds=1)) > first
    assert timestamp(MOMENT + datetime.timedelta(days=1)) > first
    assert len(first) == 17 and first.isdigit()


def test_the_licence_is_given_where_the_series_sets_one(no6):
    assert (
        _tree(_record(no6)).xpath("//ai:license_ref", namespaces={"ai": "http://www.crossref.org/AccessIndicators.xsd"})
        == []
    )
    no6.series.licence = "CC-BY-4.0"
    no6.series.save()
    xml = _record(Issue.objects.select_related("series__programme").get(pk=no6.pk))
    assert schema_errors(xml) == []
    refs = _tree(xml).xpath(
        "//cr:series_metadata/ai:program/ai:license_ref",
        namespaces=NS | {"ai": "http://www.crossref.org/AccessIndicators.xsd"},
    )
    assert [r.text for r in refs] == ["https://creativecommons.org/licenses/by/4.0/"]


def test_a_withdrawn_issue_keeps_its_doi_and_page_but_offers_no_pdf(no6):
    no6.status = Issue.Status.WITHDRAWN
    xml = _record(no6)
    assert schema_errors(xml) == []
    tree = _tree(xml)
    assert _text(tree, "//cr:doi_data/cr:doi") == ["10.5555/eucacis-in-brief.6"]
    assert _text(tree, "//cr:doi_data/cr:resource") == [SITE + no6.get_absolute_url()]
    assert tree.xpath("//cr:collection", namespaces=NS) == []


@pytest.mark.parametrize(
    "given, family, title",
    [
        ("Ерлан", "Карин", "Қазақстан мен Өзбекстан: «жаңа кезең» & <келісім>"),
        ("Gulnora", "O‘ralova", 'Water, "energy" and the Amu Darya — a brief'),
        ("", "Madonna", "One name only"),
        ("Jean-Luc", "de la Fontaine", "Tab\there and  spaces"),
        ("Zoë", "Ünal-Çelik", "x" * 300),
        ("Vertical\x0btab", "From\x1fWord", "A title with a form feed\x0c pasted in"),
    ],
)
def test_records_of_other_issues_validate_whatever_their_names_and_titles(db, given, family, title):
    series = make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org", licence="CC-BY-4.0")
    issue = make_interview(series, title=title, doi=f"10.5555/{series.slug}.{7}")
    author = issue.contributions.get(role=Contribution.Role.INTERVIEWER).person
    author.given_name, author.family_name = given, family
    author.save()
    issue = Issue.objects.select_related("series__programme").get(pk=issue.pk)
    xml = _record(issue)
    assert schema_errors(xml) == []
    tree = _tree(xml)
    printable = " ".join(title.replace("\x0c", " ").split())
    assert _text(tree, "//cr:report-paper_series_metadata/cr:titles/cr:title") == [printable]
    first = tree.xpath("//cr:person_name[@sequence='first']", namespaces=NS)[0]
    assert first.findtext("cr:surname", namespaces=NS) == " ".join((family or given).replace("\x1f", " ").split())


def test_an_article_names_its_authors_in_order_and_no_interviewee(db):
    series = make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org")
    issue = make_issue(series, doi=f"10.5555/{series.slug}.1")
    for order, name in enumerate(["Ainur", "Bekzod", "Cholpon"]):
        Contribution.objects.create(
            issue=issue, person=make_person(given_name=name), role=Contribution.Role.AUTHOR, sort_order=order
        )
    tree = _tree(_record(Issue.objects.select_related("series__programme").get(pk=issue.pk)))
    people = tree.xpath("//cr:person_name", namespaces=NS)
    assert [p.findtext("cr:given_name", namespaces=NS) for p in people] == ["Ainur", "Bekzod", "Cholpon"]
    assert [p.get("sequence") for p in people] == ["first", "additional", "additional"]


def test_a_record_that_breaks_the_schema_is_caught_with_the_reason(no6):
    document = issue_document(no6)
    broken = replace(document, doi="", imprint=replace(document.imprint, issn="26277"))
    depositor = Depositor(name="Office", email="doi@example.org", registrant="Publisher")
    xml = deposit_xml(
        broken, batch_id="batch-1234", moment=MOMENT, depositor=depositor, addresses=Addresses(page=SITE + "/x/")
    )
    errors = schema_errors(xml)
    assert any("}issn'" in e for e in errors) and any("}doi'" in e for e in errors)
    assert schema_errors(b"<doi_batch><unclosed></doi_batch>")[0].startswith("The record is not well-formed XML")


def test_a_series_without_an_issn_deposits_its_issues_as_lone_reports_with_their_licence(db):
    series = make_series(issn="", doi_prefix="10.5555", crossref_depositor_email="doi@example.org", licence="CC-BY-4.0")
    issue = make_interview(series, doi=f"10.5555/{series.slug}.3")
    xml = _record(Issue.objects.select_related("series__programme").get(pk=issue.pk))
    assert schema_errors(xml) == []
    tree = _tree(xml)
    assert tree.xpath("//cr:report-paper_series_metadata", namespaces=NS) == []
    ai = {"ai": "http://www.crossref.org/AccessIndicators.xsd"}
    refs = tree.xpath("//cr:report-paper_metadata/ai:program/ai:license_ref", namespaces=NS | ai)
    assert [r.text for r in refs] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert _text(tree, "//cr:report-paper_metadata/cr:doi_data/cr:doi") == [f"10.5555/{series.slug}.3"]
