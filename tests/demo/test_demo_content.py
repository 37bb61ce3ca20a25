"""The demo command carries the printed No. 6 in full, and running it twice changes nothing."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from briefs.models import AboutSection, Contribution, EditorialMembership, Footnote, Issue, Question, Series
from demo import eucacis_in_brief_06 as seed
from people.models import Fellowship, Organisation, Person, Programme

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "eucacis-in-brief-06.txt"


def _fold(text):
    """Seed text with its line breaks and printed footnote numbers folded away."""
    text = re.sub(r"-\n", "-", text)
    text = re.sub(r"\s+", " ", text)
    return text


def _counts():
    models = (Series, AboutSection, Issue, Contribution, Question, Footnote, Person, EditorialMembership)
    return [m.objects.count() for m in models + (Programme, Organisation, Fellowship)]


@pytest.mark.django_db
def test_running_load_demo_twice_leaves_the_same_data(demo_issue):
    before = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == before == [1, 4, 1, 2, 4, 4, 7, 5, 1, 4, 1]


@pytest.mark.django_db
def test_the_demo_issue_is_published_with_its_parts_attached(demo_issue):
    assert demo_issue.status == "published" and demo_issue.publication_date.isoformat() == "2019-02-01"
    assert demo_issue.series.issn == "2627-7190"
    assert list(demo_issue.questions.values_list("sort_order", flat=True)) == [1, 2, 3, 4]
    assert sorted(demo_issue.footnotes.values_list("label", flat=True)) == [
        "dostyk",
        "trade-forum",
        "turkistan",
        "year-events",
    ]
    assert demo_issue.contributions.get(role="interviewee").speaker_label == "EB"
    programme = demo_issue.series.programme
    assert (programme.short_name, programme.programme_type) == ("EUCACIS", "PhD Support Programme")
    assert sorted(o.short_name for o in programme.organisers.all()) == ["CIFE", "IEP"]
    fellowship = Fellowship.objects.get(person__family_name="Muratbekova")
    assert (fellowship.programme, fellowship.cohort, fellowship.country.code) == (programme, "2017–2019", "KZ")
    assert fellowship.listed_publicly  # she is public anyway, as the author


def _in_print(piece, printed):
    """True if ``piece`` is printed whole, or in two parts that a page break or a
    footnote at the foot of the page separates."""
    if piece in printed:
        return True
    return any(
        piece[:k] in printed and piece[k:] in printed and printed.index(piece[:k]) < printed.rindex(piece[k:])
        for k in range(8, len(piece) - 8)
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed text is not beside the project (../shared/seed)")
def test_every_demo_paragraph_and_note_is_word_for_word_in_the_printed_issue():
    printed = _fold(SEED.read_text())
    # In print, a page break or footnote can fall inside a paragraph; compare sentence pieces.
    texts = [seed.INTRODUCTION] + [q + a for q, a in seed.QUESTIONS] + list(seed.FOOTNOTES.values())
    texts += [body for _title, body in seed.ABOUT_SECTIONS] + [seed.AUTHOR["biography"]]
    pieces = []
    for html in texts:
        plain = re.sub(r"<[^>]+>", " ", re.sub(r"\[\^[\w-]+\]", "", html))
        pieces += [p.strip() for p in re.split(r"(?<=[.?!”])\s+", plain) if len(p.strip()) > 25]
    # Footnote numbers are glued to words in print ("cooperation1.").
    printed = re.sub(r"(?<=[a-z])\d(?=[.,\s])", "", printed).replace(" ", "")
    unprinted = [p for p in pieces if not _in_print(_fold(p).replace(" ", ""), printed)]
    assert unprinted == []
    assert len(pieces) > 120
