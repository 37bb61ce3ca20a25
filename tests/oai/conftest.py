"""Asking the endpoint as a harvester does: every answer is checked against the schemas first."""

import datetime

import pytest

from tests.oai.validation import validate

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


class Answer:
    """A parsed, schema-valid OAI-PMH response."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        self.response = response
        self.tree = validate(response.content)

    def xpath(self, path):
        return self.tree.xpath(path, namespaces=NS)

    @property
    def errors(self):
        return [e.get("code") for e in self.xpath("/o:OAI-PMH/o:error")]

    @property
    def request_attributes(self):
        return dict(self.xpath("/o:OAI-PMH/o:request")[0].attrib)

    @property
    def identifiers(self):
        return [str(t) for t in self.xpath("//o:header/o:identifier/text()")]

    def header(self, identifier):
        (header,) = self.xpath(f"//o:header[o:identifier='{identifier}']")
        return header

    def datestamp(self, identifier):
        text = self.header(identifier).findtext("o:datestamp", namespaces=NS)
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)

    def is_deleted(self, identifier):
        return self.header(identifier).get("status") == "deleted"

    @property
    def token(self):
        found = self.xpath("//o:resumptionToken")
        return found[0] if found else None

    def dc(self, identifier=None):
        """``{element: [values]}`` of the record (the only one, or ``identifier``'s)."""
        records = self.xpath("//o:record")
        if identifier:
            records = [r for r in records if r.findtext("o:header/o:identifier", namespaces=NS) == identifier]
        (record,) = records
        found = {}
        for element in record.xpath("o:metadata/oai_dc:dc/*", namespaces=NS):
            found.setdefault(element.tag.split("}")[1], []).append(element.text)
        return found


@pytest.fixture
def oai(client):
    """``oai(verb="Identify", ...)``: the endpoint's answer to a GET (``method="post"`` for a POST)."""

    def ask(method="get", **arguments):
        return Answer(getattr(client, method)("/oai/", arguments))

    return ask


@pytest.fixture
def clock(monkeypatch):
    """Set the moment the endpoint answers at: ``clock(moment)``."""
    from oai import views

    def set_to(moment):
        monkeypatch.setattr(views, "clock", lambda: moment)

    return set_to


def identifier(issue):
    from oai.records import identifier_of

    return identifier_of(issue.pk)
