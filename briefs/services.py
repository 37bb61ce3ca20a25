"""Writes that change an issue's state. Views and admin actions call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from briefs.models import AUTHOR_ROLES, ContributionRole, IssueKind, IssueStatus


def publication_problems(*, kind, roles, question_count, body):
    """What keeps an issue from being published, as phrases for an editor.

    The one rule for "complete enough to publish": the publish action applies it
    to saved data, the admin form to what the editor typed.
    """
    roles = set(roles)
    problems = []
    if not roles & set(AUTHOR_ROLES):
        problems.append("it has no author or interviewer")
    if kind == IssueKind.INTERVIEW:
        if ContributionRole.INTERVIEWEE not in roles:
            problems.append("an interview needs an interviewee")
        if not question_count:
            problems.append("an interview needs at least one question")
    elif not body:
        problems.append("it has no body text")
    return problems


def _saved_issue_problems(issue):
    return publication_problems(
        kind=issue.kind,
        roles=issue.contributions.values_list("role", flat=True),
        question_count=issue.questions.count(),
        body=issue.body,
    )


@transaction.atomic
def issue_publish(*, issue, by, now=None):
    """Publish ``issue``; raises ValidationError saying what is missing."""
    problems = _saved_issue_problems(issue)
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
