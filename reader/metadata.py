"""An issue page's metadata for indexers: Highwire Press, Dublin Core, OpenGraph,
Twitter card tags, and schema.org JSON-LD.

Built from the issue document and the issue's absolute addresses
(:class:`reader.links.IssueLinks`), with no database and no request: the page
only places what these functions return.

Who is an author: the document's authors, that is an article's authors and an
interview's interviewers. Google Scholar indexes the authors of a work, and the
printed brief names the interviewer on its cover; the interviewee is what the
interview is about (named in its title). So interviewees are no
``citation_author``; they are ``DC.contributor`` and schema.org ``contributor``.

The publisher is the programme, as the imprint prints it (“Published by the PhD
Support Programme …”), and as the citations name it; the institutes that run the
programme are introduced in the about sections.

What Zotero saves from the page in one click (its “Embedded Metadata” translator,
which hands the ``DC.*``, ``og:*`` and ``eprints.*`` tags to its “RDF” translator,
then lays the ``citation_*`` tags over the result):

- item type *report*, from ``citation_technical_report_institution``;
- abstract: ``citation_abstract`` (the introduction's first paragraph, whole).
  Without it Zotero keeps ``og:description``, which is cut for social cards;
- report type: ``DC.type``, which is therefore the series' name (so APA prints
  “(EUCACIS in Brief No. 6)”), never a DCMI Type word such as “Text”. A report's
  series title cannot be reached from meta tags (RDF needs a typed node);
- place: ``eprints.place_of_pub`` (RDF reads no other literal for it);
- number, institution, ISSN, date, authors: the ``citation_*`` tags;
- DOI: ``citation_doi`` (mapped to the DOI field and passed through
  ``ZU.cleanDOI``); the RDF translator also finds it in a ``DC.identifier``
  whose value ``cleanDOI`` can read, as ``https://doi.org/10.5555/…`` is;
- the PDF, attached: ``citation_pdf_url``.

The DOI, once the issue has one, takes the form each vocabulary expects: the
bare DOI (``10.5555/eucacis-in-brief.6``) where the field is a DOI
(``citation_doi``, JSON-LD's ``PropertyValue``), the DOI as an address
(``https://doi.org/10.5555/…``, as Crossref asks DOIs to be shown) where the
field is an identifier or a link (``DC.identifier``, JSON-LD's ``sameAs``). The
page's own address stays ``og:url``, ``url`` and ``@id``: the DOI resolves to it.
"""

import json
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

#: Meta descriptions longer than this are cut at a word (search engines show ~160).
DESCRIPTION_LIMIT = 200


def description(text, limit=DESCRIPTION_LIMIT):
    """``text`` shortened for a meta description: whole sentences if they fit, else cut at a word with “…”."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    sentence_end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if sentence_end >= limit * 0.6:
        return head[: sentence_end + 1]
    cut = head[:limit].rsplit(" ", 1)[0] if " " in head[:limit] else head[: limit - 1]
    return cut.rstrip(",;:–—-") + "…"


@dataclass(frozen=True)
class MetaTag:
    #: ``name`` (Highwire, Dublin Core, Twitter) or ``property`` (OpenGraph).
    attribute: str
    key: str
    content: str


def _name(key, content):
    return MetaTag("name", key, str(content))


def _property(key, content):
    return MetaTag("property", key, str(content))


def highwire_tags(document, links):
    """Google Scholar's ``citation_*`` tags for a technical report."""
    tags = [_name("citation_title", document.title)]
    for author in document.authors:
        tags.append(_name("citation_author", author.cited.inverted))
        if author.affiliation:
            tags.append(_name("citation_author_institution", author.affiliation))
    tags += [
        _name("citation_publication_date", f"{document.publication_date:%Y/%m/%d}"),
        _name("citation_technical_report_institution", document.publisher_name),
        _name("citation_technical_report_number", document.number),
        _name("citation_issn", document.imprint.issn),
    ]
    if document.doi:
        # The bare DOI, as publishers' pages give it and Zotero and Google Scholar read it.
        tags.append(_name("citation_doi", document.doi))
    tags += [
        _name("citation_language", document.language),
        _name("citation_keywords", "; ".join(document.keywords)),
        _name("citation_abstract", document.abstract),
        _name("citation_pdf_url", links.pdf),
        _name("citation_abstract_html_url", links.page),
        _name("citation_fulltext_html_url", links.page),
    ]
    return tags


