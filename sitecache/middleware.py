"""The page cache: rendered pages for anonymous readers, never stale.

A request qualifies when it is a GET or HEAD without a session cookie (so it is
not a member of staff, whose previews are never cached) for a path outside
``PAGE_CACHE_EXCLUDE``. The middleware comes first: a page is stored with the
headers the middleware inside it added (security headers, the
Content-Security-Policy) and sent again without running any of them. Each
request reads the content version from the database (one primary-key SELECT,
:mod:`sitecache.versioning`); a page is served only if it was rendered under
that version, from this process's memory or else from the shared cache (Redis).
The cache holds pages only: if it is down, full or comes back with old data,
readers get freshly rendered pages, never an old one. A conditional request whose
ETag matches the current version is answered 304 without fetching or rendering
anything (If-Modified-Since alone is not trusted: it counts whole seconds).

The key is the scheme, host, path and only the query parameters the page's
view reads (:func:`common.site_url.canonical_query`, ``page`` by default); the
others (``utm_campaign``, ``fbclid``…) are taken out of the request before the
view runs, so the page is the same whatever they say and one page has a bounded
number of entries.

Qualifying responses carry an ETag, Last-Modified and a Cache-Control that lets a
CDN keep them only while they can be revalidated; they never say
``Vary: Cookie``, since nothing in them depends on one.
"""

import hashlib
import logging
import time
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils.http import http_date

from common.lru import LRU
from common.site_url import CANONICAL_QUERY
from sitecache.pages import page_store
from sitecache.versioning import serving, state_now

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


#: Per path: the query parameters its view reads (paths' views do not change while a process runs).
_params_of_path = LRU(1024)


def _params_read_by(path):
    names = _params_of_path.get(path)
    if names is None:
        try:
            func = resolve(path).func
        except Resolver404:
            func = None
        names = frozenset(getattr(func, "canonical_query", CANONICAL_QUERY))
        _params_of_path.put(path, names)
    return names


def _page_key(request):
    """The page's key: scheme, host, path and the query parameters its view reads, in a fixed order.

    The other parameters are removed from ``request.GET`` here, before the view
    runs: the view cannot show what the key does not name.
    """
    query = ""
    if request.GET:
        names = _params_read_by(request.path_info)
        kept = [(name, value) for name, values in request.GET.lists() if name in names for value in values]
        if len(kept) != sum(len(values) for values in request.GET.lists()):
            request.GET = QueryDict(urlencode(kept))
            request.META["QUERY_STRING"] = urlencode(kept)
        query = urlencode(sorted(kept))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "sitecache:page:" + hashlib.sha256(address.encode()).hexdigest()


def _etag(state, key):
    # 16 of the version's 32 hex digits, and the suffix a connection's own uncommitted writes add (tests).
    return f'"{state.version[:16]}{state.version[32:]}-{key[-12:]}"'


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
        with serving():  # the content version is read at most once for the whole request
            return self._respond(request)

    def _respond(self, request):
        if not _qualifies(request):
            return self.get_response(request)
        key = _page_key(request)
        # The one read every request makes: the content version, from the database.
        state = state_now()
        if state is None:  # the database cannot say which pages are current: none is
            return self.get_response(request)
        etag = _etag(state, key)
        if _not_modified(request, etag):
            return _validators(HttpResponseNotModified(), etag, state)
        entry = _local_pages.get(key)
        if entry is None or entry[0] != state.version:
            entry = _shared_pages.get(key)
            if entry is not None and entry[0] == state.version:
                _local_pages.put(key, entry)
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
            _shared_pages.set(key, entry)
            _local_pages.put(key, entry)
            _validators(response, etag, state)
        return response


class _SharedPages:
    """The pages in the shared cache (Redis), which may fail: then pages are rendered, not served from it.

    Its timeouts (``REDIS_TIMEOUT``) bound each call; after a failure this process
    leaves the cache alone for ``PAGE_CACHE_RETRY_SECONDS``, so a stalled Redis
    costs one timeout per process and period, not one per request.
    """

    def __init__(self):
        self._resting_until = 0.0

    def _available(self):
        return time.monotonic() >= self._resting_until

    def _failed(self, doing, error):
        self._resting_until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS
        logger.warning(
            "The page cache could not %s (%s); pages are rendered for %s s",
            doing,
            error,
            settings.PAGE_CACHE_RETRY_SECONDS,
        )

    def get(self, key):
        if not self._available():
            return None
        try:
            return page_store().get(key)
        except Exception as error:
            self._failed("read a page", error)
            return None

    def set(self, key, entry):
        if not self._available():
            return
        try:
            page_store().set(key, entry, settings.PAGE_CACHE_SECONDS)
        except Exception as error:
            self._failed("store a page", error)

    def clear(self):
        self._resting_until = 0.0


_shared_pages = _SharedPages()

#: This process's copies of recently served pages, each served only if it was
#: rendered under the current version (so never stale): saves moving the page
#: itself from Redis on every hit.
_local_pages = LRU(settings.PAGE_CACHE_LOCAL_PAGES)
