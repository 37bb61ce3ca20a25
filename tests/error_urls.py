"""The site's URLs, plus one that answers with each error page, for the tests.

With ``ROOT_URLCONF = "tests.error_urls"`` (tests/test_error_pages.py, and the
accessibility and HTML checks through tests/public_pages.py) each error page can
be fetched like any other page. The site's own error handlers are used.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.urls import path
from django.views import defaults
from django.views.csrf import csrf_failure

from eucacis import urls as site
from eucacis.errors import request_too_large
from eucacis.security import lockout_response

# Django takes the error views from the ROOT_URLCONF: the site's, where it sets them.
handler400 = getattr(site, "handler400", defaults.bad_request)
handler403 = getattr(site, "handler403", defaults.permission_denied)
handler404 = getattr(site, "handler404", defaults.page_not_found)
handler500 = getattr(site, "handler500", defaults.server_error)


def bad_request(request):
    raise SuspiciousOperation("a malformed request, for the 400 page")


def forbidden(request):
    raise PermissionDenied


def server_error(request):
    raise RuntimeError("a failure, for the 500 page")


def form_text_too_large(request):
    raise RequestDataTooBig("form text over DATA_UPLOAD_MAX_MEMORY_SIZE, for the 413 page")


def request_body_too_large(request):
    return request_too_large(request, limit=settings.MAX_REQUEST_BYTES, received=settings.MAX_REQUEST_BYTES * 2)


def form_not_accepted(request):
    return csrf_failure(request, reason=REASON_NO_CSRF_COOKIE)


def locked_out(request):
    return lockout_response(request, None, {"username": "albina"})


urlpatterns = [
    path("_test/errors/400/", bad_request),
    path("_test/errors/403/", forbidden),
    path("_test/errors/403-csrf/", form_not_accepted),
    path("_test/errors/413/", request_body_too_large),
    path("_test/errors/413-text/", form_text_too_large),
    path("_test/errors/429-locked-out/", locked_out),
    path("_test/errors/500/", server_error),
    *site.urlpatterns,
]
