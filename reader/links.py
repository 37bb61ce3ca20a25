"""An issue's absolute addresses, as its metadata and citation files give them."""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse


@dataclass(frozen=True)
class IssueLinks:
    #: ``https://briefs.example.org``: the site's root, without a trailing slash.
    root: str
    page: str
    pdf: str
    bibtex: str
    ris: str
    series: str

    def absolute(self, path):
        """``path`` (``/people/albina-muratbekova/``) as an absolute address on this site."""
        return f"{self.root}{path}"


@lru_cache(maxsize=1024)
def _issue_paths(series_slug, number):
    # Made once per issue and process: reversing is a visible part of the page's time.
    args = [series_slug, number]
    return tuple(reverse(name, args=args) for name in ("reader:issue_pdf", "reader:issue_bibtex", "reader:issue_ris"))


def issue_links(document, root):
    """The absolute addresses of ``document``'s issue, under ``root`` (see :func:`common.site_url.site_root`)."""
    return _links(root, document.url, document.series_url, document.series_slug, document.number)


@lru_cache(maxsize=1024)
def _links(root, url, series_url, series_slug, number):
    pdf, bib, ris = _issue_paths(series_slug, number)
    return IssueLinks(
        root=root,
        page=root + url,
        pdf=root + pdf,
        bibtex=root + bib,
        ris=root + ris,
        series=root + series_url,
    )
