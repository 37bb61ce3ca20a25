"""The editorial workflow: Draft → In review → Approved → Published, and Withdrawn.

Every change of an issue's status goes through :func:`apply_transition`: the
buttons on the issue's admin page, the list's bulk actions, the demo loader and
any later service. The form never edits ``status``. Each step is allowed only
to users with its permission, is refused from the wrong state, and is recorded
(:class:`~briefs.models.IssueTransition`: who, when, an optional comment).

Publishing sets ``public_from``, now or at a chosen later moment; the issue
then becomes public at that moment through the one ``published()`` rule, with
no cron job or worker.
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from briefs import working_copies
from briefs.dois import doi_for
from briefs.models import Issue, IssueStatus, IssueTransition
from briefs.services import saved_issue_problems

S = IssueStatus


@dataclass(frozen=True)
class Transition:
    name: str
    #: The button's words.
    label: str
    #: What the button does, said to the editor on the confirmation page.
    explanation: str
    sources: tuple
    #: The status it leads to; None: the issue stays where it is (a change published or discarded).
    target: str | None
    #: The permission it needs, as ``app_label.codename``.
    permission: str
    #: Refused while the issue is incomplete (no author, no questions...).
    needs_complete_issue: bool = False
    #: A comment is required (it is the public notice of a withdrawal).
    needs_comment: bool = False
    #: It may be given a later moment to take effect.
    can_schedule: bool = False

    def allows(self, user):
        return user.has_perm(self.permission)


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            "Submit for review",
            "The issue goes to the reviewers. It stays hidden from the public.",
            (S.DRAFT,),
            S.IN_REVIEW,
            "briefs.submit_issue",
            needs_complete_issue=True,
        ),
        Transition(
            "approve",
            "Approve",
            "The issue is ready to be published by the editor-in-chief.",
            (S.IN_REVIEW,),
            S.APPROVED,
            "briefs.approve_issue",
            needs_complete_issue=True,
        ),
        Transition(
            "send_back",
            "Send back to draft",
            "The issue returns to its editors for more work. Say what is needed in the comment.",
            (S.IN_REVIEW, S.APPROVED),
            S.DRAFT,
            "briefs.approve_issue",
        ),
        Transition(
            "publish",
            "Publish",
            "The issue becomes public now, or at the moment you choose.",
            (S.APPROVED,),
            S.PUBLISHED,
            "briefs.publish_issue",
            needs_complete_issue=True,
            can_schedule=True,
        ),
        Transition(
            "unschedule",
            "Cancel the scheduled publication",
            "The issue stays hidden and returns to Approved.",
            (S.PUBLISHED,),
            S.APPROVED,
            "briefs.publish_issue",
        ),
        Transition(
            "publish_change",
            "Publish the prepared change",
            "Readers see the issue as prepared from now on. If the change alters the text, or moves the issue "
            "to another number, series, web address or date, a correction note is shown on the issue's page "
            "(“Corrected on …: …”), and its old addresses lead to the new one.",
            (S.PUBLISHED,),
            None,
            "briefs.publish_issue",
        ),
        Transition(
            "discard_change",
            "Discard the prepared change",
            "The prepared change is set aside; readers keep the published version, and the form shows it again. "
            "The discarded change is kept: it can be restored from the issue's History page. Only its author or "
            "someone who may publish can discard it.",
            (S.PUBLISHED, S.WITHDRAWN),
            None,
            "briefs.change_issue",
        ),
        Transition(
            "withdraw",
            "Withdraw",
            "The issue is taken off the site: its address answers “410 Gone” and shows your notice. "
            "Nothing is deleted, and it can be published again.",
            (S.PUBLISHED,),
            S.WITHDRAWN,
            "briefs.withdraw_issue",
            needs_comment=True,
        ),
        Transition(
            "republish",
            "Publish again",
            "The withdrawn issue becomes public again at its address.",
            (S.WITHDRAWN,),
            S.PUBLISHED,
            "briefs.publish_issue",
            needs_complete_issue=True,
        ),
    )
}


_UNKNOWN = object()


def applies_to(transition, issue, *, now=None, copy=_UNKNOWN):
    """Whether ``transition`` can start from where ``issue`` is now.

    ``copy``: the issue's working copy (or None), when the caller has read it already.
    """
    if issue.status not in transition.sources:
        return False
    if issue.is_working_copy:
        return False  # a working copy is published or discarded through its issue
    if transition.name == "unschedule":  # only an issue that is not public yet
        return issue.is_scheduled_now(now=now)
    if transition.name == "withdraw":  # a scheduled issue is unscheduled, not withdrawn
        return issue.is_public_now(now=now)
    if transition.name in ("publish_change", "discard_change"):
        return (working_copies.current_copy(issue) if copy is _UNKNOWN else copy) is not None
    return True


def available_transitions(issue, user, *, now=None):
    """The steps ``user`` may take with ``issue`` now, in workflow order (the working copy read once)."""
    copy = working_copies.current_copy(issue) if working_copies.edits_go_to_a_copy(issue, now=now) else None
    steps = [t for t in TRANSITIONS.values() if t.allows(user) and applies_to(t, issue, now=now, copy=copy)]
    if copy is not None and not working_copies.may_discard(copy, user):
        steps = [t for t in steps if t.name != "discard_change"]
    return steps


def describe_status(issue, *, now=None):
    """The status as an editor needs it: “Scheduled for 3 March 2019, 09:00” rather than “Published”."""
    if issue.is_scheduled_now(now=now):
        return "Scheduled for " + date_format(timezone.localtime(issue.public_from), "j F Y, H:i")
    return issue.get_status_display()


#: The comment of the revision a step makes (briefs.revisions), as the issue's History page lists it.
REVISION_COMMENTS = {
    "submit": "Submitted for review",
    "approve": "Approved",
    "send_back": "Sent back to draft",
    "publish": "Published",
    "unschedule": "Scheduled publication cancelled",
    "withdraw": "Withdrawn",
    "republish": "Published again",
    "publish_change": "Prepared change published",
    "discard_change": "Prepared change discarded",
}


def _revision_comment(name, comment, at):
    done = REVISION_COMMENTS.get(name, name)
    if name == "publish" and at is not None:
        done = "Scheduled for " + date_format(timezone.localtime(at), "j F Y, H:i")
    return f"{done}: {comment}" if comment else done


def apply_transition(issue, name, *, by, comment="", at=None, now=None, check_permission=True):
    """Move ``issue`` by the transition ``name``; returns the recorded :class:`IssueTransition`.

    Raises ``PermissionDenied`` when ``by`` lacks the transition's permission
    and ``ValidationError`` (with a message for the editor) when the issue is
    not in a state the transition starts from, is incomplete, or the comment or
    time is missing or wrong. The issue's row is locked while it moves, so two
    editors pressing buttons at once take their steps one after the other, and
    the second is judged on the state the first left.

    ``at`` (publish only): the moment the issue becomes public; now if None.
    ``check_permission=False`` is for the command line (the demo loader), where
    there is no signed-in user.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(f"There is no workflow step called “{name}”.", code="unknown_transition")
    if check_permission and not transition.allows(by):
        raise PermissionDenied(f"You may not “{transition.label}”.")
    now = now or timezone.now()
    comment = (comment or "").strip()
    # A revision too, so the History page shows the step: the issue's texts as
    # they were then; the status itself is never kept in a revision.
    with transaction.atomic(), reversion.create_revision():
        current = Issue.objects.select_for_update().select_related("series").get(pk=issue.pk)
        if not applies_to(transition, current, now=now):
            raise ValidationError(
                "No. %(number)s is %(status)s: “%(step)s” does not apply to it.",
                code="wrong_state",
                params={
                    "number": current.number,
                    "status": describe_status(current, now=now),
                    "step": transition.label,
                },
            )
        if transition.needs_complete_issue:
            problems = saved_issue_problems(current)
            if problems:
                raise ValidationError(
                    "No. %(number)s cannot be moved on yet: %(problems)s.",
                    code="incomplete_issue",
                    params={"number": current.number, "problems": "; ".join(problems)},
                )
        if transition.needs_comment and not comment:
            raise ValidationError("Write the notice readers will see.", code="comment_required")
        if at is not None and not transition.can_schedule:
            raise ValidationError(f"“{transition.label}” cannot be scheduled.", code="not_schedulable")
        if at is not None and at <= now:
            raise ValidationError(
                "The time to publish has passed; choose a later time, or publish now.", code="time_in_the_past"
            )
        previous = current.status
        _enter(current, transition, by=by, comment=comment, at=at, now=now)
        step = IssueTransition.objects.create(
            issue=current, from_status=previous, to_status=current.status, name=name, by=by, at=now, comment=comment
        )
        reversion.set_user(by)
        reversion.set_comment(_revision_comment(name, comment, at))
        reversion.set_date_created(now)
    # The caller's object shows the new state too.
    for field in (
        "status",
        "public_from",
        "published_at",
        "published_by_id",
        "withdrawal_notice",
        "edit_version",
        "doi",
    ):
        setattr(issue, field, getattr(current, field))
    return step


