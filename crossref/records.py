"""An issue's Crossref deposit: the XML of a report-paper record, and its check against Crossref's schema.

Pure functions over the issue document (:mod:`briefs.document`) and a few facts
the document does not hold (the batch's id and time, the depositor, the
addresses): no database, no request. The record is validated against Crossref's
deposit schema 5.3.1, kept in ``crossref/schemas/`` (see its README), before it
is ever sent.

How the issue maps onto Crossref's report-paper record (``report-paper_series_metadata``):

- the series, its ISSN (electronic) and, where the series sets one, its licence
  (``ai:program``, which Crossref's schema allows only in the series' metadata of a
  report in a series);
- the contributors: the authors as ``author``; Crossref's roles have no
  interviewee (author, editor, chair, reviewer, review-assistant, stats-reviewer,
  reviewer-external, reader, translator), so an interview's interviewees follow
  its interviewer as ``author`` with ``sequence="additional"``, as they are the
  interview's other voice and citations name them;
- the title, the abstract (the introduction's first paragraph, as the page's
  metadata gives it) as JATS, the publication date (month and year, as printed),
  the publisher and its place, the programme as the institution, the series' name
  and number as the report number;
- the DOI, the issue's page as its resource and, while the PDF is public, the PDF
  as a text-mining link.
"""

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from common.xml_text import xml_safe

SCHEMA_VERSION = "5.3.1"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CR = f"http://www.crossref.org/schema/{SCHEMA_VERSION}"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
AI = "http://www.crossref.org/AccessIndicators.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {None: CR, "jats": JATS, "ai": AI, "xsi": XSI}

#: Schema files the Crossref schema imports from the web, and the copies kept beside it.
_LOCAL_COPIES = {
    "http://www.w3.org/2001/xml.xsd": "standard-modules/xml.xsd",
    "http://www.w3.org/2009/01/xml.xsd": "standard-modules/xml.xsd",
    "http://www.w3.org/Math/XMLSchema/mathml3/mathml3.xsd": "standard-modules/mathml3/mathml3.xsd",
}


@dataclass(frozen=True)
class Depositor:
    """Who deposits: the series' depositor (Crossref writes to them) and the registrant (the publisher)."""

    name: str
    email: str
    registrant: str


@dataclass(frozen=True)
class Addresses:
    """The issue's absolute addresses: its page (the DOI's resource) and its PDF ("" while it is not public)."""

    page: str
    pdf: str = ""


class _LocalSchemas(etree.Resolver):
    """Resolves the schema's imports from the web to the copies in ``schemas/``: nothing is fetched."""

    def resolve(self, url, pubid, context):
        local = _LOCAL_COPIES.get(url)
        if local is not None:
            return self.resolve_filename(str(SCHEMA_DIR / local), context)
        return None


@functools.cache
def schema():
    """Crossref's deposit schema, read once per process (about 2 s)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"crossref{SCHEMA_VERSION}.xsd"), parser))


def schema_errors(xml):
    """What makes ``xml`` (bytes) break Crossref's schema, one line each; empty if it is valid."""
    try:
        root = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        return [f"The record is not well-formed XML: {error}"]
    checker = schema()
    if checker.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def timestamp(moment):
    """Crossref's batch timestamp: digits that must grow with each deposit of a DOI (here, milliseconds)."""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attributes.items() if v is not None})
    if text is not None:
        # A character XML forbids (a vertical tab pasted from Word) is a space; spaces are folded.
        element.text = " ".join(xml_safe(text, " ").split())
    return element


def _person(contributors_element, contributor, *, first):
    person = _sub(
        contributors_element,
        f"{{{CR}}}person_name",
        sequence="first" if first else "additional",
        contributor_role="author",
    )
    given, family = contributor.given_name.strip(), contributor.family_name.strip()
    if not family:  # a person known by one name: Crossref's surname is required
        given, family = "", given or contributor.plain_name
    if given:
        _sub(person, f"{{{CR}}}given_name", given)
    _sub(person, f"{{{CR}}}surname", family)
    if contributor.affiliation:
        institution = _sub(_sub(person, f"{{{CR}}}affiliations"), f"{{{CR}}}institution")
        _sub(institution, f"{{{CR}}}institution_name", contributor.affiliation[:1024])


