"""The newsletter's mails, made from the issue document: pure functions of their inputs.

Every mail is plain text with an HTML alternative. An announcement carries the
links RFC 8058 asks for (``List-Unsubscribe`` with an https address, and
``List-Unsubscribe-Post``), so a mail program can offer one-click unsubscribing,
and the same link in its text.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string

from briefs.document import IssueDocument


@dataclass(frozen=True)
class Links:
    """The absolute addresses an announcement needs."""

    page: str
    pdf: str
    unsubscribe: str
    manage: str


def byline_text(document: IssueDocument):
    return "".join(part.contributor.name if part.contributor else part.text for part in document.byline)


def announcement_subject(document: IssueDocument, *, correction=False):
    heading = f"{document.series_name} No. {document.number}"
    return f"{'Corrected: ' if correction else ''}{heading}: {document.title}"


def announcement(document: IssueDocument, links: Links, to, *, correction_note="", from_email=None, test=False):
    """The mail that announces ``document``'s issue (or a correction of it, with its note) to ``to``."""
    context = {
        "doc": document,
        "byline": byline_text(document),
        "standfirst": document.abstract,
        "topics": [topic.name for topic in document.topics],
        "links": links,
        "correction_note": correction_note,
        "test": test,
        "site_name": settings.SITE_NAME,
    }
    subject = announcement_subject(document, correction=bool(correction_note))
    if test:
        subject = f"[Test] {subject}"
    return _mail(
        subject,
        "newsletter/mail/announcement",
        context,
        to,
        from_email=from_email,
        headers={
            "List-Unsubscribe": f"<{links.unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f'"{_quoted(settings.SITE_NAME)}" <newsletter.{settings.NEWSLETTER_LIST_ID_DOMAIN}>',
        },
    )


def confirmation(to, *, subscription_label, confirm_url, hours):
    return _mail(
        f"Confirm your subscription to {settings.SITE_NAME}",
        "newsletter/mail/confirm",
        {"label": subscription_label, "url": confirm_url, "hours": hours, "site_name": settings.SITE_NAME},
        to,
    )


def already_subscribed(to, *, subscription_label, manage_url, hours):
    return _mail(
        f"You already receive mails from {settings.SITE_NAME}",
        "newsletter/mail/already",
        {"label": subscription_label, "url": manage_url, "hours": hours, "site_name": settings.SITE_NAME},
        to,
    )


def manage_link(to, *, manage_url, hours):
    return _mail(
        f"Your subscriptions to {settings.SITE_NAME}",
        "newsletter/mail/manage",
        {"url": manage_url, "hours": hours, "site_name": settings.SITE_NAME},
        to,
    )


def _quoted(text):
    """``text`` inside an RFC 5322 quoted string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _mail(subject, template, context, to, *, from_email=None, headers=None):
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        # Plain text, on one line: a title's line break (or any control character) would break the header.
        subject=" ".join(subject.split()),
        body=text,
        from_email=from_email or settings.NEWSLETTER_FROM_EMAIL,
        to=[to],
        # Of the site's domain, not of whichever machine the worker runs on.
        headers={"Message-ID": make_msgid(domain=settings.NEWSLETTER_LIST_ID_DOMAIN), **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message
