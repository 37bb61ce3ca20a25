"""Every page carries a strict Content-Security-Policy (django-csp).

Only our own origin may supply scripts, styles, images and fonts; no inline
script runs but the admin's import map, with the response's nonce; the one
inline style allowed is the prose editor's base stylesheet, by its hash; no
plugins, no framing, forms post only to us, and ``<base>`` cannot move links.
tests/browser/test_content_security_policy.py checks in Chromium that the
policy blocks nothing the site uses.
"""

import base64
import hashlib
import re
from pathlib import Path

import django_prose_editor
import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from eucacis.security import ContentSecurityPolicyMiddleware

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": f"'self' {settings.PROSE_EDITOR_STYLE_HASH}",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/", "/issues/", "/fellows/", "/no-such-page/", "/admin/login/"])
def test_public_pages_and_the_login_page_carry_the_strict_policy(client, db, path):
    # No nonce either: a page's header is the same on every request, so a cached page stays valid.
    assert directives(client.get(path)) == STRICT


def test_the_admin_import_map_runs_with_the_nonce_of_its_response_and_nothing_else_inline(editor_client):
    response = editor_client.get("/admin/briefs/issue/add/")
    script_src = directives(response)["script-src"]
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9+/=]+)'", script_src)
    assert nonce, f"script-src is {script_src!r}"
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce[1]}">' in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html)
    assert all(f'nonce="{nonce[1]}"' in tag for tag in inline), inline


def _through_the_middleware(response):
    return ContentSecurityPolicyMiddleware(lambda request: response)(RequestFactory().get("/"))


def test_a_pdf_gets_no_policy_which_would_leave_chromes_viewer_blank():
    pdf = _through_the_middleware(HttpResponse(b"%PDF-1.7", content_type="application/pdf"))
    assert "Content-Security-Policy" not in pdf
    assert "Content-Security-Policy" in _through_the_middleware(HttpResponse(b"<p>", content_type="text/html"))


def test_the_allowed_inline_style_is_the_prose_editors_base_stylesheet():
    editor_js = Path(django_prose_editor.__file__).parent / "static" / "django_prose_editor" / "editor.js"
    stylesheet = re.search(r"`(\.ProseMirror \{\n  position: relative;[^`]*)`", editor_js.read_text())
    assert stylesheet, f"ProseMirror's base stylesheet is no longer in {editor_js}"
    digest = base64.b64encode(hashlib.sha256(stylesheet[1].encode()).digest()).decode()
    assert settings.PROSE_EDITOR_STYLE_HASH == f"'sha256-{digest}'", (
        f"The prose editor's stylesheet changed: set PROSE_EDITOR_STYLE_HASH = \"'sha256-{digest}'\""
    )
