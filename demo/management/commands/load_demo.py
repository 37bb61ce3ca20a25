"""Load the demo content: the series “EUCACIS in Brief” and its No. 6 in full.

Safe to run again: it updates what it created before instead of adding copies.
"""

import datetime
import random

import reversion
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from briefs.models import (
    AboutSection,
    Contribution,
    EditorialMembership,
    Footnote,
    Issue,
    IssueKind,
    IssueStatus,
    Place,
    Question,
    Series,
    Topic,
)
from briefs.workflow import apply_transition
from demo import eucacis_in_brief_06 as seed
from jobs.queue import one_job_per_issue
from people.models import Fellowship, Organisation, Person, Programme
from readership.models import DailyCount


def _demo_readership(issue, months=24):
    """Invented views and downloads of ``issue`` for each day of the last ``months`` months, so that the
    Readership page and the issue's chart show something. The same figures each time it runs (seeded by the day)."""
    today = timezone.localdate()
    start = (today - datetime.timedelta(days=months * 30.5)).replace(day=1)
    rows = []
    for offset in range((today - start).days + 1):
        day = start + datetime.timedelta(days=offset)
        rng = random.Random(day.toordinal())
        season = 1.0 - 0.5 * (day.month in (7, 8, 12))  # quieter in summer and at Christmas
        views = int(rng.gammavariate(2.0, 3.0) * season)
        rows.append(DailyCount(issue=issue, day=day, views=views, downloads=int(views * rng.uniform(0.2, 0.5))))
    DailyCount.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["issue", "day"], update_fields=["views", "downloads"]
    )
    return len(rows)


def _organisation(short_name, name, website):
    organisation, _ = Organisation.objects.update_or_create(
        name=name, defaults={"short_name": short_name, "website": website}
    )
    return organisation


def _person(data):
    person, _ = Person.objects.update_or_create(
        slug=data.get("slug") or slugify(f"{data['given_name']} {data['family_name']}"),
        defaults={key: value for key, value in data.items() if key != "slug"},
    )
    return person


#: The workflow steps from each state to Published.
_STEPS_TO_PUBLISHED = {
    IssueStatus.DRAFT: ["submit", "approve", "publish"],
    IssueStatus.IN_REVIEW: ["approve", "publish"],
    IssueStatus.APPROVED: ["publish"],
    IssueStatus.WITHDRAWN: ["republish"],
}


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the programme EUCACIS, its series “EUCACIS in Brief”, "
        "the series' issue No. 6 and its author's fellowship."
    )

    @one_job_per_issue()  # one transaction; one PDF and one index job for No. 6, not one per row
    def handle(self, *args, **options):
        series, issue = self._load()
        # The History pages start from the demo content: a revision of the series (with
        # its about sections and team) and one of the issue (with its parts), each on its
        # own, so that reverting one never touches the other. Questions and notes are
        # bulk-created, which no signal reports: each is added once all is in place.
        for loaded in (series, issue):
            with reversion.create_revision():
                reversion.add_to_revision(loaded)
                reversion.set_comment("Demo content loaded (manage.py load_demo)")
                reversion.set_date_created(timezone.now())  # not the time of the last workflow step it took
        days = _demo_readership(issue)
        self.stdout.write(
            f"Demo readership figures for No. {issue.number}: {days} days, invented (readership.DailyCount)"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready: {series.name} No. {issue.number} at {issue.get_absolute_url()}")
        )

    def _load(self):
        programme_data = seed.PROGRAMME | {"description": seed.ABOUT_SECTIONS[0][1]}
        # By name too: the migration to programmes made one from the series' old text.
        programme = (
            Programme.objects.filter(Q(slug=programme_data["slug"]) | Q(name=programme_data["name"])).first()
            or Programme()
        )
        for field, value in programme_data.items():
            setattr(programme, field, value)
        programme.save()
        programme.organisers.set(_organisation(*o) for o in seed.ORGANISERS)
        programme.funders.set(_organisation(*f) for f in seed.FUNDERS)

        series_data = dict(seed.SERIES)
        series, _ = Series.objects.update_or_create(
            slug=series_data.pop("slug"), defaults=series_data | {"programme": programme}
        )
        for order, (title, body) in enumerate(seed.ABOUT_SECTIONS, start=1):
            AboutSection.objects.update_or_create(
                series=series, title=title, defaults={"body": body, "sort_order": order}
            )

        for order, (role, honorific, given, family, position) in enumerate(seed.EDITORIAL_TEAM, start=1):
            member = _person({"honorific": honorific, "given_name": given, "family_name": family})
            EditorialMembership.objects.update_or_create(
                series=series,
                person=member,
                role=role,
                defaults={"position": position, "sort_order": order},
            )

        year, month = seed.PUBLICATION_YEAR_MONTH
        issue, _ = Issue.objects.update_or_create(
            series=series,
            number=seed.NUMBER,
            defaults={
                "title": seed.TITLE,
                "slug": slugify(seed.TITLE)[:200],
                "kind": IssueKind.INTERVIEW,
                "publication_date": datetime.date(year, month, 1),
                "introduction": seed.INTRODUCTION,
                "body": "",
            },
        )
        author = _person(seed.AUTHOR)
        interviewee = _person(seed.INTERVIEWEE)
        fellowship = dict(seed.AUTHOR_FELLOWSHIP)
        Fellowship.objects.update_or_create(
            person=author, programme=programme, start_year=fellowship.pop("start_year"), defaults=fellowship
        )
        Contribution.objects.update_or_create(
            issue=issue,
            person=author,
            role=Contribution.Role.INTERVIEWER,
            defaults={"printed_biography": seed.AUTHOR["biography"], "sort_order": 1},
        )
        Contribution.objects.update_or_create(
            issue=issue,
            person=interviewee,
            role=Contribution.Role.INTERVIEWEE,
            defaults={"speaker_label": seed.SPEAKER_LABEL, "sort_order": 2},
        )
        # Questions and notes have no natural key; the issue's set is replaced whole.
        issue.questions.all().delete()
        Question.objects.bulk_create(
            Question(issue=issue, question=question, answer=answer, sort_order=order)
            for order, (question, answer) in enumerate(seed.QUESTIONS, start=1)
        )
        issue.footnotes.all().delete()
        Footnote.objects.bulk_create(
            Footnote(issue=issue, label=label, text=text) for label, text in seed.FOOTNOTES.items()
        )
        issue.topics.set(
            Topic.objects.update_or_create(slug=slugify(name), defaults={"name": name})[0] for name, _why in seed.TOPICS
        )
        issue.places.set(
            Place.objects.update_or_create(
                slug=slugify(name),
                defaults={"name": name, "country": code, "kind": Place.Kind.COUNTRY if code else Place.Kind.REGION},
            )[0]
            for name, code in seed.PLACES
        )
        if issue.status != Issue.Status.PUBLISHED:
            # Through the workflow, as the printed issue went: reviewed, approved,
            # and public from the start of its publication day.
            day = timezone.make_aware(datetime.datetime.combine(issue.publication_date, datetime.time(9)))
            for step in _STEPS_TO_PUBLISHED[issue.status]:
                apply_transition(issue, step, by=None, now=day, check_permission=False)
        return series, issue
