"""Assembling an issue's texts for the page: pure functions over plain data.

Views pass in what they fetched; nothing here touches the database. Every piece of
editor HTML passes through :func:`richtext.fields.sanitize` before footnote markers
become links, and the result is marked safe here, once.
"""

from dataclasses import dataclass
from itertools import groupby

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from briefs.footnotes import render_footnotes
from richtext.fields import sanitize
from briefs.models import ROLE_HEADINGS, ROLE_ORDER


@dataclass(frozen=True)
class RenderedQuestion:
    number: int
    question: str
    answer: str


@dataclass(frozen=True)
class IssueTexts:
    introduction: str
    questions: list
    body: str
    notes: list


def prefix_speaker(answer_html, label):
    """Open an answer with its speaker's label: ``<p><b>EB:</b> Since …``."""
    if not label:
        return answer_html
    prefix = format_html('<b class="speaker">{}:</b> ', label)
    if answer_html.startswith("<p>"):
        return mark_safe("<p>" + prefix + answer_html[3:])
    return mark_safe(prefix + answer_html)


def render_issue_texts(*, introduction, questions, body, notes):
    """Sanitise and number an issue's texts in reading order.

    ``questions``: ``(question_html, answer_html, speaker_label)`` in order.
    ``notes``: mapping of footnote label to note HTML.
    """
    fragments = [sanitize(introduction)]
    for question, answer, _label in questions:
        fragments.append(sanitize(question, "note"))
        fragments.append(sanitize(answer))
    fragments.append(sanitize(body))
    rendered = render_footnotes(
        fragments, {label: sanitize(html, "note") for label, html in notes.items()}
    )
    out = rendered.fragments
    return IssueTexts(
        introduction=out[0],
        questions=[
            RenderedQuestion(
                number=index,
                question=out[2 * index - 1],
                answer=prefix_speaker(out[2 * index], label),
            )
            for index, (_q, _a, label) in enumerate(questions, start=1)
        ],
        body=out[-1],
        notes=rendered.notes,
    )


@dataclass(frozen=True)
class TeamGroup:
    role: str
    members: list


def group_team(memberships, *, on):
    """The team in office ``on`` a day, grouped by role in imprint order."""
    in_office = (m for m in memberships if m.in_office_on(on))
    ordered = sorted(in_office, key=lambda m: (ROLE_ORDER[m.role], m.sort_order, m.pk or 0))
    return [
        TeamGroup(role=ROLE_HEADINGS[role], members=list(members))
        for role, members in groupby(ordered, key=lambda m: m.role)
    ]
