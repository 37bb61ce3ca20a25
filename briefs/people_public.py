"""Who has a public person page: the one rule, for every public entry point.

The rule needs what only the public site knows (published issues, editorial
teams), so it lives here rather than in ``people``, which imports nothing from
``briefs``; whether a fellowship is listed is asked of ``people`` itself
(``Fellowship.objects.listed()``).
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from briefs.models import EditorialMembership, Issue
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
