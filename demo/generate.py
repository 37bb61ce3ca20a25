"""Generated issues for query budgets and benchmarks: many, varied, published, made fast.

:func:`generate_issues` bulk-creates ``count`` published issues of one series, with
authors and interviewees drawn from a pool of people, questions and answers
for the interviews, cited footnotes, two or three topics and one or two
countries or regions each, spread over the years 2015–2026. The texts are
built from a fixed vocabulary, reproducibly from ``seed``, so that searches
find some issues and not others. Nothing reads today's date.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from briefs.models import Contribution, Footnote, Issue, IssueKind, IssueStatus, Place, Question, Series, Topic
from people.models import Person, Programme

TOPIC_NAMES = [
    "Bilateral relations",
    "Regional cooperation",
    "Trade and investment",
    "Security",
    "Culture and education",
    "Energy",
    "Water",
    "Migration",
    "Elections",
    "Human rights",
    "Climate",
    "Transport corridors",
    "Belt and Road",
    "European Union",
    "Russia",
    "China",
    "Religion",
    "Media",
    "Agriculture",
    "Labour",
]
COUNTRIES = [
    ("Kazakhstan", "KZ"),
    ("Uzbekistan", "UZ"),
    ("Kyrgyzstan", "KG"),
    ("Tajikistan", "TJ"),
    ("Turkmenistan", "TM"),
    ("Georgia", "GE"),
    ("Armenia", "AM"),
    ("Azerbaijan", "AZ"),
    ("Afghanistan", "AF"),
    ("Mongolia", "MN"),
]
REGIONS = ["Central Asia", "South Caucasus", "Caspian region", "Fergana Valley"]
GIVEN = [
    "Aigerim",
    "Bakhtiyor",
    "Nino",
    "Arman",
    "Dilnoza",
    "Giorgi",
    "Zarina",
    "Rustam",
    "Leyla",
    "Timur",
    "Anna",
    "Jan",
    "Maria",
    "Oʻtkir",
    "Gulnara",
    "Сергей",
    "Ольга",
    "Hans",
    "Claire",
    "Farrukh",
]
FAMILY = [
    "Abdullaeva",
    "Karimov",
    "Beridze",
    "Nurlanov",
    "Tashkentova",
    "van der Berg",
    "de Vries",
    "Müller",
    "Oʻrinov",
    "Иванов",
    "Petrosyan",
    "Aliyev",
    "Dzhaksybekova",
    "Rahimov",
    "Schmidt",
    "Lefèvre",
    "Mamedova",
    "Jumabaev",
    "Sultanova",
    "Ergashev",
]
WORDS = (
    "cooperation region border trade water energy security reform policy integration corridor investment "
    "transit agreement summit leadership dialogue neighbourhood stability economy sanctions pipeline "
    "railway education university scholarship migration remittances election parliament constitution "
    "drought irrigation cotton harvest hydropower dam customs tariff market currency inflation bank "
    "diplomacy visit treaty partnership minister strategy development infrastructure logistics tourism"
).split()


def _sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng, count, *, marker=None):
    paragraphs = [" ".join(_sentence(rng) for _ in range(4)) for _ in range(count)]
    if marker:
        paragraphs[-1] = paragraphs[-1][:-1] + f"[^{marker}]."
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _tag(model, name, **fields):
    """The site's topic or place called ``name`` (any case) or, for a country, of that country; else a new one.

    A site's own may have another address or spelling: adding it again would
    break the unique name or country.
    """
    found = model.objects.filter(name__iexact=name).first()
    if found is None and fields.get("country"):
        found = model.objects.filter(country=fields["country"]).first()
    return found or model.objects.create(name=name, slug=slugify(name), **fields)


def _tags():
    topics = [_tag(Topic, name) for name in TOPIC_NAMES]
    places = [_tag(Place, name, country=code, kind=Place.Kind.COUNTRY) for name, code in COUNTRIES] + [
        _tag(Place, name, kind=Place.Kind.REGION) for name in REGIONS
    ]
    return topics, places


def generated_series(slug="generated-briefs"):
    programme, _ = Programme.objects.get_or_create(
        slug="generated-programme", defaults={"name": "Generated Programme", "short_name": "GEN"}
    )
    series, _ = Series.objects.get_or_create(
        slug=slug, defaults={"name": "Generated Briefs", "programme": programme, "issn": "2627-7190"}
    )
    return series


def generate_issues(count, *, series=None, seed=0, people=None):
    """Create ``count`` published issues in ``series`` (a generated series by default); returns their ids.

    Their PDFs are not built: a new series is saved on its own first, so that
    its change does not ask for a PDF of every issue created after it. They are
    in the search index when this returns.
    """
    from search.index import index_issues

    series = series or generated_series()
    with transaction.atomic():
        ids = _generate(count, series=series, seed=seed, people=people)
        index_issues(ids)
        return ids


def _generate(count, *, series, seed, people):
    rng = random.Random(seed)
    topics, places = _tags()
    first = Issue.objects.next_free_number(series)
    pool_size = people or max(20, count // 4)
    # After the highest number an earlier run gave with this seed (counting people would
    # reuse a taken address once anyone has been deleted).
    prefix = f"generated-{seed}-"
    taken = Person.objects.filter(slug__startswith=prefix).values_list("slug", flat=True)
    start = max((int(slug[len(prefix) :]) for slug in taken if slug[len(prefix) :].isdigit()), default=-1) + 1
    persons = Person.objects.bulk_create(
        Person(
            given_name=rng.choice(GIVEN),
            family_name=rng.choice(FAMILY),
            honorific=rng.choice(["", "", "Dr", "Prof. Dr"]),
            slug=f"{prefix}{start + i}",
            affiliation=f"Institute {i % 37} of Regional Studies",
        )
        for i in range(pool_size)
    )
    issues = []
    for i in range(count):
        number = first + i
        day = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(12 * 365))
        kind = rng.choice(IssueKind.values)
        title = f"{_sentence(rng, 6)[:-1]}: brief {number}"
        issues.append(
            Issue(
                series=series,
                number=number,
                title=title,
                slug=slugify(title)[:200],
                kind=kind,
                publication_date=day,
                introduction=_paragraphs(rng, 2, marker="a"),
                body="" if kind == IssueKind.INTERVIEW else _paragraphs(rng, 6, marker="b"),
                status=IssueStatus.PUBLISHED,
                public_from=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
            )
        )
    issues = Issue.objects.bulk_create(issues)
    contributions, questions, notes, topic_links, place_links = [], [], [], [], []
    TopicLink, PlaceLink = Issue.topics.through, Issue.places.through
    for issue in issues:
        chosen = rng.sample(persons, 3)
        interview = issue.kind == IssueKind.INTERVIEW
        for order, person in enumerate(chosen[: rng.choice([1, 1, 2])]):
            role = Contribution.Role.INTERVIEWER if interview else Contribution.Role.AUTHOR
            contributions.append(
                Contribution(
                    issue=issue,
                    person=person,
                    role=role,
                    sort_order=order,
                    printed_biography=f"<p>{_sentence(rng)}</p>",
                )
            )
        if interview:
            contributions.append(
                Contribution(
                    issue=issue,
                    person=chosen[2],
                    role=Contribution.Role.INTERVIEWEE,
                    speaker_label="".join(w[0] for w in chosen[2].name.split())[:10],
                    sort_order=9,
                )
            )
            for order in range(1, 4):
                questions.append(
                    Question(
                        issue=issue,
                        question=f"<p>{_sentence(rng)[:-1]}?</p>",
                        answer=_paragraphs(rng, 3),
                        sort_order=order,
                    )
                )
        notes.append(Footnote(issue=issue, label="a", text=f"<p>{_sentence(rng, 10)}</p>"))
        if not interview:
            notes.append(Footnote(issue=issue, label="b", text=f"<p>{_sentence(rng, 10)}</p>"))
        topic_links += [TopicLink(issue_id=issue.pk, topic_id=t.pk) for t in rng.sample(topics, rng.choice([2, 3]))]
        place_links += [PlaceLink(issue_id=issue.pk, place_id=p.pk) for p in rng.sample(places, rng.choice([1, 2]))]
    Contribution.objects.bulk_create(contributions, batch_size=2000)
    Question.objects.bulk_create(questions, batch_size=2000)
    Footnote.objects.bulk_create(notes, batch_size=2000)
    TopicLink.objects.bulk_create(topic_links, batch_size=5000)
    PlaceLink.objects.bulk_create(place_links, batch_size=5000)
    return [issue.pk for issue in issues]