def dublin_core_tags(document, links):
    tags = [_name("DC.title", document.title)]
    tags += [_name("DC.creator", author.cited.inverted) for author in document.authors]
    tags += [_name("DC.contributor", person.cited.inverted) for person in document.interviewees]
    tags += [
        _name("DC.date", document.publication_date.isoformat()),
        _name("DC.publisher", document.publisher_name),
        # The kind of report, as reference managers take it (Zotero's report type,
        # CSL's genre): the series. A DCMI Type word (“Text”) would be cited as
        # “(Text No. 6)”; the format below already says it is text.
        _name("DC.type", document.series_name),
        _name("DC.format", "text/html"),
    ]
    if document.doi:
        # The DOI as its address, a URI (DCMI names URIs and DOIs among the formal identification
        # systems), which Zotero's RDF translator reads back to the DOI; the page's address follows.
        tags.append(_name("DC.identifier", document.doi_url))
    tags += [
        _name("DC.identifier", links.page),
        _name("DC.language", document.language),
        _name("DC.description", document.abstract),
        _name("DC.relation.ispartof", document.series_name),
    ]
    if document.imprint.issn:
        tags.append(_name("DC.relation.ispartof", f"urn:ISSN:{document.imprint.issn}"))
    if document.imprint.licence:
        # Zotero's Embedded Metadata translator files DC.rights as the item's Rights.
        tags.append(_name("DC.rights", f"{document.imprint.licence} ({document.imprint.licence_url})"))
    tags += [_name("DC.subject", keyword) for keyword in document.keywords]
    return tags


def eprints_tags(document):
    """The place of publication, in the one tag Zotero reads it from (EPrints' ``place_of_pub``)."""
    return [_name("eprints.place_of_pub", document.imprint.place)] if document.imprint.place else []


def opengraph_tags(document, links):
    tags = [
        _property("og:type", "article"),
        _property("og:title", document.title),
        _property("og:description", description(document.abstract)),
        _property("og:url", links.page),
        # The site's name, as its header prints it (templates/base.html).
        _property("og:site_name", f"{document.programme_short_name or document.programme_name} publications"),
        _property("article:published_time", document.publication_date.isoformat()),
    ]
    if document.corrections:
        tags.append(_property("article:modified_time", document.corrections[-1][0].isoformat()))
    tags += [_property("article:author", links.absolute(author.url)) for author in document.authors]
    tags.append(_property("article:section", document.series_name))
    tags += [_property("article:tag", keyword) for keyword in document.keywords]
    return tags


def twitter_tags(document):
    return [
        _name("twitter:card", "summary"),
        _name("twitter:title", document.title),
        _name("twitter:description", description(document.abstract)),
    ]


def meta_tags(document, links):
    """Every ``<meta>`` of the issue page but the plain description, in order."""
    return [
        *highwire_tags(document, links),
        *dublin_core_tags(document, links),
        *eprints_tags(document),
        *opengraph_tags(document, links),
        *twitter_tags(document),
    ]


def render_meta_tags(tags):
    """The tags as HTML, one per line, every value escaped.

    With the standard library's ``escape`` and one ``mark_safe``: ``format_html``
    per tag cost a tenth of the page's rendering time.
    """
    return mark_safe("\n  ".join(f'<meta {t.attribute}="{escape(t.key)}" content="{escape(t.content)}">' for t in tags))


# -- schema.org ------------------------------------------------------------------


def _person(contributor, links):
    person = {
        "@type": "Person",
        "name": contributor.plain_name,
        "givenName": contributor.cited.given,
        "familyName": contributor.cited.full_family,
        "url": links.absolute(contributor.url),
    }
    if contributor.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": contributor.affiliation}
    return {key: value for key, value in person.items() if value}


