"""One issue document: everything a reader sees of one issue, assembled once.

:func:`issue_document` fetches an issue's parts in a fixed number of queries and
:func:`assemble` turns them into plain data: series and programme, number, date,
title, kind, the byline worded for the kind, the texts in reading order with
their footnotes numbered, the printed biographies, the about sections, the team
in office on the publication date, and the imprint. The web page, the PDF and
later exports all take this document; their templates only lay it out, and each
formats the footnotes its own way (:func:`briefs.footnotes.format_web`,
:func:`briefs.footnotes.format_print`).

All editor HTML in the document has been through the sanitiser.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from html import unescape
from itertools import groupby

from django.utils.dateformat import format as date_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

from briefs.dois import doi_url
from briefs.footnotes import format_pieces, number_footnotes, print_reference, web_notes, web_reference
from briefs.front_matter import front_matter
from briefs.licences import licence
from briefs.models import (
    PERSON_NAME_FIELDS,
    ROLE_HEADINGS,
    ROLE_ORDER,
    Contribution,
    ContributionRole,
    Correction,
    Footnote,
    Issue,
    IssueKind,
    Place,
    Question,
    Topic,
)
from briefs.names import cited_name, strip_honorific
from briefs.reading import ANSWER, BODY, INTRODUCTION, QUESTION, reading_order
from common.plain_select import PlainSelect
from common.reversing import url_for
from richtext.fields import sanitize


@dataclass(frozen=True)
class Contributor:
    #: As printed, with honorific: “Dr Erkin Baydarov”.
    name: str
    #: Without honorific, for metadata and citations: “Erkin Baydarov”.
    plain_name: str
    given_name: str
    family_name: str
    url: str
    role: str
    speaker_label: str = ""
    #: The “About the author” text printed in this issue (authors only).
    biography: str = ""
    #: Institution and position in one line, for metadata (the person's current one).
    affiliation: str = ""

    @property
    def cited(self):
        """The name as citations and metadata take it: particle apart, no honorific."""
        return cited_name(self.given_name, self.family_name)


@dataclass(frozen=True)
class BylinePart:
    """A run of the byline: fixed words, or one contributor's name."""

    text: str
    contributor: Contributor | None = None


@dataclass(frozen=True)
class QuestionAndAnswer:
    number: int
    question: tuple
    answer: tuple
    speaker_label: str


@dataclass(frozen=True)
class Tag:
    """A topic, or a country or region, the issue is about."""

    name: str
    url: str
    #: For a country: its ISO 3166 code.
    code: str = ""


@dataclass(frozen=True)
class TeamMember:
    name: str
    url: str
    position: str


@dataclass(frozen=True)
class TeamGroup:
    heading: str
    members: tuple


@dataclass(frozen=True)
class AboutSection:
    title: str
    html: str


@dataclass(frozen=True)
class Imprint:
    publisher: str
    place: str
    issn: str
    website: str
    website_label: str
    email: str
    hashtag: str
    published_in: str
    #: The series' licence, as printed (“CC BY 4.0”) and as its deed's address; empty if none.
    licence: str = ""
    licence_url: str = ""


