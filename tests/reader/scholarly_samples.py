"""Issue documents for the citation and metadata tests, assembled without a database.

The names are the hard cases every format must get right: a particle
(“van der Berg”), an honorific typed into the given name (“Dr Jan”), a
Cyrillic name, and the Uzbek letters “Gʻ”/“Oʻ” (U+02BB).
"""

import datetime

from briefs.document import assemble
from briefs.models import Contribution, Issue, Series
from people.models import Person, Programme
from reader.links import IssueLinks

OKINA = "\u02bb"  # MODIFIER LETTER TURNED COMMA, the Uzbek Latin “ʻ”


def person(pk, given, family, honorific="", affiliation=""):
    return Person(
        pk=pk,
        given_name=given,
        family_name=family,
        honorific=honorific,
        affiliation=affiliation,
        slug=f"person-{pk}",
    )


ALBINA = person(11, "Albina", "Muratbekova", affiliation="Institute of Oriental Studies, Almaty")
ERKIN = person(12, "Erkin", "Baydarov", honorific="Dr", affiliation="Institute of Oriental Studies, Almaty, Kazakhstan")
VAN_DER_BERG = person(13, "Dr Jan", "van der Berg", honorific="Prof.", affiliation="Leiden University")
CYRILLIC = person(14, "Айгерим", "Жумабаева")
UZBEK = person(15, f"G{OKINA}ulom", f"O{OKINA}rinov", affiliation=f"O{OKINA}zbekiston Milliy Universiteti")


def contribution(pk, who, role, label=""):
    c = Contribution(pk=pk, role=role, speaker_label=label, printed_biography="")
    c.person = who
    return c


def scholarly_document(
    *, authors=(ALBINA,), interviewees=(ERKIN,), title=None, kind="interview", corrections=(), licence="", doi=""
):
    programme = Programme(
        name="The EU, Central Asia and the Caucasus in the International System",
        short_name="EUCACIS",
        programme_type="PhD Support Programme",
        website="https://www.eucacis.eu/",
    )
    series = Series(
        name="EUCACIS in Brief",
        slug="eucacis-in-brief",
        programme=programme,
        issn="2627-7190",
        place_of_publication="Berlin",
        website="https://www.eucacis.eu/",
        licence=licence,
    )
    issue = Issue(
        pk=1,
        series=series,
        number=6,
        slug="recent-changes",
        kind=kind,
        title=title or "Recent changes in the Kazakh-Uzbek relations: Interview with Erkin Baydarov",
        publication_date=datetime.date(2019, 2, 1),
        introduction="<p>Since 2016, relations deepened[^a]. A second sentence follows.</p><p>Another paragraph.</p>",
        body="",
        doi=doi,
    )
    role = "interviewer" if kind == "interview" else "author"
    contributions = [contribution(i, who, role) for i, who in enumerate(authors, start=1)]
    contributions += [contribution(50 + i, who, "interviewee", "EB") for i, who in enumerate(interviewees)]
    return assemble(
        issue,
        contributions=contributions,
        questions=[("<p>Q?</p>", "<p>A.</p>", None)] if kind == "interview" else [],
        notes={"a": "<p>A note.</p>"},
        about_sections=[],
        memberships=[],
        corrections=corrections,
    )


LINKS = IssueLinks(
    root="https://briefs.example.org",
    page="https://briefs.example.org/series/eucacis-in-brief/6/recent-changes/",
    pdf="https://briefs.example.org/series/eucacis-in-brief/6/pdf/",
    bibtex="https://briefs.example.org/series/eucacis-in-brief/6/cite.bib",
    ris="https://briefs.example.org/series/eucacis-in-brief/6/cite.ris",
    series="https://briefs.example.org/series/eucacis-in-brief/",
)

CORRECTED = ((datetime.datetime(2019, 3, 4, 10, 0, tzinfo=datetime.UTC), "A date was wrong."),)
