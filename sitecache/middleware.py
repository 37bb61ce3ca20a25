"""The page cache: rendered pages for anonymous readers, never stale.

A request qualifies when it is a GET or HEAD without a session cookie (so it is
not a member of staff, whose previews are never cached) for a path outside
``PAGE_CACHE_EXCLUDE``. The middleware comes first: a page is stored with the
headers the middleware inside it added (security headers, the
Content-Security-Policy) and sent again without running any of them. One cache round trip fetches the content state and the
page; the page is served if it was rendered under the current content version
(:mod:`sitecache.versioning`). A conditional request whose ETag matches the
current version is answered 304 without fetching or rendering anything
(If-Modified-Since alone is not trusted: it counts whole seconds).

Qualifying responses carry an ETag, Last-Modified and a Cache-Control that lets a
CDN keep them only while they can be revalidated; they never say
``Vary: Cookie``, since nothing in them depends on one.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date

from sitecache.versioning import cache, current_state, read_state, serving_under

logger = logging.getLogger(__name__)

#: Headers a cached page is not stored with: made afresh for every response.
_FRESH_HEADERS = {"content-length", "date", "etag", "last-modified", "cache-control", "set-cookie", "vary"}


def may_preview(request):
    """Whether this visitor may see pages the public cannot see yet (drafts, scheduled issues).

    Only active staff with ``PAGE_PREVIEW_PERMISSION`` may; other staff get what
    the public gets. A visitor with no session cookie is anonymous and answered
    at once: asking ``request.user`` would load an empty session (a query) and
    make the response ``Vary: Cookie``. A signed-in visitor always has the
    cookie, so whatever the answer their responses never enter the page cache
    (see ``_qualifies``).
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = request.user
    return user.is_active and user.is_staff and user.has_perm(settings.PAGE_PREVIEW_PERMISSION)


def _qualifies(request):
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method in ("GET", "HEAD")
        # Outermost middleware: plain HTTP is left to SecurityMiddleware's redirect.
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(tuple(settings.PAGE_CACHE_EXCLUDE))
        and len(request.get_full_path()) <= 1000
    )


def _page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "sitecache:page:" + hashlib.sha256(address.encode()).hexdigest()


def _etag(state, key):
    return f'"{state.version[:16]}-{key[-12:]}"'


def _is_cacheable(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        # A Content-Security-Policy nonce must never be sent twice.
        and getattr(request, "_csp_nonce", None) is None
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES
    )


def _not_modified(request, etag):
    # Only the ETag decides. If-Modified-Since counts whole seconds, and a page
    # edited twice within one second would look unchanged to it.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    return if_none_match is not None and etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]


def _cache_control():
    # Browsers and CDNs may keep the page but must ask again (a cheap 304) before
    # using it, so an edit is seen on the next request; PAGE_CACHE_SHARED_MAX_AGE
    # lets a CDN serve it unasked for that many seconds.
    value = "public, max-age=0, must-revalidate"
    if settings.PAGE_CACHE_SHARED_MAX_AGE:
        value += f", s-maxage={settings.PAGE_CACHE_SHARED_MAX_AGE}"
    return value


def _validators(response, etag, state):
    response["ETag"] = etag
    response["Last-Modified"] = _http_date(state.changed_at)
    response["Cache-Control"] = _cache_control()
    return response


@lru_cache(maxsize=64)
def _http_date(moment):
    return http_date(moment.timestamp())


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self._respond(request)
        finally:
            serving_under(None)

    def _respond(self, request):
        if not _qualifies(request):
            return self.get_response(request)
        key = _page_key(request)
        try:
            # The one shared read every request makes: the content state.
            state = current_state(read_state(), timezone.now())
            serving_under(state)
            etag = _etag(state, key)
            if _not_modified(request, etag):
                return _validators(HttpResponseNotModified(), etag, state)
            entry = _local_pages.get(key, state.version)
            if entry is None:
                entry = cache().get(key)
                if entry is not None and entry[0] == state.version:
                    _local_pages.put(key, entry)
        except Exception:
            logger.exception("The page cache is unavailable; rendering the page")
            return self.get_response(request)
        if entry is not None and entry[0] == state.version:
            _version, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return _validators(response, etag, state)
        response = self.get_response(request)
        if _is_cacheable(request, response):
            # Every header the middleware inside added (security headers, the
            # policy), so that a cached page is sent without running them again.
            headers = [(name, value) for name, value in response.items() if name.lower() not in _FRESH_HEADERS]
            entry = (state.version, response.status_code, headers, response.content)
            try:
                cache().set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("Could not store a page in the cache")
            _local_pages.put(key, entry)
            _validators(response, etag, state)
        return response


class _LocalPages:
    """This process's copies of recently served pages, checked against the shared version.

    Each request still reads the content state from the shared cache; a page kept
    here is served only if it was rendered under that same version, so a copy
    can never be stale. It saves moving the page itself from Redis on every hit.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, version):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > settings.PAGE_CACHE_LOCAL_PAGES:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


_local_pages = _LocalPages()
