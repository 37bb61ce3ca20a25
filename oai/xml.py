"""OAI-PMH responses as XML, with lxml: pure functions from plain data to bytes."""

from lxml import etree

from common.xml_text import xml_safe
from oai.protocol import METADATA_FORMATS, datestamp

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_SCHEMA = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"

#: Characters XML 1.0 cannot carry, even escaped, are taken out of every text.
clean = xml_safe


def _add(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean(text)
    return element


def envelope(*, response_date, base_url, arguments):
    """The ``<OAI-PMH>`` root with its ``responseDate`` and ``request``; ``arguments`` become attributes."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA)
    _add(root, f"{{{OAI}}}responseDate", datestamp(response_date))
    _add(root, f"{{{OAI}}}request", base_url, **arguments)
    return root


def serialise(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def errors(root, found):
    for error in found:
        _add(root, f"{{{OAI}}}error", error.message, code=error.code)
    return root


def identify(root, *, name, base_url, admin_emails, earliest, repository_identifier, sample_identifier):
    verb = _add(root, f"{{{OAI}}}Identify")
    _add(verb, f"{{{OAI}}}repositoryName", name)
    _add(verb, f"{{{OAI}}}baseURL", base_url)
    _add(verb, f"{{{OAI}}}protocolVersion", "2.0")
    for email in admin_emails:
        _add(verb, f"{{{OAI}}}adminEmail", email)
    _add(verb, f"{{{OAI}}}earliestDatestamp", datestamp(earliest))
    _add(verb, f"{{{OAI}}}deletedRecord", "persistent")
    _add(verb, f"{{{OAI}}}granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _add(verb, f"{{{OAI}}}description")
    ident = etree.SubElement(description, f"{{{OAI_IDENTIFIER}}}oai-identifier", nsmap={None: OAI_IDENTIFIER})
    ident.set(f"{{{XSI}}}schemaLocation", f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
    _add(ident, f"{{{OAI_IDENTIFIER}}}scheme", "oai")
    _add(ident, f"{{{OAI_IDENTIFIER}}}repositoryIdentifier", repository_identifier)
    _add(ident, f"{{{OAI_IDENTIFIER}}}delimiter", ":")
    _add(ident, f"{{{OAI_IDENTIFIER}}}sampleIdentifier", sample_identifier)
    return root


def metadata_formats(root):
    verb = _add(root, f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        entry = _add(verb, f"{{{OAI}}}metadataFormat")
        _add(entry, f"{{{OAI}}}metadataPrefix", prefix)
        _add(entry, f"{{{OAI}}}schema", schema)
        _add(entry, f"{{{OAI}}}metadataNamespace", namespace)
    return root


def list_sets(root, found):
    verb = _add(root, f"{{{OAI}}}ListSets")
    for spec, name in found:
        entry = _add(verb, f"{{{OAI}}}set")
        _add(entry, f"{{{OAI}}}setSpec", spec)
        _add(entry, f"{{{OAI}}}setName", name)
    return root


def _header(parent, header):
    element = _add(parent, f"{{{OAI}}}header", **({"status": "deleted"} if header.deleted else {}))
    _add(element, f"{{{OAI}}}identifier", header.identifier)
    _add(element, f"{{{OAI}}}datestamp", datestamp(header.datestamp))
    for spec in header.set_specs:
        _add(element, f"{{{OAI}}}setSpec", spec)


def _record(parent, record):
    element = _add(parent, f"{{{OAI}}}record")
    _header(element, record.header)
    if record.header.deleted:
        return
    metadata = _add(element, f"{{{OAI}}}metadata")
    dc = etree.SubElement(metadata, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    for name, value in record.metadata:
        _add(dc, f"{{{DC}}}{name}", value)


def get_record(root, record):
    _record(_add(root, f"{{{OAI}}}GetRecord"), record)
    return root


def _resumption(parent, resumption):
    if resumption is None:
        return
    token, size, cursor, expires = resumption
    attributes = {"completeListSize": str(size), "cursor": str(cursor)}
    if token:
        attributes["expirationDate"] = datestamp(expires)
    _add(parent, f"{{{OAI}}}resumptionToken", token, **attributes)


def list_identifiers(root, headers, resumption):
    verb = _add(root, f"{{{OAI}}}ListIdentifiers")
    for header in headers:
        _header(verb, header)
    _resumption(verb, resumption)
    return root


def list_records(root, records, resumption):
    verb = _add(root, f"{{{OAI}}}ListRecords")
    for record in records:
        _record(verb, record)
    _resumption(verb, resumption)
    return root