@dataclass(frozen=True)
class IssueDocument:
    issue_id: int
    series_name: str
    series_slug: str
    series_url: str
    programme_type: str
    programme_name: str
    programme_short_name: str
    number: int
    title: str
    short_title: str
    slug: str
    url: str
    kind: str
    kind_label: str
    publication_date: datetime.date
    #: “February 2019”: the series prints the month, not the day.
    date_label: str
    authors: tuple
    interviewees: tuple
    byline: tuple
    #: Numbered texts: tuples of HTML pieces and footnote references.
    introduction: tuple
    questions: tuple
    body: tuple
    notes: tuple
    biographies_heading: str
    about_sections: tuple
    team: tuple
    imprint: Imprint
    #: Who publishes the series, as citations name it (the imprint's “Published by”):
    #: “The EU, Central Asia and the Caucasus in the International System (EUCACIS)”.
    publisher_name: str = ""
    programme_website: str = ""
    #: The organisations that organise the programme (IEP, CIFE): ``(name, short name, website)``.
    organisers: tuple = ()
    language: str = "en"
    #: Public corrections, oldest first: ``(datetime, note)``.
    corrections: tuple = ()
    #: What the issue is about: :class:`Tag` objects, by name.
    topics: tuple = ()
    places: tuple = ()
    #: The issue's DOI (``10.5555/eucacis-in-brief.6``), once it has one; empty before.
    doi: str = ""

    @cached_property
    def version(self):
        """A digest of everything the reader sees: any change to what is shown gives a new one."""
        return hashlib.sha256(repr(self).encode()).hexdigest()

    @cached_property
    def abstract(self):
        """The introduction's first paragraph as plain text, whole (else the body's first
        paragraph): the abstract of the page's metadata (``citation_abstract``, which
        Zotero saves), of the citation files and of the feeds, and the source of the
        page's short description.

        The first paragraph says what the issue is about; an interview's introduction
        goes on to present the interviewee, which is no abstract.

        Worked out from the texts when asked, so a page whose metadata is already
        made (reader.views._page_extras) does not pay for it.
        """
        return plain_text(self.introduction, paragraphs=1) or plain_text(self.body, paragraphs=1)

    @property
    def doi_url(self):
        """``https://doi.org/10.5555/eucacis-in-brief.6``, or empty: how citations and pages show the DOI."""
        return doi_url(self.doi)

    @property
    def is_interview(self):
        return self.kind == IssueKind.INTERVIEW

    @property
    def byline_text(self):
        return "".join(part.contributor.name if part.contributor else part.text for part in self.byline)

    @property
    def author_names(self):
        """“A”, “A and B”, “A, B and C”, as printed on the cover."""
        return "".join(p.contributor.name if p.contributor else p.text for p in join_names(self.authors))

    @property
    def subject(self):
        return f"{self.series_name} No. {self.number}"

    @property
    def keywords(self):
        """The issue's keywords: what it is about (its topics, then its countries and regions).

        The PDF, the page's metadata (``citation_keywords``, ``DC.subject``,
        ``article:tag``, JSON-LD) and the citation files take them from here. The
        authors, series and publisher have fields of their own there, so they are
        not repeated as subjects. An issue with no topic or place yet has its
        series and kind, so that the PDF still says what it is.
        """
        about = [tag.name for tag in (*self.topics, *self.places)]
        return about or [self.series_name, self.kind_label]

    @property
    def pdf_keywords(self):
        """The PDF's keywords: the series, the kind, what it is about, and everyone in it.

        A PDF has no other field for the interviewees, whom its cover does not name.
        """
        names = [c.plain_name for c in (*self.authors, *self.interviewees)]
        about = [tag.name for tag in (*self.topics, *self.places)]
        return [self.series_name, self.programme_short_name, self.kind_label, *about, *names]

    @property
    def pdf_filename(self):
        """``EUCACIS-in-Brief-06-Muratbekova.pdf``."""
        parts = [self.series_name, f"{self.number:02d}", *(c.family_name for c in self.authors[:2])]
        return "-".join(re.sub(r"[^\w]+", "-", part).strip("-") for part in parts if part) + ".pdf"

    def texts(self, formatter):
        """The texts formatted by ``formatter`` (``"web"`` or ``"print"``)."""
        return format_texts(self, formatter)

    def plain_text(self):
        """What a reader reads, as plain text: title, byline, texts with each note at its call.

        Tells whether a change alters the text (and needs a correction note).
        """
        texts = self.texts("print")
        parts = [self.title, self.byline_text, texts.introduction]
        for question in texts.questions:
            parts += [question.question, question.answer]
        parts.append(texts.body)
        return "\n\n".join(" ".join(unescape(strip_tags(part)).split()) for part in parts if part)


@dataclass(frozen=True)
class FormattedQuestion:
    number: int
    question: str
    answer: str