def new_doi(issue):
    """The DOI ``issue`` gets on first publication; refused when an issue already holds it.

    That happens when an issue got its DOI under one number and was later renumbered, and
    another now has that number: a DOI is never given twice.
    """
    series = issue.series
    doi = doi_for(series.doi_prefix, series.doi_suffix_pattern, series_slug=series.slug, number=issue.number)
    holder = Issue.objects.originals().filter(doi__iexact=doi).exclude(pk=issue.pk).first()
    if holder is not None:
        raise ValidationError(
            "No. %(number)s would get the DOI %(doi)s, which “%(other)s” (now No. %(other_number)s) already has: "
            "a DOI is never given twice. Give this issue another number, or change the series' DOI suffix "
            "pattern if no issue has a DOI yet.",
            code="doi_taken",
            params={"number": issue.number, "doi": doi, "other": holder.title, "other_number": holder.number},
        )
    return doi


def _enter(issue, transition, *, by, comment, at, now):
    if transition.name == "publish_change":
        working_copies.publish(issue, by=by, note=comment, now=now)
        issue.refresh_from_db()
        return
    if transition.name == "discard_change":
        working_copies.discard(issue, by=by, now=now)
        issue.refresh_from_db()
        return
    fields = ["status", "edit_version", "updated_at"]
    issue.status = transition.target
    issue.edit_version += 1  # a form opened before this step must not save over it
    if transition.name in ("publish", "republish"):
        if transition.name == "publish":
            issue.public_from = at or now
            fields.append("public_from")
        if issue.published_at is None:
            issue.published_at, issue.published_by = now, by
            fields += ["published_at", "published_by"]
        if not issue.doi and issue.series.doi_prefix:
            issue.doi = new_doi(issue)
            fields.append("doi")
        issue.withdrawal_notice = ""
        fields.append("withdrawal_notice")
    elif transition.name == "unschedule":
        issue.public_from = None
        fields.append("public_from")
        # The DOI given when it was scheduled was never registered (a deposit waits for the issue's minute):
        # it goes with the cancelled publication, and the next publication gives the DOI of the number then.
        if issue.doi:
            issue.doi = ""
            fields.append("doi")
    elif transition.name == "withdraw":
        issue.withdrawal_notice = comment
        fields.append("withdrawal_notice")
    issue.save(update_fields=fields)
