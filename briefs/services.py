"""The rule for an issue complete enough to go to review and publication."""

from briefs.models import AUTHOR_ROLES, ContributionRole, IssueKind


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


def saved_issue_problems(issue):
    """What keeps the saved ``issue`` from moving on to review or publication."""
    return publication_problems(
        kind=issue.kind,
        roles=issue.contributions.values_list("role", flat=True),
        question_count=issue.questions.count(),
        body=issue.body,
    )