@dataclass(frozen=True)
class FormattedTexts:
    introduction: str
    questions: list
    body: str
    #: Web: :class:`briefs.footnotes.WebNote` objects; print: none (each note is at its call).
    notes: list


def prefix_speaker(answer_html, label):
    """Open an answer with its speaker's label: ``<p><b class="speaker">EB:</b> Since …``."""
    if not label:
        return answer_html
    prefix = format_html('<b class="speaker">{}:</b> ', label)
    if answer_html.startswith("<p>"):
        return mark_safe("<p>" + prefix + answer_html[3:])
    return mark_safe(prefix + answer_html)


def format_texts(document, formatter):
    if formatter == "web":
        reference_html, notes = web_reference, web_notes(document.notes)
    elif formatter == "print":
        reference_html, notes = print_reference(document.notes), []
    else:
        raise ValueError(f"unknown formatter {formatter!r}; use 'web' or 'print'")

    def html(pieces):
        return format_pieces(pieces, reference_html)

    return FormattedTexts(
        introduction=html(document.introduction),
        questions=[
            FormattedQuestion(qa.number, html(qa.question), prefix_speaker(html(qa.answer), qa.speaker_label))
            for qa in document.questions
        ],
        body=html(document.body),
        notes=notes,
    )


# -- wording -----------------------------------------------------------------


def join_names(contributors):
    """``[A]``, ``[A, " and ", B]``, ``[A, ", ", B, " and ", C]`` as byline parts."""
    parts = []
    for index, contributor in enumerate(contributors):
        if index:
            parts.append(BylinePart(" and " if index == len(contributors) - 1 else ", "))
        parts.append(BylinePart("", contributor))
    return parts


def byline(kind, authors, interviewees):
    """The byline worded for the kind: “By …”, “Interview by … with …”."""
    if kind != IssueKind.INTERVIEW:
        return tuple([BylinePart("By "), *join_names(authors)]) if authors else ()
    parts = [BylinePart("Interview")]
    if authors:
        parts += [BylinePart(" by "), *join_names(authors)]
    if interviewees:
        parts += [BylinePart(" with "), *join_names(interviewees)]
    return tuple(parts) if len(parts) > 1 else ()


def short_title(title, limit=70):
    """The title for a running head: the part before a colon, shortened if still long."""
    head = title.split(":", 1)[0].strip() if ":" in title else title
    if len(head) <= limit:
        return head
    return head[: limit - 1].rsplit(" ", 1)[0] + "…"


def publisher_name(programme):
    """The programme as citations name the publisher: “<name> (<short name>)”."""
    return f"{programme.name} ({programme.short_name})" if programme.short_name else programme.name


