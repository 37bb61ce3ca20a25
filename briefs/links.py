"""An issue's absolute addresses, as its metadata and citation files give them."""

from dataclasses import dataclass

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


def issue_links(document, root):
    """The absolute addresses of ``document``'s issue, under ``root`` (see :func:`common.site_url.site_root`)."""
    args = [document.series_slug, document.number]
    return IssueLinks(
        root=root,
        page=root + document.url,
        pdf=root + reverse("briefs:issue_pdf", args=args),
        bibtex=root + reverse("briefs:issue_bibtex", args=args),
        ris=root + reverse("briefs:issue_ris", args=args),
        series=root + document.series_url,
    )
