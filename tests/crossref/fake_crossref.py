"""A local HTTP server that answers as Crossref's deposit endpoints do, for the deposit job's tests.

It stands in for Crossref, which these machines cannot reach. Its answers follow
Crossref's documentation of ``/servlet/deposit`` (a ``multipart/form-data`` POST with
``operation=doMDUpload``, ``login_id``, ``login_passwd`` and the file as ``fname``;
an HTML page saying SUCCESS or FAILURE; 401 for a wrong login) and of
``/servlet/submissionDownload?type=result`` (a ``doi_batch_diagnostic`` document).

``mode`` decides how it answers: ``"accept"``, ``"reject"`` (the file is received, the
record then fails), ``"refuse"`` (the upload itself is answered FAILURE), ``"timeout"``
(no answer before the client gives up), ``"error"`` (503), ``"pending"`` (the result
is not ready yet). It records what it was sent.
"""

import email.parser
import email.policy
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOGIN, PASSWORD = "eucacis-test", "s3cret-test"

SUCCESS_PAGE = (
    "<html><head><title>SUCCESS</title></head><body><h2>SUCCESS</h2>"
    "<p>Your batch submission was successfully received.</p></body></html>"
)
FAILURE_PAGE = (
    "<html><head><title>FAILURE</title></head><body><h2>FAILURE</h2>"
    "<p>The file is not a Crossref deposit: no doi_batch element.</p></body></html>"
)


def _diagnostic(batch_id, doi, status, message):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<doi_batch_diagnostic status="completed" sp="fake.crossref.local">
  <submission_id>1428571</submission_id>
  <batch_id>{batch_id}</batch_id>
  <record_diagnostic status="{status}">
    <doi>{doi}</doi>
    <msg>{message}</msg>
  </record_diagnostic>
  <batch_data><record_count>1</record_count><success_count>{int(status != "Failure")}</success_count>
  <warning_count>0</warning_count><failure_count>{int(status == "Failure")}</failure_count></batch_data>
</doi_batch_diagnostic>""".encode()


@dataclass
class Received:
    fields: dict
    filename: str
    xml: bytes


@dataclass
class FakeCrossref:
    mode: str = "accept"
    sleep: float = 0.0
    deposits: list = field(default_factory=list)
    result_requests: list = field(default_factory=list)
    server: ThreadingHTTPServer = None

    @property
    def deposit_url(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}/servlet/deposit"

    def doi_of(self, received):
        from lxml import etree

        return etree.fromstring(received.xml).findtext(".//{*}doi_data/{*}doi")


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, body, content_type="text/html; charset=UTF-8"):
            if fake.mode == "timeout":
                time.sleep(fake.sleep)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            if urlsplit(self.path).path != "/servlet/deposit":
                return self._answer(404, b"not here")
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw
            )
            fields, filename, xml = {}, "", b""
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    filename, xml = part.get_filename(), part.get_payload(decode=True)
                else:
                    fields[name] = part.get_content().strip()
            if fields.get("login_id") != LOGIN or fields.get("login_passwd") != PASSWORD:
                return self._answer(401, b"<html><body><h2>FAILURE</h2><p>Invalid login.</p></body></html>")
            if fake.mode == "error":
                return self._answer(503, b"<html><body>Service Unavailable</body></html>")
            received = Received(fields, filename, xml)
            fake.deposits.append(received)
            if fake.mode == "refuse" or fields.get("operation") != "doMDUpload":
                return self._answer(200, FAILURE_PAGE.encode())
            return self._answer(200, SUCCESS_PAGE.encode())

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/servlet/submissionDownload":
                return self._answer(404, b"not here")
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            fake.result_requests.append(query)
            if query.get("usr") != LOGIN or query.get("pwd") != PASSWORD:
                return self._answer(401, b"Invalid login.")
            batch_id = query.get("doi_batch_id", "")
            sent = [d for d in fake.deposits if batch_id and batch_id.encode() in d.xml]
            if fake.mode == "pending" or not sent:
                body = f'<doi_batch_diagnostic status="queued"><batch_id>{batch_id}</batch_id></doi_batch_diagnostic>'
                return self._answer(200, body.encode(), "text/xml")
            doi = fake.doi_of(sent[-1])
            if fake.mode == "reject":
                body = _diagnostic(
                    batch_id,
                    doi,
                    "Failure",
                    "Record not processed because submitted version: "
                    "20261206 is less or equal to previously submitted version (DOI match)",
                )
            else:
                body = _diagnostic(batch_id, doi, "Success", "Successfully added")
            return self._answer(200, body, "text/xml")

    return Handler


def start(mode="accept", *, sleep=0.0):
    fake = FakeCrossref(mode=mode, sleep=sleep)
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.server.daemon_threads = True
    threading.Thread(target=fake.server.serve_forever, daemon=True).start()
    return fake
