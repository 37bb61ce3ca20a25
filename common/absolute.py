"""Absolute addresses for what leaves the site (feeds, the sitemap, robots.txt).

One rule: the origin is ``settings.SITE_URL`` when it is set, else the request's
own scheme and host (Django has checked the host against ``ALLOWED_HOSTS``).
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_origin(request):
    """``https://briefs.example.org``: the origin absolute addresses start with, no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path):
    """``path`` (as ``reverse()`` or ``get_absolute_url()`` give it) as an absolute address."""
    if urlsplit(path).scheme:
        return path
    return site_origin(request) + path
