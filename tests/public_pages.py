"""The public page types the accessibility and HTML checks visit, on the demo content.

Shared by tests/browser/test_accessibility.py (axe-core in Chromium) and
tests/test_html_validity.py (the Nu HTML checker), so both check the same pages.
Both serve the site with ``ROOT_URLCONF = ERROR_URLCONF``: the site's URLs, plus
one for each error page (tests/error_urls.py).
"""

import datetime
import time

from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from briefs.models import Contribution, Footnote, Issue, Question
from newsletter import tokens
from newsletter.models import Subscriber, Subscription
from printing.models import IssuePdf
from search.index import rebuild_index
from sharing.services import share_issue

ERROR_URLCONF = "tests.error_urls"
#: A search a hostile visitor might send: markup, SQL, operators, over the length limit.
HOSTILE_QUERY = '"><script>alert(1)</script> \'; DROP TABLE briefs_issue; -- % _ \\ -or "' + "x" * 300

#: Page types, in the order the tests run them; the ids of the parametrised tests.
PAGE_TYPES = (
    "home",
    "archive",
    "archive-filtered",
    "archive-filtered-empty",
    "topic",
    "place",
    "series",
    "series-team",
    "issue-no-6",
    "person-author",
    "person-editor",
    "fellows",
    "fellows-filtered",
    "fellows-filtered-empty",
    "search-results",
    "search-no-results",
    "search-hostile-query",
    "not-found",
    "pdf-being-prepared",
    "proofreading-copy",
    "proofreading-link-expired",
    "bad-request",
    "forbidden",
    "form-not-accepted",
    "request-too-large",
    "form-text-too-large",
    "sign-in-paused",
    "server-error",
    "newsletter-subscribe",
    "newsletter-confirm",
    "newsletter-confirmed-link-expired",
    "newsletter-bad-link",
    "newsletter-unsubscribe",
    "newsletter-manage-request",
    "newsletter-manage",
    "newsletter-not-subscribed",
)


def public_pages():
    """Page type -> (path, expected status, a text the page must contain).

    The text makes sure each page is in the state it stands for (a filter with a
    result really has one). Needs the demo content (``load_demo``); removes No. 6's
    stored PDF, so that its PDF address shows the "being prepared" page, and adds
    a draft No. 7 (No. 6's text) with a proofreading link, and one that has expired.
    The search pages find No. 6 (and not the draft) by a word of its footnote, find
    nothing, and take a hostile query.
    """
    issue = Issue.objects.select_related("series").get(series__slug="eucacis-in-brief", number=6)
    series = issue.series
    author = issue.contributions.select_related("person").get(role=Contribution.Role.INTERVIEWER).person
    fellows = reverse("reader:fellows_directory")
    editor = series.editorial_memberships.select_related("person").filter(role="editor").first().person
    search = reverse("reader:search")
    proof, expired = _proofreading_links(issue)
    letters = _newsletter_links()
    pages = {
        "home": (reverse("reader:home"), 200, "Read the interview"),
        "archive": (reverse("reader:archive"), 200, issue.title),
        "archive-filtered": (
            f"{reverse('reader:archive')}?year=2019&topic=security",
            200,
            "1 issue matches these filters",
        ),
        "archive-filtered-empty": (
            f"{reverse('reader:archive')}?year=2020&topic=security&place=nowhere",
            200,
            "No issues match these filters",
        ),
        "topic": (reverse("reader:topic_detail", args=["trade-and-investment"]), 200, issue.title),
        "place": (reverse("reader:place_detail", args=["central-asia"]), 200, issue.title),
        "series": (series.get_absolute_url(), 200, issue.title),
        "series-team": (reverse("reader:series_team", args=[series.slug]), 200, "Current team"),
        # with its notes, and the “Cite this” block after them
        "issue-no-6": (issue.get_absolute_url(), 200, "Cite this"),
        "person-author": (author.get_absolute_url(), 200, "Fellow of"),
        "person-editor": (editor.get_absolute_url(), 200, "Editorial roles"),
        "fellows": (fellows, 200, author.full_name),
        "fellows-filtered": (f"{fellows}?country=KZ", 200, "1 fellow matches these filters"),
        "fellows-filtered-empty": (f"{fellows}?discipline=law", 200, "No fellows match these filters"),
        "search-results": (f"{search}?{urlencode({'q': 'Dostyk'})}", 200, "1 issue matches “Dostyk”"),
        "search-no-results": (f"{search}?{urlencode({'q': 'zzzqqq'})}", 200, "No issues match “zzzqqq”"),
        "search-hostile-query": (f"{search}?{urlencode({'q': HOSTILE_QUERY})}", 200, "Your search was longer than"),
        "not-found": ("/no-such-page/", 404, "Page not found"),
        "pdf-being-prepared": (reverse("reader:issue_pdf", args=[series.slug, issue.number]), 503, "being prepared"),
        "proofreading-copy": (proof.get_absolute_url(), 200, "Proofreading copy — not published."),
        "proofreading-link-expired": (expired.get_absolute_url(), 410, "This proofreading link has expired"),
        "bad-request": ("/_test/errors/400/", 400, "Bad request"),
        "forbidden": ("/_test/errors/403/", 403, "Not allowed"),
        "form-not-accepted": ("/_test/errors/403-csrf/", 403, "The form was not accepted"),
        "request-too-large": ("/_test/errors/413/", 413, "Photos may be at most"),
        "form-text-too-large": ("/_test/errors/413-text/", 413, "of text in one form"),
        "sign-in-paused": ("/_test/errors/429-locked-out/", 429, "Too many wrong passwords"),
        "server-error": ("/_test/errors/500/", 500, "Something went wrong"),
        "newsletter-subscribe": (reverse("newsletter:subscribe"), 200, "Get new issues by email"),
        "newsletter-confirm": (letters["confirm"], 200, "Confirm my subscription"),
        "newsletter-confirmed-link-expired": (letters["expired"], 410, "This link has expired"),
        "newsletter-bad-link": (letters["confirm"][:-12] + "/", 404, "This link does not work"),
        "newsletter-unsubscribe": (letters["unsubscribe"], 200, "Unsubscribe from all emails"),
        "newsletter-manage-request": (reverse("newsletter:manage_request"), 200, "Email me the link"),
        "newsletter-manage": (letters["manage"], 200, "You receive (untick to stop)"),
        "newsletter-not-subscribed": (letters["gone"], 200, "You are not subscribed"),
    }
    # The PDF page answers with HTML only while the PDF is not built.
    IssuePdf.objects.filter(issue=issue).delete()
    # The demo's commit builds its search index; a test's transaction never commits.
    rebuild_index()
    assert tuple(pages) == PAGE_TYPES
    return pages


