"""The workflow as a table: every step, from every state, for every role, through the admin's confirmation page.

The table below is the specification, written out by hand and not derived from
``briefs.workflow``: for each state an issue can be in and each step, where
the issue ends up, or nothing when the step does not apply. Each case checks
the state the issue is in afterwards, the workflow history entry (or that none
was written when nothing happened), and the message the editor reads.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from briefs import working_copies
from briefs.models import Issue, IssueTransition
from briefs.workflow import TRANSITIONS, apply_transition
from editorial.roles import ensure_roles
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "approved", "scheduled", "live", "live+copy", "withdrawn", "withdrawn+copy"]

#: (state, step) → the state it leads to. Any pair not here does not apply.
TABLE = {
    ("draft", "submit"): "in_review",
    ("in_review", "approve"): "approved",
    ("in_review", "send_back"): "draft",
    ("approved", "send_back"): "draft",
    ("approved", "publish"): "live",
    ("scheduled", "unschedule"): "approved",
    ("live", "withdraw"): "withdrawn",
    ("live+copy", "withdraw"): "withdrawn+copy",
    ("live+copy", "publish_change"): "live",
    ("live+copy", "discard_change"): "live",
    ("withdrawn+copy", "discard_change"): "withdrawn",
    ("withdrawn", "republish"): "live",
    ("withdrawn+copy", "republish"): "live+copy",
}

#: Who may take which step (“*”: all). Programme staff and staff without a role may take none.
ROLES = {
    "Editor-in-chief": "*",
    "Editor": {"submit", "discard_change"},  # discarding only a change they prepared (below)
    "Programme staff": set(),
    None: set(),
}

#: The status as the editor reads it after “Status now:”.
SHOWN = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "live": "Published",
    "live+copy": "Published",
    "withdrawn": "Withdrawn",
    "withdrawn+copy": "Withdrawn",
}


def state_of(issue):
    issue = Issue.objects.get(pk=issue.pk)
    has_copy = working_copies.current_copy(issue) is not None
    if issue.status == "published":
        state = "live" if issue.public_from <= timezone.now() else "scheduled"
    else:
        state = issue.status
    return state + ("+copy" if has_copy else "")


def make_in(state, chief):
    """An issue in ``state``; a working copy is the chief's (an editor did not prepare it)."""
    base = state.removesuffix("+copy")
    if base == "scheduled":
        issue = make_interview(status="published", public_from=timezone.now() + datetime.timedelta(days=3))
    elif base in ("live", "withdrawn"):
        issue = make_interview(status="published")
        if base == "withdrawn":
            apply_transition(issue, "withdraw", by=chief, comment="Checking a source.")
    else:
        issue = make_interview(status=base)
    if state.endswith("+copy"):
        copy = working_copies.start(issue, by=chief)
        copy.title = "A corrected title"
        copy.save()
    IssueTransition.objects.filter(issue=issue).delete()
    assert state_of(issue) == state
    return issue


def may(role, step):
    allowed = ROLES[role]
    return allowed == "*" or step in allowed


def test_every_step_from_every_state_for_every_role(db, django_user_model):
    ensure_roles()
    users = {}
    for role in ROLES:
        user = django_user_model.objects.create_user(f"user-{role or 'none'}".replace(" ", "-"), is_staff=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    chief = users["Editor-in-chief"]
    wrong = []
    for state in STATES:
        for step, transition in TRANSITIONS.items():
            for role, user in users.items():
                issue = make_in(state, chief)
                client = Client()
                client.force_login(user)
                url = reverse("admin:briefs_issue_transition", args=[step])
                data = {"ids": str(issue.pk), "comment": "A comment for the record.", "when": "now"}
                response = client.post(url, data, follow=True)
                page = response.content.decode()
                steps = list(IssueTransition.objects.filter(issue=issue))
                after = state_of(issue)
                expected = TABLE.get((state, step))
                case = f"{step} from {state} as {role or 'staff without a role'}"
                if not may(role, step):
                    if response.status_code != 403 or after != state or steps:
                        wrong.append(f"{case}: expected 403 and nothing done, got {response.status_code}, {after}")
                elif expected is None:
                    if after != state or steps or "does not apply" not in page:
                        wrong.append(f"{case}: expected “does not apply” and nothing done, got {after}, {steps}")
                elif role == "Editor" and step == "discard_change":  # the chief prepared it
                    if after != state or steps or "Only the editor who prepared this change" not in page:
                        wrong.append(f"{case}: expected the author's refusal and nothing done, got {after}")
                else:
                    done = f"{transition.label}: done for No. {issue.number}. Status now: {SHOWN[expected]}."
                    record = [(s.name, s.from_status, s.to_status, s.by_id) for s in steps]
                    wanted = [
                        (
                            step,
                            state.split("+")[0].replace("live", "published").replace("scheduled", "published"),
                            expected.split("+")[0].replace("live", "published"),
                            user.pk,
                        )
                    ]
                    if after != expected or record != wanted or done not in page:
                        wrong.append(f"{case}: expected {expected}, {wanted}, “{done}”; got {after}, {record}")
    assert not wrong, f"{len(wrong)} cases differ from the table:\n" + "\n".join(wrong)
