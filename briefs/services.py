"""Writes that change an issue's state. Views and admin actions call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from briefs.models import AUTHOR_ROLES, ContributionRole, IssueStatus


def publication_problems(issue):
    """What keeps a saved ``issue`` from being published, as sentences for an editor."""
    problems = []
    roles = set(issue.contributions.values_list("role", flat=True))
    if not roles & set(AUTHOR_ROLES):
        problems.append("it has no author or interviewer")
    if issue.is_interview:
        if ContributionRole.INTERVIEWEE not in roles:
            problems.append("an interview needs an interviewee")
        if not issue.questions.exists():
            problems.append("an interview needs at least one question")
    elif not issue.body:
        problems.append("it has no body text")
    return problems


@transaction.atomic
def issue_publish(*, issue, by, now=None):
    """Publish ``issue``; raises ValidationError saying what is missing."""
    problems = publication_problems(issue)
    if problems:
        raise ValidationError(
            "No. %(number)s cannot be published: %(problems)s.",
            code="incomplete_issue",
            params={"number": issue.number, "problems": "; ".join(problems)},
        )
    issue.status = IssueStatus.PUBLISHED
    if issue.published_at is None:
        issue.published_at = now or timezone.now()
        issue.published_by = by
    issue.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return issue


def issue_unpublish(*, issue):
    """Return ``issue`` to draft: it disappears from the public site at once."""
    issue.status = IssueStatus.DRAFT
    issue.save(update_fields=["status", "updated_at"])
    return issue