_PARAGRAPH_END = re.compile(r"</(?:p|li|h[1-6]|blockquote)>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain_text(pieces, *, paragraphs=None):
    """A numbered text's words without markup or note references, paragraphs one space apart.

    ``paragraphs`` keeps only that many first paragraphs. The pieces are sanitised
    HTML (no comments, scripts or attributes holding “>”), so removing tags is a
    pattern, not Django's ``strip_tags``, which parses the text again and again.
    """
    html = "".join(piece for piece in pieces if isinstance(piece, str))
    blocks = [
        " ".join(unescape(_TAG.sub("", _LINE_BREAK.sub(" ", block))).split()) for block in _PARAGRAPH_END.split(html)
    ]
    blocks = [block for block in blocks if block]
    if paragraphs is not None:
        blocks = blocks[:paragraphs]
    return " ".join(blocks)


def website_label(url):
    return re.sub(r"^https?://", "", url or "").rstrip("/")


def publisher_sentence(programme):
    kind = f"{programme.programme_type} " if programme.programme_type else ""
    short = f" ({programme.short_name})" if programme.short_name else ""
    return f"Published by the {kind}“{programme.name}”{short}."


def _licence_fields(spdx):
    chosen = licence(spdx)
    return {"licence": chosen.name, "licence_url": chosen.url} if chosen else {}


def speaker_labels(interviewees, questions):
    """Each answer's speaker label: its chosen speaker's, or the only interviewee's."""
    labels = {c.person_id: c.speaker_label for c in interviewees}
    only = next(iter(labels.values())) if len(labels) == 1 else ""
    return [labels.get(speaker_id, only) if speaker_id else only for _q, _a, speaker_id in questions]


def team_in_office(memberships, *, on):
    """The team in office ``on`` a day, grouped by role in imprint order."""
    in_office = (m for m in memberships if m.in_office_on(on))
    ordered = sorted(in_office, key=lambda m: (ROLE_ORDER[m.role], m.sort_order, m.pk or 0))
    return tuple(
        TeamGroup(
            heading=ROLE_HEADINGS[role],
            members=tuple(TeamMember(m.person.full_name, m.person.get_absolute_url(), m.position) for m in members),
        )
        for role, members in groupby(ordered, key=lambda m: m.role)
    )


# -- assembly ----------------------------------------------------------------


def _contributor(contribution):
    person = contribution.person
    # An honorific typed into the given name is printed as typed, never cited.
    given_name = strip_honorific(person.given_name)
    return Contributor(
        name=person.full_name,
        plain_name=f"{given_name} {person.family_name}".strip(),
        given_name=given_name,
        family_name=person.family_name,
        url=person.get_absolute_url(),
        role=contribution.role,
        speaker_label=contribution.speaker_label,
        biography=sanitize(contribution.printed_biography) if contribution.is_author else "",
        affiliation=person.affiliation,
    )


def about_sections_of(sections):
    return tuple(AboutSection(s.title, sanitize(s.body)) for s in sections)


def _number_passages(passages, notes):
    """The footnotes of ``passages`` (in reading order) numbered as readers see them: sanitised first."""
    return number_footnotes(
        [sanitize(p.html, p.rich_text_kind) for p in passages],
        {label: sanitize(html, "note") for label, html in notes.items()},
    )


def footnote_numbers(passages, labels):
    """``{label: number}``: the number readers will see for each of the notes ``labels``.

    The issue page's own numbering (:func:`assemble`), for the admin's editor to show
    before anything is saved. A label that nothing cites is left out.
    """
    numbering = _number_passages(passages, dict.fromkeys(labels, ""))
    return {note.label: note.number for note in numbering.notes}


def assemble(
    issue,
    *,
    contributions,
    questions,
    notes,
    about_sections,
    memberships,
    front=None,
    corrections=(),
    topics=(),
    places=(),
    organisers=(),
):
    """The document of ``issue`` from its fetched parts; no database access.

    ``contributions``: Contribution objects with their person, in order.
    ``questions``: ``(question_html, answer_html, speaker_person_id)`` in order.
    ``notes``: mapping of footnote label to note HTML.
    ``about_sections``: the series' AboutSection objects in order.
    ``memberships``: the series' EditorialMembership objects with their person.
    ``topics``, ``places``: :class:`Tag` objects.
    ``organisers``: the programme's organisers, ``(name, short name, website)``.
    ``front``: the series' :class:`~briefs.front_matter.FrontMatter`, if these come
    from it: the sanitised sections and the team on a day are then worked out once
    per front matter, not for every page.
    """
    series, programme = issue.series, issue.series.programme
    authors = [c for c in contributions if c.is_author]
    interviewees = [c for c in contributions if c.role == ContributionRole.INTERVIEWEE]
    passages = reading_order(
        introduction=issue.introduction, questions=[(q, a) for q, a, _s in questions], body=issue.body
    )
    numbering = _number_passages(passages, notes)
    by_part = dict(zip(((p.part, p.number) for p in passages), numbering.fragments))
    labels = speaker_labels(interviewees, questions)
    author_people = tuple(_contributor(c) for c in authors)
    interviewee_people = tuple(_contributor(c) for c in interviewees)
    date_label = date_format(issue.publication_date, "F Y")
    return IssueDocument(
        corrections=tuple(corrections),
        topics=tuple(sorted(topics, key=lambda t: t.name.casefold())),
        places=tuple(sorted(places, key=lambda t: t.name.casefold())),
        issue_id=issue.pk,
        series_name=series.name,
        series_slug=series.slug,
        series_url=series.get_absolute_url(),
        programme_type=programme.programme_type,
        programme_name=programme.name,
        programme_short_name=programme.short_name,
        number=issue.number,
        title=issue.title,
        short_title=short_title(issue.title),
        slug=issue.slug,
        url=issue.get_absolute_url(),
        kind=issue.kind,
        kind_label=IssueKind(issue.kind).label,
        publication_date=issue.publication_date,
        date_label=date_label,
        authors=author_people,
        interviewees=interviewee_people,
        byline=byline(issue.kind, author_people, interviewee_people),
        introduction=by_part[(INTRODUCTION, None)],
        questions=tuple(
            QuestionAndAnswer(n, by_part[(QUESTION, n)], by_part[(ANSWER, n)], labels[n - 1])
            for n in range(1, len(questions) + 1)
        ),
        body=by_part[(BODY, None)],
        notes=numbering.notes,
        biographies_heading="About the Authors" if len(authors) > 1 else "About the Author",
        about_sections=about_sections_of(about_sections)
        if front is None
        else front.once("about", lambda: about_sections_of(about_sections)),
        team=team_in_office(memberships, on=issue.publication_date)
        if front is None
        else front.once(
            ("team", issue.publication_date), lambda: team_in_office(memberships, on=issue.publication_date)
        ),
        imprint=Imprint(
            publisher=publisher_sentence(programme),
            place=series.place_of_publication,
            issn=series.issn,
            website=series.website,
            website_label=website_label(series.website),
            email=series.email,
            hashtag=series.hashtag,
            published_in=f"published in {date_label}",
            **_licence_fields(series.licence),
        ),
        publisher_name=publisher_name(programme),
        programme_website=programme.website,
        organisers=tuple(organisers),
        doi=issue.doi,
    )


# The issue document's rows, read with SQL compiled once (see common.plain_select).
_CONTRIBUTIONS = PlainSelect(
    Contribution,
    ["issue"],
    fields=("id", "issue", "person", "role", "speaker_label", "printed_biography", "sort_order"),
    join=("person", ("id", *PERSON_NAME_FIELDS, "affiliation")),
)
_QUESTIONS = PlainSelect(Question, ["issue"], fields=("question", "answer", "speaker"))
_NOTES = PlainSelect(Footnote, ["issue"], fields=("label", "text"))
_CORRECTIONS = PlainSelect(Correction, ["issue"], fields=("corrected_at", "note"))
_TOPICS = PlainSelect(Topic, fields=("name", "slug"), through=(Issue, "topics"))
_PLACES = PlainSelect(Place, fields=("name", "slug", "country"), through=(Issue, "places"))


def _tags(issue_id):
    """The issue's topics and places as :class:`Tag` objects."""
    topics = tuple(Tag(name, url_for("reader:topic_detail", slug=slug)) for name, slug in _TOPICS.rows(issue_id))
    places = tuple(
        Tag(name, url_for("reader:place_detail", slug=slug), country or "")
        for name, slug, country in _PLACES.rows(issue_id)
    )
    return topics, places


def issue_document(issue):
    """The document of ``issue``, fetched in a fixed number of queries.

    ``issue`` must come with ``series__programme`` (select_related). Costs 6
    queries (contributors, questions, notes, corrections, topics, places) plus 3 for the
    series' front matter when it is not kept (:mod:`briefs.front_matter`).
    """
    contributions = _CONTRIBUTIONS(issue.pk)
    questions = _QUESTIONS.rows(issue.pk)
    notes = dict(_NOTES.rows(issue.pk))
    corrections = tuple(_CORRECTIONS.rows(issue.pk))
    topics, places = _tags(issue.pk)
    front = front_matter(issue.series)
    return assemble(
        issue,
        contributions=contributions,
        questions=questions,
        notes=notes,
        about_sections=front.about_sections,
        memberships=front.memberships,
        front=front,
        corrections=corrections,
        topics=topics,
        places=places,
        organisers=front.organisers,
    )
