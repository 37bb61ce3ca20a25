"""The site's own absolute addresses: canonical links, metadata, citation files.

With ``SITE_URL`` set (production: ``https://briefs.example.org``) every
absolute address starts with it, whatever the request's Host header says, so a
page in the page cache is the same for every reader. Without it (development,
tests) the request's scheme and host are used: Django has checked the host
against ``ALLOWED_HOSTS`` (``get_host`` refuses any other with a 400), and the
page cache keys pages by scheme and host, so a page cached for one allowed host
is never served for another.
"""

from urllib.parse import urlencode

from django.conf import settings


def site_root(request):
    """``https://briefs.example.org``: no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def absolute_url(request, path):
    return site_root(request) + path


# -- canonical links -----------------------------------------------------------

#: Query parameters a page's canonical address keeps unless its view says more.
CANONICAL_QUERY = ("page",)


def canonical_query(*names):
    """Keep these query parameters (besides ``page``) in the view's canonical address.

    For filters that make a page of their own, such as the fellows directory's
    country. Anything else in the address (``utm_source``, ``fbclid``…) is left
    out of the canonical link.
    """

    def decorate(view):
        view.canonical_query = CANONICAL_QUERY + tuple(names)
        return view

    return decorate


def canonical_url(request):
    """The page's own address without tracking parameters; a paginated page keeps ``?page=N``.

    Page 1 is the address without ``page``. A page number that is not one is
    left out; paginated views record the page they showed
    (:func:`common.pagination.paginate`), so ``?page=999`` of a 3-page listing
    is canonical as ``?page=3``.
    """
    match = getattr(request, "resolver_match", None)
    kept = getattr(match.func, "canonical_query", CANONICAL_QUERY) if match else CANONICAL_QUERY
    params = []
    for name in kept:
        if name == "page":
            number = getattr(request, "canonical_page", None)
            if number is None:
                value = request.GET.get("page", "")
                number = int(value) if value.isdigit() else 1
            if number > 1:
                params.append(("page", number))
        else:
            params += [(name, value) for value in request.GET.getlist(name) if value]
    query = f"?{urlencode(params)}" if params else ""
    return absolute_url(request, request.path) + query


def canonical(request):
    """Context processor: ``canonical_url``, worked out only if a template uses it."""
    from django.utils.functional import SimpleLazyObject

    return {"canonical_url": SimpleLazyObject(lambda: canonical_url(request))}
