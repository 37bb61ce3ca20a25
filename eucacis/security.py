"""Defences of the whole site: who the client is behind the proxy, the page
shown when repeated wrong passwords pause signing in (django-axes), and the
Content-Security-Policy header (django-csp)."""

import math
from dataclasses import asdict

from axes.helpers import get_client_username, get_cool_off
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.shortcuts import render
from js_asset import Media as ScriptAwareMedia

from common.clients import client_ip  # noqa: F401 (AXES_CLIENT_IP_CALLABLE names it here)


def describe_duration(delta):
    """'15 minutes', '1 minute', '2 hours': a cool-off as a reader says it (rounded up to minutes)."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_response(request, original_response=None, credentials=None):
    """The page for a sign-in refused because of too many failures (AXES_LOCKOUT_CALLABLE).

    429 Too Many Requests, with ``Retry-After`` the cool-off in seconds.
    """
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off": describe_duration(cool_off),
    }
    response = render(request, "axes/lockout.html", context, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the two exceptions the policy needs here.

    - The prose editor's form media carry an import map, an inline ``<script>``
      that the policy runs only with the response's nonce. Django 5.2's admin
      renders ``{{ media }}`` without one, so the nonce is given to the media
      (django-js-asset's ``Media`` puts it on every tag it renders) before the
      template is rendered.
    - A PDF gets no policy. Chrome shows a PDF inside a page of its own making
      whose inline styles a strict policy blocks, and the viewer stays blank
      (Chromium issue 271452). A PDF runs none of our scripts anyway.
    """

    def process_template_response(self, request, response):
        context = response.context_data
        media = context.get("media") if isinstance(context, dict) else None
        if isinstance(media, ScriptAwareMedia):
            context["media"] = media.with_nonce(str(request.csp_nonce))
        return response

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            response._csp_exempt = True
        if (
            getattr(request, "_csp_nonce", None) is None
            and not _REPORT_ONLY
            and not any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
        ):
            # No nonce and no per-response policy: the header is the same on every
            # such response (nearly all pages), so it is built once, not each time.
            if "Content-Security-Policy" not in response and not request.path_info.startswith(_excluded_prefixes()):
                response["Content-Security-Policy"] = _fixed_policy(self, request, response)
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)


#: Attributes by which a view changes the policy of one response (django-csp's decorators).
_PER_RESPONSE_POLICY = (
    "_csp_exempt",
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt_ro",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_fixed = {}
_REPORT_ONLY = bool(getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None))


def _excluded_prefixes():
    return tuple((getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


def _fixed_policy(middleware, request, response):
    key = id(settings.CONTENT_SECURITY_POLICY)  # a new value when the setting changes (tests)
    if key not in _fixed:
        _fixed.clear()
        _fixed[key] = build_policy(**asdict(middleware.get_policy_parts(request=request, response=response)))
    return _fixed[key]
