"""Error pages that go beyond Django's defaults: the answer to a request too large.

A request whose declared length is over ``MAX_REQUEST_BYTES`` is refused before
its body is read; form text over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django raises
``RequestDataTooBig`` as it reads it, a 400 by default) gets the same page. Both
answer 413 and say what the limits are. The 400, 403, 404 and 500 pages are
Django's own views with our templates.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.views import defaults


def request_too_large(request, *, limit, received=None, text_only=False):
    context = {
        "limit": limit,
        "received": received,
        "text_only": text_only,
        "photo_limit": settings.PERSON_PHOTO_MAX_BYTES,
        "spreadsheet_limit": settings.FELLOW_IMPORT_MAX_BYTES,
    }
    return render(request, "413.html", context, status=413)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    """handler400: Django's page, but form text too large to read is a 413."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE, text_only=True)
    return defaults.bad_request(request, exception, template_name)


class RequestSizeLimitMiddleware:
    """Answers 413 to a request that declares a body over ``MAX_REQUEST_BYTES``.

    Django limits form text but streams uploaded files to disk whatever their
    size; this refuses an oversized request from its ``Content-Length`` header,
    before anything reads the body. (Without that header Django reads no body.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then either
        if length > settings.MAX_REQUEST_BYTES:
            return request_too_large(request, limit=settings.MAX_REQUEST_BYTES, received=length)
        return self.get_response(request)
