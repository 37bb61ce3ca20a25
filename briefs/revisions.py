"""Revisions of issues, series and their parts (django-reversion).

One revision of an issue holds the issue with its contributors, questions,
footnotes and corrections, as they were at one save. What the workflow alone
changes (status, public_from, published_at and published_by, the withdrawal
notice, edit_version, and the timestamps) is not kept in a revision, so that
restoring one never moves an issue in the workflow nor hides an edit from the
edit-conflict check.

This module registers the models on import; ``briefs.admin`` and the app's
``ready()`` import it.
"""

import reversion

from briefs.models import AboutSection, Contribution, Correction, EditorialMembership, Footnote, Issue, Question, Series

#: Changed only by the workflow (``briefs.workflow``); never kept in, nor restored from, a revision.
ISSUE_WORKFLOW_FIELDS = (
    "status",
    "public_from",
    "published_at",
    "published_by",
    "withdrawal_notice",
    "edit_version",
    "updated_at",
    "created_at",
)
if not reversion.is_registered(Issue):
    for _model in (Contribution, Question, Footnote, Correction, AboutSection, EditorialMembership):
        reversion.register(_model)
    reversion.register(
        Issue, exclude=ISSUE_WORKFLOW_FIELDS, follow=("contributions", "questions", "footnotes", "corrections")
    )
    # The token only tells the workers to read the front matter again.
    reversion.register(Series, exclude=("front_matter_token",), follow=("about_sections", "editorial_memberships"))
