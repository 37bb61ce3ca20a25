"""Who has a public person page: the one rule, for every public entry point.

The rule needs what only the public site knows (published issues, editorial
teams), so it lives here rather than in ``people``, which imports nothing from
``briefs``; whether a fellowship is listed is asked of ``people`` itself
(``Fellowship.objects.listed()``).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from briefs.models import ROLE_ORDER, ContributionRole, EditorialMembership, Issue
from people.models import Fellowship, Person


def public_people(people=None, *, at=None):
    """The people who have a public page at the moment ``at`` (now by default).

    A person is public if they have at least one of:

    - a part (author, interviewer, interviewee) in an issue the public may see,
      as ``Issue.objects.published()`` decides: a draft or a scheduled issue
      does not count;
    - a term on a series' editorial team that has begun (the team page and the
      imprints show it; a term that starts later does not count yet);
    - a fellowship whose fellow agreed to be listed (``Fellowship.objects.listed()``).

    Everyone else (people only in drafts, unlisted fellows, people merely
    recorded) has no public page: the person page answers 404 for them, and
    nothing public may link to them. The person page uses this; so must any
    later list of people for the public (a sitemap, search, feeds). Filtering
    ``people`` (all people by default) adds one ``WHERE`` with three
    ``EXISTS`` subqueries, no extra query.
    """
    at = at or timezone.now()
    on = timezone.localdate(at)
    people = Person.objects.all() if people is None else people
    contributed = Issue.objects.published(at=at).filter(contributions__person=OuterRef("pk"))
    on_a_team = EditorialMembership.objects.filter(person=OuterRef("pk")).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=on)
    )
    listed_fellow = Fellowship.objects.listed().filter(person=OuterRef("pk"))
    return people.filter(Exists(contributed) | Exists(on_a_team) | Exists(listed_fellow))


#: How a person page words each part in an issue, with its count: “wrote two issues”.
PART_WORDING = (
    (ContributionRole.AUTHOR, "wrote", "issue"),
    (ContributionRole.INTERVIEWER, "conducted", "interview"),
    (ContributionRole.INTERVIEWEE, "was interviewed in", "issue"),
)


#: Numbers in running prose: one to nine in words, larger ones in figures (as Chicago and APA have it).
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def in_prose(number):
    """``number`` as a sentence writes it: “one” to “nine”, then “10”, “11”…"""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def parts_played(counts):
    """``["wrote two issues", "was interviewed in one issue"]`` from ``{role: count}``, in a fixed order."""
    return [
        f"{verb} {in_prose(counts[role])} {noun}{'' if counts[role] == 1 else 's'}"
        for role, verb, noun in PART_WORDING
        if counts.get(role)
    ]


@dataclass(frozen=True)
class EditorialRoleHeld:
    role: str
    series_name: str
    series_url: str
    position: str
    #: “2017–2020”, “since 2017”, “until 2020”, or “” when held from the start and still.
    years: str


def term_years(start, end, *, on):
    """The years of a term as a person page shows them; open ends are the series' start or today."""
    current = end is None or end >= on
    if start and end and not current:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start and current:
        return f"since {start.year}"
    if end and not current:
        return f"until {end.year}"
    return ""


def editorial_roles(person, *, on):
    """The person's terms on editorial teams that have begun by ``on``, current ones first, then by role."""
    memberships = (
        EditorialMembership.objects.filter(person=person)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=on))
        .select_related("series")
        .only("role", "position", "start_date", "end_date", "series__name", "series__slug")
    )

    def current(m):
        return m.end_date is None or m.end_date >= on

    ordered = sorted(
        memberships,
        key=lambda m: (not current(m), -(m.end_date or on).toordinal(), ROLE_ORDER[m.role], m.series.name),
    )
    return [
        EditorialRoleHeld(
            role=m.get_role_display(),
            series_name=m.series.name,
            series_url=m.series.get_absolute_url(),
            position=m.position,
            years=term_years(m.start_date, m.end_date, on=on),
        )
        for m in ordered
    ]
