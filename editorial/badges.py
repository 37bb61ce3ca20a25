"""Status badges for the admin's lists: a word in a coloured box, never colour alone.

Each badge's text is the status itself (“In review”), so it reads the same to a
screen reader, in print and to someone who cannot tell the colours apart; the
colours (static/admin/css/lists.css) only make a column easy to scan, and each
keeps a contrast of at least 4.5:1.
"""

from django.utils import timezone
from django.utils.html import format_html

from briefs.models import IssueStatus


def badge(key, label):
    return format_html('<span class="status-badge status-badge--{}">{}</span>', key, label)


def issue_badge_parts(issue, *, now=None):
    """(key, label) of an issue's badge: a published issue not yet public is “Scheduled”."""
    if issue.is_scheduled_now(now=now or timezone.now()):
        return "scheduled", "Scheduled"
    return issue.status, IssueStatus(issue.status).label


def issue_badge(issue, *, now=None):
    return badge(*issue_badge_parts(issue, now=now))
