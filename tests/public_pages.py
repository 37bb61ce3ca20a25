"""The public page types the accessibility and HTML checks visit, on the demo content.

Shared by tests/browser/test_accessibility.py (axe-core in Chromium) and
tests/test_html_validity.py (the Nu HTML checker), so both check the same pages.
Both serve the site with ``ROOT_URLCONF = ERROR_URLCONF``: the site's URLs, plus
one for each error page (tests/error_urls.py).
"""

from django.urls import reverse

from briefs.models import Contribution, Issue, IssuePdf

ERROR_URLCONF = "tests.error_urls"

#: Page types, in the order the tests run them; the ids of the parametrised tests.
PAGE_TYPES = (
    "home",
    "archive",
    "series",
    "series-team",
    "issue-no-6",
    "person-author",
    "fellows",
    "fellows-filtered",
    "fellows-filtered-empty",
    "not-found",
    "pdf-being-prepared",
    "bad-request",
    "forbidden",
    "form-not-accepted",
    "request-too-large",
    "form-text-too-large",
    "sign-in-paused",
    "server-error",
)


def public_pages():
    """Page type -> (path, expected status, a text the page must contain).

    The text makes sure each page is in the state it stands for (a filter with a
    result really has one). Needs the demo content (``load_demo``); removes No. 6's
    stored PDF, so that its PDF address shows the "being prepared" page.
    """
    issue = Issue.objects.select_related("series").get(series__slug="eucacis-in-brief", number=6)
    series = issue.series
    author = issue.contributions.select_related("person").get(role=Contribution.Role.INTERVIEWER).person
    fellows = reverse("people:fellows_directory")
    pages = {
        "home": (reverse("briefs:home"), 200, "Latest issues"),
        "archive": (reverse("briefs:archive"), 200, issue.title),
        "series": (series.get_absolute_url(), 200, issue.title),
        "series-team": (reverse("briefs:series_team", args=[series.slug]), 200, "Current team"),
        "issue-no-6": (issue.get_absolute_url(), 200, "Notes"),
        "person-author": (author.get_absolute_url(), 200, "Fellow of"),
        "fellows": (fellows, 200, author.full_name),
        "fellows-filtered": (f"{fellows}?country=KZ", 200, "1 fellow matches these filters"),
        "fellows-filtered-empty": (f"{fellows}?discipline=law", 200, "No fellows match these filters"),
        "not-found": ("/no-such-page/", 404, "Page not found"),
        "pdf-being-prepared": (reverse("briefs:issue_pdf", args=[series.slug, issue.number]), 503, "being prepared"),
        "bad-request": ("/_test/errors/400/", 400, "Bad request"),
        "forbidden": ("/_test/errors/403/", 403, "Not allowed"),
        "form-not-accepted": ("/_test/errors/403-csrf/", 403, "The form was not accepted"),
        "request-too-large": ("/_test/errors/413/", 413, "Photos may be at most"),
        "form-text-too-large": ("/_test/errors/413-text/", 413, "of text in one form"),
        "sign-in-paused": ("/_test/errors/429-locked-out/", 429, "Too many wrong passwords"),
        "server-error": ("/_test/errors/500/", 500, "Something went wrong"),
    }
    # The PDF page answers with HTML only while the PDF is not built.
    IssuePdf.objects.filter(issue=issue).delete()
    assert tuple(pages) == PAGE_TYPES
    return pages