def _licence(parent, document):
    if document.imprint.licence_url:
        program = _sub(parent, f"{{{AI}}}program", name="AccessIndicators")
        _sub(program, f"{{{AI}}}license_ref", document.imprint.licence_url)


def contributors_in_order(document):
    """The record's people: the authors (an interview's interviewer), then an interview's interviewees."""
    return (*document.authors, *document.interviewees)


def deposit_xml(document, *, batch_id, moment, depositor, addresses):
    """The deposit of ``document`` (an issue document with a DOI) as UTF-8 bytes."""
    root = etree.Element(f"{{{CR}}}doi_batch", nsmap=NSMAP, version=SCHEMA_VERSION)
    root.set(f"{{{XSI}}}schemaLocation", f"{CR} https://www.crossref.org/schemas/crossref{SCHEMA_VERSION}.xsd")
    head = _sub(root, f"{{{CR}}}head")
    _sub(head, f"{{{CR}}}doi_batch_id", batch_id)
    _sub(head, f"{{{CR}}}timestamp", timestamp(moment))
    who = _sub(head, f"{{{CR}}}depositor")
    _sub(who, f"{{{CR}}}depositor_name", depositor.name)
    _sub(who, f"{{{CR}}}email_address", depositor.email)
    _sub(head, f"{{{CR}}}registrant", depositor.registrant)

    report = _sub(_sub(root, f"{{{CR}}}body"), f"{{{CR}}}report-paper")
    in_series = bool(document.imprint.issn)
    metadata = _sub(
        report,
        f"{{{CR}}}report-paper_series_metadata" if in_series else f"{{{CR}}}report-paper_metadata",
        language=document.language or "en",
    )
    if in_series:
        # Crossref's series metadata needs an ISSN; a series without one is deposited as a lone report.
        series = _sub(metadata, f"{{{CR}}}series_metadata")
        _sub(_sub(series, f"{{{CR}}}titles"), f"{{{CR}}}title", document.series_name)
        _sub(series, f"{{{CR}}}issn", document.imprint.issn, media_type="electronic")
        _licence(series, document)

    people = contributors_in_order(document)
    if people:
        contributors = _sub(metadata, f"{{{CR}}}contributors")
        for position, contributor in enumerate(people):
            _person(contributors, contributor, first=position == 0)

    _sub(_sub(metadata, f"{{{CR}}}titles"), f"{{{CR}}}title", document.title)
    if document.abstract:
        abstract = _sub(metadata, f"{{{JATS}}}abstract")
        _sub(abstract, f"{{{JATS}}}p", document.abstract)

    date = _sub(metadata, f"{{{CR}}}publication_date", media_type="online")
    _sub(date, f"{{{CR}}}month", f"{document.publication_date.month:02d}")
    _sub(date, f"{{{CR}}}year", f"{document.publication_date.year:04d}")

    publisher = _sub(metadata, f"{{{CR}}}publisher")
    _sub(publisher, f"{{{CR}}}publisher_name", document.publisher_name or document.programme_name)
    if document.imprint.place:
        _sub(publisher, f"{{{CR}}}publisher_place", document.imprint.place)
    institution = _sub(metadata, f"{{{CR}}}institution")
    _sub(institution, f"{{{CR}}}institution_name", document.programme_name)
    if document.programme_short_name and document.programme_short_name != document.programme_name:
        _sub(institution, f"{{{CR}}}institution_acronym", document.programme_short_name)
    if document.imprint.place:
        _sub(institution, f"{{{CR}}}institution_place", document.imprint.place)
    item = _sub(metadata, f"{{{CR}}}publisher_item")
    _sub(item, f"{{{CR}}}identifier", document.subject, id_type="report-number")
    if not in_series:
        _licence(metadata, document)

    doi_data = _sub(metadata, f"{{{CR}}}doi_data")
    _sub(doi_data, f"{{{CR}}}doi", document.doi)
    _sub(doi_data, f"{{{CR}}}resource", addresses.page)
    if addresses.pdf:
        collection = _sub(doi_data, f"{{{CR}}}collection", property="text-mining")
        _sub(_sub(collection, f"{{{CR}}}item"), f"{{{CR}}}resource", addresses.pdf, mime_type="application/pdf")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
