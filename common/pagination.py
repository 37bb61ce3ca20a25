"""Paginating a listing while its filters stay in the address."""

from django.core.paginator import Paginator


def paginate(request, items, per_page):
    """``(page, query)``: the page that ``?page=`` asks for, and the address's other parameters.

    A page number that is not a number gives the first page, one past the end the
    last. ``query`` is ready to be followed by ``page=N`` in a link, so that
    the listing's filters are kept from page to page.
    """
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    # The page shown, for the canonical link (common.site_url.canonical_url).
    request.canonical_page = page.number
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return page, f"{query}&" if query else ""
