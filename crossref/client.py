"""Talking to Crossref: sending a deposit, and asking for its result.

Crossref's deposit API (https://www.crossref.org/documentation/register-maintain-records/direct-deposit-xml/https-post/):

- **Send**: ``POST`` to the deposit address (``…/servlet/deposit``) as
  ``multipart/form-data`` with ``operation=doMDUpload``, ``login_id``,
  ``login_passwd`` and the file as ``fname``. Crossref answers 200 with a short
  HTML page whose heading says ``SUCCESS`` (the file is queued for processing) or
  ``FAILURE`` (with the reason); a wrong login is a 401 or 403.
- **Result**: ``GET …/servlet/submissionDownload?usr=…&pwd=…&doi_batch_id=…&type=result``
  gives a ``doi_batch_diagnostic`` document: ``status="completed"`` once processed,
  with a ``record_diagnostic`` per DOI (``Success``, ``Warning`` or ``Failure``, and
  a ``msg``); before that, ``status="queued"`` or ``"in_process"``, or
  ``unknown_submission`` if the batch is not yet known.

These machines cannot reach Crossref: the tests run these functions against a local
HTTP server that answers as these endpoints do (tests/crossref/fake_crossref.py).
"""

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin

import requests
from lxml import etree

#: Outcomes of a call, for the job to act on.
SENT, REFUSED, LOGIN_REFUSED, UNREACHABLE = "sent", "refused", "login refused", "unreachable"
ACCEPTED, REJECTED, PENDING = "accepted", "rejected", "pending"


@dataclass(frozen=True)
class Answer:
    outcome: str
    message: str


def _text_of(html, limit=500):
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html or "")).split())
    return text[:limit]


def send(url, *, login, password, filename, xml, timeout):
    """Send a deposit file; returns an :class:`Answer` (never raises for the network or Crossref)."""
    try:
        response = requests.post(
            url,
            data={"operation": "doMDUpload", "login_id": login, "login_passwd": password},
            files={"fname": (filename, xml, "application/xml")},
            timeout=timeout,
        )
    except requests.Timeout:
        return Answer(UNREACHABLE, f"Crossref did not answer within {timeout:g} s.")
    except requests.RequestException as error:
        return Answer(UNREACHABLE, f"Crossref could not be reached: {type(error).__name__}.")
    body = _text_of(response.text)
    if response.status_code in (401, 403):
        return Answer(LOGIN_REFUSED, f"Crossref refused the login (HTTP {response.status_code}). {body}".strip())
    if response.status_code >= 500 or response.status_code == 429:
        return Answer(UNREACHABLE, f"Crossref answered HTTP {response.status_code}: {body}".strip())
    if response.status_code != 200:
        return Answer(REFUSED, f"Crossref refused the file (HTTP {response.status_code}): {body}".strip())
    if "SUCCESS" in response.text.upper() and "FAILURE" not in response.text.upper():
        return Answer(SENT, body or "Crossref received the file.")
    return Answer(REFUSED, body or "Crossref did not accept the file and gave no reason.")


def result_url(deposit_url):
    """Where the result of a deposit sent to ``deposit_url`` is asked for (beside it: ``…/servlet/submissionDownload``)."""
    return urljoin(deposit_url, "submissionDownload")


def result(deposit_url, *, login, password, batch_id, doi, timeout):
    """Crossref's result for the batch ``batch_id``: accepted, rejected, or still pending (or unreachable)."""
    try:
        response = requests.get(
            result_url(deposit_url),
            params={"usr": login, "pwd": password, "doi_batch_id": batch_id, "type": "result"},
            timeout=timeout,
        )
    except requests.Timeout:
        return Answer(UNREACHABLE, f"Crossref did not answer within {timeout:g} s.")
    except requests.RequestException as error:
        return Answer(UNREACHABLE, f"Crossref could not be reached: {type(error).__name__}.")
    if response.status_code in (401, 403):
        return Answer(LOGIN_REFUSED, f"Crossref refused the login (HTTP {response.status_code}).")
    if response.status_code != 200:
        return Answer(UNREACHABLE, f"Crossref answered HTTP {response.status_code}: {_text_of(response.text)}")
    return read_result(response.content, doi=doi)


def read_result(content, *, doi):
    """Read a ``doi_batch_diagnostic`` document (bytes)."""
    try:
        root = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return Answer(PENDING, f"Crossref's answer was not a result: {_text_of(content.decode(errors='replace'))}")
    root_name = etree.QName(root).localname
    status = root.get("status", "")
    if root_name != "doi_batch_diagnostic" or status != "completed":
        return Answer(PENDING, f"Crossref has not processed the file yet ({status or root_name}).")
    records = [r for r in root.iter() if etree.QName(r).localname == "record_diagnostic"]
    mine = [r for r in records if (_child_text(r, "doi") or "").lower() == doi.lower()] or records
    if not mine:
        return Answer(REJECTED, "Crossref processed the file but reported no record in it.")
    record = mine[0]
    message = _child_text(record, "msg") or ""
    if record.get("status") in ("Success", "Warning"):
        return Answer(ACCEPTED, message or "Crossref registered the record.")
    return Answer(REJECTED, message or "Crossref rejected the record and gave no reason.")


def _child_text(element, name):
    for child in element:
        if etree.QName(child).localname == name:
            return " ".join((child.text or "").split())
    return None
