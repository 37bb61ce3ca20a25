"""The benchmark's reference: the least a Django view can do to send N bytes."""

from django.http import HttpResponse


def minimal(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")
