"""A plain HTTP client for tests and scripts that talk to a real server: forms, cookies, redirects."""

import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from http.cookies import SimpleCookie


class Form(HTMLParser):
    """The fields of one form, as a browser would submit them unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self._select, self._textarea = form_id, False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields.append([attrs["name"], attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")])
        elif tag == "select":
            self._select = [attrs["name"], None, "multiple" in attrs]
        elif tag == "option" and self._select is not None:
            name, _choice, multiple = self._select
            if multiple:
                # Every selected option, each as a value of its own; none when none is.
                if "selected" in attrs:
                    self.fields.append([name, attrs.get("value", "")])
            # The selected option, else the first, as a browser submits a single select.
            elif "selected" in attrs or self._select[1] is None:
                self._select[1] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, choice, multiple = self._select
            if not multiple:
                self.fields.append([name, choice or ""])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(self._textarea)
            self._textarea = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """Keeps cookies by hand: production cookies are Secure, and this talks plain HTTP to the servers."""

    def __init__(self):
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def _keep_cookies(self, headers):
        for header in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})

    def _open(self, request, binary=False):
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with self.opener.open(request, timeout=60) as response:
                self._keep_cookies(response.headers)
                data = response.read()
                return response.status, data if binary else data.decode()
        except urllib.error.HTTPError as redirect:
            if redirect.code not in (301, 302, 303):
                raise
            self._keep_cookies(redirect.headers)
            return self.get(urllib.parse.urljoin(request.full_url, redirect.headers["Location"]))

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, fields):
        return self._open(
            urllib.request.Request(
                url,
                data=urllib.parse.urlencode(
                    [tuple(f) for f in (fields.items() if isinstance(fields, dict) else fields)]
                ).encode(),
                headers={"Referer": url},
            )
        )

    def get_bytes(self, url):
        """The status and body of a file (a PDF, a photo), undecoded; an error status is returned, not raised."""
        try:
            return self._open(urllib.request.Request(url), binary=True)
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post_multipart(self, url, fields, files):
        """Post a form with files: ``files`` maps a field name to ``(file name, bytes, content type)``."""
        boundary = f"----eucacis-test-{uuid.uuid4().hex}"
        parts = []
        for name, value in fields.items() if isinstance(fields, dict) else fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Referer": url, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self._open(urllib.request.Request(url, data=body, headers=headers))
