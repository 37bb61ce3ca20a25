from dataclasses import dataclass

from django import template

from briefs.document import byline
from briefs.models import AUTHOR_ROLES, ContributionRole

register = template.Library()


@dataclass(frozen=True)
class _Named:
    """What a byline part needs of a contributor: the printed name and the person's page."""

    name: str
    url: str


def card_byline_parts(issue):
    """The byline of an issue card, worded as on the issue's page: “By A and B”, “Interview by A with B”.

    ``issue.contributors`` is every contributor, in their order (``IssueQuerySet.for_listing``):
    no one is left out, an interviewee included.
    """
    contributors = getattr(issue, "contributors", ())
    authors = [_named(c) for c in contributors if c.role in AUTHOR_ROLES]
    interviewees = [_named(c) for c in contributors if c.role == ContributionRole.INTERVIEWEE]
    return byline(issue.kind, authors, interviewees)


def _named(contribution):
    return _Named(contribution.person.full_name, contribution.person.get_absolute_url())


@register.simple_tag
def card_byline(issue):
    """``{% card_byline issue as parts %}``: see :func:`card_byline_parts`."""
    return card_byline_parts(issue)
