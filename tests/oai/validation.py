"""Validate OAI-PMH responses against the schemas kept in tests/oai/schemas, offline.

One schema document imports the OAI-PMH, oai_dc and oai-identifier schemas, so
``<metadata>`` and ``<description>`` (``processContents="strict"``) are checked
too. The web addresses the schemas import each other by are replaced by the
local files in memory (see tests/oai/schemas/README.md); nothing is fetched.
"""

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"
#: Addresses the kept schemas import, and the kept file for each.
LOCAL = {
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
}


def _local_copy(name, directory):
    """``name`` with its imports pointing at files in ``directory``; written there, never in SCHEMAS."""
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    for address, local in LOCAL.items():
        text = text.replace(f'"{address}"', f'"{(directory / local).as_uri()}"')
    (directory / name).write_text(text, encoding="utf-8")


@cache
def schema():
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="oai-schemas-"))
    for path in SCHEMAS.glob("*.xsd"):
        _local_copy(path.name, directory)
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{(directory / name).as_uri()}"/>'
        for namespace, name in (
            ("http://www.openarchives.org/OAI/2.0/", "OAI-PMH.xsd"),
            ("http://www.openarchives.org/OAI/2.0/oai_dc/", "oai_dc.xsd"),
            ("http://www.openarchives.org/OAI/2.0/oai-identifier", "oai-identifier.xsd"),
        )
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=directory.as_uri() + "/"))


def validate(content):
    """The parsed response; AssertionError naming every schema error if it is not valid."""
    document = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    checker = schema()
    if not checker.validate(document):
        raise AssertionError("\n".join(str(error) for error in checker.error_log) + "\n" + content.decode()[:2000])
    return document