def _organisation(name, short_name, website):
    organisation = {"@type": "Organization", "name": name, "alternateName": short_name, "url": website}
    return {key: value for key, value in organisation.items() if value}


def _place(tag, links):
    """A country (with its ISO 3166 code) or a region the issue concerns."""
    place = {"@type": "Country" if tag.code else "Place", "name": tag.name, "url": links.absolute(tag.url)}
    if tag.code:
        place["identifier"] = tag.code
    return place


def json_ld(document, links):
    """The issue as a schema.org ``Report`` in a ``Periodical`` (the series), as plain data."""
    publisher = {"@type": "Organization", "name": document.publisher_name}
    if document.programme_short_name:
        publisher["alternateName"] = document.programme_short_name
    if document.programme_website:
        publisher["url"] = document.programme_website
    series = {"@type": "Periodical", "name": document.series_name, "url": links.series}
    if document.imprint.issn:
        series["issn"] = document.imprint.issn
    report = {
        "@context": "https://schema.org",
        "@type": "Report",
        "@id": links.page,
        "url": links.page,
        "name": document.title,
        "headline": document.title,
        "reportNumber": str(document.number),
        "genre": document.kind_label,
        "datePublished": document.publication_date.isoformat(),
        "inLanguage": document.language,
        "description": description(document.abstract),
        "abstract": document.abstract,
        "author": [_person(author, links) for author in document.authors],
        "contributor": [_person(person, links) for person in document.interviewees],
        "isPartOf": series,
        # The programme publishes the series; the institutions that organise it publish with it.
        "publisher": [publisher, *(_organisation(*organiser) for organiser in document.organisers)],
        "locationCreated": {"@type": "Place", "name": document.imprint.place} if document.imprint.place else None,
        "keywords": list(document.keywords),
        # schema.org wants the licence's address (its deed), not its name.
        "license": document.imprint.licence_url,
        # What it is about, and where: the topic and place pages list its kind.
        "about": [{"@type": "Thing", "name": tag.name, "url": links.absolute(tag.url)} for tag in document.topics],
        "spatialCoverage": [_place(tag, links) for tag in document.places],
        "encoding": {
            "@type": "MediaObject",
            "encodingFormat": "application/pdf",
            "contentUrl": links.pdf,
            "name": document.pdf_filename,
        },
    }
    if document.doi:
        # schema.org has no DOI property: an identifier as a PropertyValue whose propertyID names
        # the scheme, and the DOI's address in sameAs (another address of the same work).
        report["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": document.doi}
        report["sameAs"] = document.doi_url
    if document.corrections:
        report["dateModified"] = document.corrections[-1][0].isoformat()
        report["correction"] = [
            {"@type": "CorrectionComment", "datePublished": when.isoformat(), "text": note}
            for when, note in document.corrections
        ]
    return {key: value for key, value in report.items() if value not in (None, "", [], {})}


#: JSON inside <script> must not close the element or open a comment: these become \\u escapes.
_SCRIPT_SAFE = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render_json_ld(data):
    """``<script type="application/ld+json">`` with ``data``, safe to embed whatever its text.

    The same escaping as Django's ``json_script`` (which only writes
    ``type="application/json"``): no ``</script>`` can end the element early.
    It is a data block, which the Content-Security-Policy does not govern (it
    runs no script), so the page needs no nonce and stays cacheable.
    """
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE:  # str.replace: translate() took a quarter of the page's metadata time
        payload = payload.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@dataclass(frozen=True)
class PageMetadata:
    canonical: str
    description: str
    head: str


def page_metadata(document, links):
    """What the issue page's ``<head>`` says about it: canonical address, description, tags and JSON-LD."""
    head = render_meta_tags(meta_tags(document, links)) + mark_safe("\n  ") + render_json_ld(json_ld(document, links))
    return PageMetadata(canonical=links.page, description=description(document.abstract), head=head)
