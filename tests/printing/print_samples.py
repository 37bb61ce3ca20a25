"""Generated articles for the PDF layout tests: plain data, no database."""

import datetime
import random

from briefs.document import assemble
from briefs.models import Issue, Series
from people.models import Programme

WORDS = (
    "regional cooperation between neighbouring states has grown since the border agreements were "
    "signed and ratified by both parliaments trade transit water energy security investment "
    "universities culture visas tourism railway corridor customs tariffs dialogue summit delegation "
    "programme initiative reform ministry budget agriculture industry heritage"
).split()


def filler(count, rng):
    return " ".join(rng.choice(WORDS) for _ in range(count))


def random_article(seed, paragraphs=25):
    """An opinion piece of ``paragraphs`` paragraphs, about half citing a note of 5 to 70 words."""
    rng = random.Random(seed)
    parts, notes, k = [], {}, 0
    for _ in range(paragraphs):
        words = filler(rng.randint(30, 160), rng).split()
        if rng.random() < 0.5:
            k += 1
            cut = rng.randint(5, len(words))
            words[cut - 1] += f"[^n{k}]"
            notes[f"n{k}"] = f"<p>Source {k}. {filler(rng.randint(5, 70), rng)} https://example.org/source/{k}.</p>"
        parts.append(f"<p>{' '.join(words)}.</p>")
    return "".join(parts), notes


def article_document(body, notes, *, title="A generated article"):
    programme = Programme(name="Programme", short_name="P", programme_type="PhD Support Programme")
    series = Series(name="Series", slug="series", programme=programme)
    issue = Issue(
        pk=1,
        series=series,
        number=1,
        title=title,
        slug="a",
        kind=Issue.Kind.OPINION,
        publication_date=datetime.date(2019, 2, 1),
        introduction="",
        body=body,
    )
    return assemble(issue, contributions=[], questions=[], notes=notes, about_sections=[], memberships=[])