def _newsletter_links():
    """A subscriber's links: to confirm, an expired one, to unsubscribe, to manage; and one of an address now gone."""
    subscriber = Subscriber.objects.create(email="reader@example.org")
    subscription = Subscription.objects.create(subscriber=subscriber, scope="all", consent_wording="words")
    gone = Subscriber.objects.create(email="gone@example.org")
    unsubscribe_gone = tokens.make(tokens.UNSUBSCRIBE, gone.pk, gone.email)
    gone.delete()

    class TenDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 10 * 86400)

    expired = TenDaysAgo(salt=tokens.CONFIRM).sign_object(
        [subscription.pk, tokens.address_digest(subscriber.email)], compress=False
    )
    return {
        "confirm": reverse("newsletter:confirm", args=[tokens.make(tokens.CONFIRM, subscription.pk, subscriber.email)]),
        "expired": reverse("newsletter:confirm", args=[expired]),
        "unsubscribe": reverse(
            "newsletter:unsubscribe", args=[tokens.make(tokens.UNSUBSCRIBE, subscriber.pk, subscriber.email)]
        ),
        "manage": reverse("newsletter:manage", args=[tokens.make(tokens.MANAGE, subscriber.pk, subscriber.email)]),
        "gone": reverse("newsletter:unsubscribe", args=[unsubscribe_gone]),
    }


def _proofreading_links(issue):
    """A draft with ``issue``'s text, shared for proofreading; and a link to it that expired long ago."""
    draft = Issue.objects.create(
        series=issue.series,
        number=issue.number + 1,
        title=f"{issue.title} (revised)",
        slug=f"{issue.slug}-revised",
        kind=issue.kind,
        publication_date=issue.publication_date,
        introduction=issue.introduction,
        body=issue.body,
        status=Issue.Status.DRAFT,
    )
    for c in issue.contributions.all():
        Contribution.objects.create(
            issue=draft,
            person_id=c.person_id,
            role=c.role,
            speaker_label=c.speaker_label,
            printed_biography=c.printed_biography,
            sort_order=c.sort_order,
        )
    for q in issue.questions.all():
        Question.objects.create(
            issue=draft, question=q.question, answer=q.answer, speaker_id=q.speaker_id, sort_order=q.sort_order
        )
    for note in issue.footnotes.all():
        Footnote.objects.create(issue=draft, label=note.label, text=note.text)
    long_ago = datetime.datetime(2020, 1, 6, 9, 0, tzinfo=datetime.UTC)
    return share_issue(issue=draft, by=None), share_issue(issue=draft, by=None, now=long_ago)
