import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django_countries.fields import CountryField

from briefs.dois import DEFAULT_SUFFIX_PATTERN, validate_deposit_url, validate_doi_prefix, validate_suffix_pattern
from briefs.footnotes import LABEL_RE, normalise_label
from briefs.licences import CHOICES as LICENCE_CHOICES
from briefs.validators import normalise_issn, validate_issn
from common.reversing import url_for
from richtext.fields import RichTextField
from sitecache.versioning import ContentQuerySet

#: The toolbar button that inserts a footnote (static/briefs/prose/footnote.js),
#: on every text of an issue that may cite one.
FOOTNOTE_BUTTON = {"FootnoteMarker": True}


class RemembersLoadedValues(models.Model):
    """Keeps the values a row had when it was loaded, as the Django docs suggest.

    The front-matter cache and the PDF builds must refresh the series or issue a
    part *was* in as well as the one it is moved to.
    """

    objects = ContentQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values))
        return instance

    def never_seen_by_readers(self):
        """A part of a working copy (``Issue.never_seen_by_readers``); rows without an issue are seen."""
        if not hasattr(type(self), "issue"):
            return False
        try:
            return self.issue.is_working_copy  # the admin's inlines hold their issue: no query
        except ObjectDoesNotExist:  # the issue is being deleted with it
            return False

    def loaded_and_current(self, attname):
        """The set of this field's value when loaded (if it was) and now."""
        values = {getattr(self, attname)}
        loaded = getattr(self, "_loaded_values", {})
        if attname in loaded:
            values.add(loaded[attname])
        return values - {None}


class Series(models.Model):
    """A numbered publication series, e.g. “EUCACIS in Brief”."""

    objects = ContentQuerySet.as_manager()

    # Replaced whenever the about sections or the editorial team change; see
    # briefs/front_matter.py.
    front_matter_token = models.UUIDField(default=uuid.uuid4, editable=False)

    name = models.CharField(
        "name", max_length=200, help_text="The series' name as printed on the cover, e.g. “EUCACIS in Brief”."
    )
    slug = models.SlugField(
        "web address",
        max_length=100,
        unique=True,
        help_text="The part of the web address that names the series, e.g. “eucacis-in-brief”.",
    )
    programme = models.ForeignKey(
        "people.Programme",
        on_delete=models.PROTECT,
        related_name="series",
        verbose_name="publishing programme",
        help_text="The programme that publishes the series; its name is printed on the cover.",
    )
    introduction = RichTextField(
        "introduction",
        blank=True,
        help_text="A short paragraph for the home page saying what the series publishes.",
    )
    issn = models.CharField(
        "ISSN",
        max_length=9,
        blank=True,
        validators=[validate_issn],
        help_text="The series' ISSN for the online edition, e.g. 2627-7190. The check digit is verified.",
    )
    place_of_publication = models.CharField(
        "place of publication", max_length=120, blank=True, help_text="Printed in the imprint, e.g. “Berlin”."
    )
    website = models.URLField("website", blank=True, help_text="The programme's website, e.g. https://www.eucacis.eu/.")
    email = models.EmailField(
        "contact email", blank=True, help_text="The address printed in the imprint, e.g. info@eucacis.eu."
    )
    hashtag = models.CharField(
        "hashtag",
        max_length=60,
        blank=True,
        validators=[
            RegexValidator(
                r"^#\w+$",
                message="A hashtag starts with # followed by letters, digits or _ and no spaces, e.g. #EUCACIS.",
                code="hashtag",
            )
        ],
        help_text="Printed in the imprint, e.g. #EUCACIS.",
    )
    licence = models.CharField(
        "licence",
        max_length=20,
        blank=True,
        choices=LICENCE_CHOICES,
        help_text="The licence every issue of the series is published under. Printed in the PDF's imprint and "
        "given to search engines and reference managers; leave empty if the series sets none.",
    )
    # -- DOIs and Crossref ---------------------------------------------------------
    doi_prefix = models.CharField(
        "DOI prefix",
        max_length=20,
        blank=True,
        validators=[validate_doi_prefix],
        help_text="The prefix Crossref gave the programme, e.g. 10.5555 (Crossref's test prefix). With a prefix, "
        "each issue gets a DOI when it is first published, and its record is sent to Crossref.",
    )
    doi_suffix_pattern = models.CharField(
        "DOI suffix pattern",
        max_length=100,
        blank=True,
        default=DEFAULT_SUFFIX_PATTERN,
        validators=[validate_suffix_pattern],
        help_text="How each issue's DOI ends: {series} is the series' web address and {number} the issue's "
        "number, so {series}.{number} (also used when this is empty) gives eucacis-in-brief.6. It cannot change "
        "once an issue has a DOI.",
    )
    crossref_depositor_name = models.CharField(
        "depositor's name",
        max_length=130,
        blank=True,
        help_text="Who Crossref writes to about this series' deposits: a person or an office, e.g. "
        "“EUCACIS Editorial Office”.",
    )
    crossref_depositor_email = models.EmailField(
        "depositor's email",
        max_length=200,
        blank=True,
        help_text="Where Crossref sends the results of each deposit.",
    )
    crossref_deposit_url = models.URLField(
        "deposit address",
        blank=True,
        default="https://test.crossref.org/servlet/deposit",
        validators=[validate_deposit_url],
        help_text="Crossref's test address (test.crossref.org) to try, its real one (doi.crossref.org) for DOIs "
        "that resolve. The login name and password are set on the server (CROSSREF_LOGIN, CROSSREF_PASSWORD), "
        "never here, and go only to these addresses.",
    )

    class Meta:
        verbose_name = "series"
        verbose_name_plural = "series"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.doi_prefix and not self.crossref_depositor_email:
            raise ValidationError(
                {"crossref_depositor_email": "Crossref needs an address to send each deposit's result to."}
            )
        if self.pk and self.has_dois() and "{series}" in (self.doi_suffix_pattern or DEFAULT_SUFFIX_PATTERN):
            stored_slug = Series.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            if stored_slug is not None and self.slug != stored_slug:
                raise ValidationError(
                    {
                        "slug": f"Issues of this series have DOIs made from its web address “{stored_slug}” "
                        "({series} in the DOI suffix pattern); it cannot change, or the next DOIs would not "
                        "match the earlier ones."
                    }
                )
        if self.pk and self.has_dois():
            stored = Series.objects.filter(pk=self.pk).values("doi_prefix", "doi_suffix_pattern").first() or {}
            for field, label in (("doi_prefix", "prefix"), ("doi_suffix_pattern", "suffix pattern")):
                if field in stored and getattr(self, field) != stored[field]:
                    raise ValidationError(
                        {
                            field: f"Issues of this series already have DOIs made with this {label}; "
                            f"it cannot change, as a DOI is for ever. It stays “{stored[field]}”."
                        }
                    )

    def has_dois(self):
        """Whether any issue of the series has its DOI: then its prefix and pattern are fixed."""
        return self.pk is not None and Issue.objects.filter(series_id=self.pk).exclude(doi="").exists()

    def save(self, *args, **kwargs):
        if self.issn:
            self.issn = normalise_issn(self.issn) or self.issn
        super().save(*args, **kwargs)
        # A save writes back the token this instance was loaded with, which may
        # undo a newer one; a fresh token makes every worker read the front
        # matter again.
        series_front_matter_changed([self.pk])

    def get_absolute_url(self):
        return url_for("reader:series_detail", slug=self.slug)


def series_front_matter_changed(series_ids):
    """Mark the front matter of these series as changed, for every process (see briefs.front_matter)."""
    Series.objects.filter(pk__in=list(series_ids)).update(front_matter_token=uuid.uuid4())


class AboutSection(RemembersLoadedValues):
    """A titled text the series prints in every issue (“About EUCACIS”)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="about_sections", verbose_name="series")
    title = models.CharField("title", max_length=200, help_text="E.g. “About the Series”.")
    body = RichTextField("text", help_text="The section's text, as printed on the inside cover.")
    sort_order = models.PositiveIntegerField("order", default=0, help_text="Lower comes first.")

    class Meta:
        verbose_name = "about section"
        verbose_name_plural = "about sections"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.title


class EditorialRole(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    EDITOR = "editor", "Editor"
    LAYOUT = "layout", "Layout"


#: The order in which the imprint lists the roles, and their headings there.
ROLE_ORDER = {role: index for index, role in enumerate(EditorialRole.values)}
ROLE_HEADINGS = {
    EditorialRole.PUBLISHER: "Publishers",
    EditorialRole.EDITOR: "Editors",
    EditorialRole.LAYOUT: "Layout",
}


class EditorialMembership(RemembersLoadedValues):
    """A person's term on a series' editorial team, in one role and position."""

    series = models.ForeignKey(
        Series,
        on_delete=models.CASCADE,
        related_name="editorial_memberships",
        verbose_name="series",
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="editorial_memberships",
        verbose_name="person",
        help_text="Start typing a name. Add the person first if they are not listed.",
    )
    role = models.CharField(
        "role",
        max_length=20,
        choices=EditorialRole.choices,
        help_text="The heading the person is listed under in the imprint.",
    )
    position = models.CharField(
        "position",
        max_length=255,
        blank=True,
        help_text="Printed after the name, e.g. “Head of International Programmes, IEP”.",
    )
    start_date = models.DateField(
        "in office from",
        null=True,
        blank=True,
        help_text="First day in this role. Leave empty if they held it from the series' start.",
    )
    end_date = models.DateField(
        "in office until",
        null=True,
        blank=True,
        help_text="Last day in this role. Leave empty while they still hold it. A term printed in a "
        "published issue's imprint cannot be deleted, so that issue keeps its team: set this date "
        "when someone leaves.",
    )
    sort_order = models.PositiveIntegerField("order", default=0, help_text="Order within the role; lower comes first.")

    class Meta:
        verbose_name = "editorial team membership"
        verbose_name_plural = "editorial team"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="editorial_term_ends_after_start",
                violation_error_message="The term cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}"

    def published_issues_shown_in(self):
        """Published issues whose imprint lists this term: those that appeared during it."""
        issues = Issue.objects.filter(series=self.series_id, status=IssueStatus.PUBLISHED)
        if self.start_date:
            issues = issues.filter(publication_date__gte=self.start_date)
        if self.end_date:
            issues = issues.filter(publication_date__lte=self.end_date)
        return issues.order_by("publication_date", "number")

    def in_office_on(self, day):
        """Whether the term covers ``day``; an open start or end is unbounded."""
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day <= self.end_date)


class SlugFromName:
    """A model whose ``slug`` is filled in from its ``name`` when left empty (cut to the field's length)."""

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[: self._meta.get_field("slug").max_length]
        super().save(*args, **kwargs)


class Topic(SlugFromName, models.Model):
    """A subject an issue is about (“Regional cooperation”); readers browse the archive by it."""

    objects = ContentQuerySet.as_manager()

    name = models.CharField(
        "name",
        max_length=80,
        help_text="The topic as readers see it, e.g. “Regional cooperation”. Short, and written the way "
        "the series writes it: a topic is shared by every issue that has it.",
    )
    slug = models.SlugField(
        "web address",
        max_length=100,
        unique=True,
        help_text="The last part of the topic's page address, filled in from the name.",
    )
    description = models.TextField(
        "description",
        max_length=600,
        blank=True,
        help_text="Optional: one or two sentences shown on the topic's page.",
    )

    class Meta:
        verbose_name = "topic"
        verbose_name_plural = "topics"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="topic_name_unique_ignoring_case",
                violation_error_message="A topic with this name exists already; choose it instead of adding it again.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("reader:topic_detail", slug=self.slug)


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"


class Place(SlugFromName, models.Model):
    """A country or region an issue concerns (“Kazakhstan”, “Central Asia”)."""

    Kind = PlaceKind
    objects = ContentQuerySet.as_manager()

    name = models.CharField(
        "name",
        max_length=100,
        help_text="As readers see it, e.g. “Uzbekistan” or “Central Asia”.",
    )
    slug = models.SlugField(
        "web address",
        max_length=120,
        unique=True,
        help_text="The last part of the place's page address, filled in from the name.",
    )
    kind = models.CharField("kind", max_length=10, choices=PlaceKind.choices, default=PlaceKind.COUNTRY)
    country = CountryField(
        "country",
        blank=True,
        help_text="For a country: the country, so that its name and code are standard (ISO 3166). "
        "Leave empty for a region.",
    )

    class Meta:
        verbose_name = "country or region"
        verbose_name_plural = "countries and regions"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="place_name_unique_ignoring_case",
                violation_error_message="A country or region with this name exists already; choose it instead.",
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=~models.Q(country=""),
                name="place_country_unique",
                violation_error_message="This country is listed already; choose it instead of adding it again.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=PlaceKind.REGION, country="") | ~models.Q(kind=PlaceKind.REGION),
                name="place_region_has_no_country",
                violation_error_message="A region is not one country: leave the country empty, or make it a country.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == PlaceKind.COUNTRY and not self.country:
            raise ValidationError({"country": "Choose the country, or make this a region."}, code="country_missing")

    def get_absolute_url(self):
        return url_for("reader:place_detail", slug=self.slug)


class IssueKind(models.TextChoices):
    INTERVIEW = "interview", "Interview"
    OPINION = "opinion", "Opinion piece"
    ARTICLE = "article", "Short article"


class IssueStatus(models.TextChoices):
    """Where an issue is in the editorial workflow (``briefs.workflow`` moves it)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    #: Was public; kept, but its address answers 410 Gone with a notice.
    WITHDRAWN = "withdrawn", "Withdrawn"


def published_condition(*, at=None, through=""):
    """The condition of :meth:`IssueQuerySet.published`, for a query that reaches issues ``through`` a relation.

    ``Contribution.objects.filter(published_condition(through="issue__"))`` joins
    the issue instead of asking ``issue__in=Issue.objects.published()``, which
    SQLite answers by reading every published issue. :meth:`Issue.is_public_now`
    is the same rule for one issue in memory; a test holds the two together.
    """
    return models.Q(**{f"{through}status": IssueStatus.PUBLISHED, f"{through}public_from__lte": at or timezone.now()})


#: What an issue card shows (and its address needs).
LISTING_FIELDS = ("number", "title", "slug", "kind", "publication_date", "status", "series__name", "series__slug")
#: What a printed name needs.
PERSON_NAME_FIELDS = ("honorific", "given_name", "family_name", "slug")


class IssueQuerySet(ContentQuerySet):
    def published(self, *, at=None):
        """What the public may see: published, and the moment it goes public has come.

        The single rule for “public”: every public view, feed and sitemap starts
        here. A scheduled issue becomes public at its ``public_from`` with nothing
        else to run, because this compares with the current time.
        """
        return self.filter(published_condition(at=at))

    def next_publication(self, *, after):
        """The first moment after ``after`` at which a scheduled issue becomes public, or None."""
        return (
            self.filter(status=IssueStatus.PUBLISHED, public_from__gt=after)
            .order_by("public_from")
            .values_list("public_from", flat=True)
            .first()
        )

    def originals(self):
        """The issues themselves, without the working copies of public ones (``briefs.working_copies``)."""
        return self.filter(working_copy_of__isnull=True)

    def newest_first(self):
        return self.order_by("-publication_date", "-number")

    def next_free_number(self, series):
        """The number a new issue of ``series`` would take: one after its highest."""
        highest = self.originals().filter(series=series).aggregate(highest=models.Max("number"))["highest"]
        return (highest or 0) + 1

    def usual_kind(self, series):
        """The kind of piece ``series`` publishes most (the latest issue's on a tie), or None."""
        counts = (
            self.originals()
            .filter(series=series)
            .values("kind")
            .annotate(n=models.Count("pk"), latest=models.Max("number"))
            .order_by("-n", "-latest")
        )
        first = counts.first()
        return first["kind"] if first else None

    def for_listing(self):
        """Issues with their series and every contributor (authors, interviewers, interviewees), in a fixed
        number of queries: a card names them all, each in their part (``contributors``).

        Only the columns an issue card shows are read: not the texts.
        """
        return (
            self.select_related("series")
            .only(*LISTING_FIELDS)
            .prefetch_related(
                models.Prefetch(
                    "contributions",
                    queryset=Contribution.objects.select_related("person").only(
                        "issue_id", "role", "sort_order", *(f"person__{f}" for f in PERSON_NAME_FIELDS)
                    ),
                    to_attr="contributors",
                )
            )
        )


class Issue(models.Model):
    Kind = IssueKind
    Status = IssueStatus

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="issues", verbose_name="series")
    number = models.PositiveIntegerField(
        "number",
        validators=[MinValueValidator(1)],
        help_text="“No. 6” is 6.",
    )
    title = models.CharField(
        "title",
        max_length=300,
        help_text="As printed on the cover.",
    )
    slug = models.SlugField(
        "web address",
        max_length=200,
        help_text="Filled in from the title.",
    )
    kind = models.CharField(
        "kind of piece",
        max_length=20,
        choices=IssueKind.choices,
        default=IssueKind.ARTICLE,
        help_text="An interview has questions and answers; other kinds have a body text.",
    )
    publication_date = models.DateField(
        "publication date",
        help_text="As printed. It does not decide when readers see the issue: publishing does.",
    )
    introduction = RichTextField(
        "introduction",
        buttons=FOOTNOTE_BUTTON,
        blank=True,
        help_text="The opening paragraphs: the context, and for an interview who the interviewee is.",
    )
    body = RichTextField(
        "body",
        buttons=FOOTNOTE_BUTTON,
        blank=True,
        help_text="The text of an opinion piece or article. An interview has none: its questions and answers "
        "are its text.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=IssueStatus.choices,
        default=IssueStatus.DRAFT,
        editable=False,
        help_text="Changed only by the workflow's actions (submit, approve, publish, withdraw), never by the form.",
    )
    public_from = models.DateTimeField(
        "public from",
        null=True,
        blank=True,
        editable=False,
        help_text="When a published issue becomes public: the moment it was published, or the time it was scheduled for.",
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="issues",
        verbose_name="topics",
        help_text="What the issue is about, for the archive's filters and the topic pages. Start typing "
        "to choose; add a topic only when none fits.",
    )
    places = models.ManyToManyField(
        Place,
        blank=True,
        related_name="issues",
        verbose_name="countries and regions",
        help_text="The countries or regions the issue concerns. Start typing to choose.",
    )
    withdrawal_notice = models.TextField(
        "withdrawal notice",
        blank=True,
        editable=False,
        help_text="Shown at a withdrawn issue's address, which answers 410 Gone.",
    )
    edit_version = models.PositiveIntegerField(
        "edit version",
        default=1,
        editable=False,
        help_text="Counts the saves of this issue, to refuse a save made from an outdated form.",
    )
    published_at = models.DateTimeField("published at", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="published_issues",
        verbose_name="published by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # -- a working copy (briefs.working_copies): the next version of a public issue ---------
    working_copy_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="working_copies",
        verbose_name="working copy of",
        help_text="Set on a working copy: the public issue whose next version it holds.",
    )
    #: Which of the issue's rows each of the copy's rows was copied from, per inline:
    #: ``{"contributions": {"<issue row id>": <copy row id>}, ...}`` (a form opened on the issue saves into the copy).
    copied_rows = models.JSONField("copied rows", default=dict, blank=True, editable=False)
    copy_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="working copy started by",
    )
    #: The users who saved into the working copy, as ids (with its starter, they may discard it).
    copy_saved_by = models.JSONField("saved by", default=list, blank=True, editable=False)
    copy_discarded_at = models.DateTimeField("discarded at", null=True, blank=True, editable=False)
    #: Given once, when the issue is first published in a series with a DOI prefix; never changed.
    doi = models.CharField("DOI", max_length=255, blank=True, default="", editable=False)
    copy_discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="discarded by",
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "issue"
        verbose_name_plural = "issues"
        ordering = ["-publication_date", "-number"]
        indexes = [
            # The archive's order, and a series' archive.
            models.Index(fields=["-publication_date", "-number"], name="issue_archive_order"),
            models.Index(fields=["series", "-publication_date", "-number"], name="issue_series_archive_order"),
            # What the public may see (IssueQuerySet.published) with what the archive's filters
            # count: on PostgreSQL the counts read this index alone, not the issues' texts.
            models.Index(fields=["status", "public_from"], include=["publication_date", "kind"], name="issue_public"),
        ]
        permissions = [
            ("submit_issue", "Can submit an issue for review"),
            ("approve_issue", "Can approve an issue in review, or send it back"),
            ("publish_issue", "Can publish or schedule an issue, and publish changes to it"),
            ("withdraw_issue", "Can withdraw a published issue"),
            ("restore_issue", "Can restore an earlier revision of an issue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"],
                condition=~models.Q(doi="") & models.Q(working_copy_of__isnull=True),
                name="issue_doi_unique",
                violation_error_message="Another issue already has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["series", "number"],
                # A working copy holds the number its issue will have once the copy is published.
                condition=models.Q(working_copy_of__isnull=True),
                name="issue_number_unique_in_series",
                violation_error_message="This series already has an issue with this number. "
                "Each number is used once per series; check the number.",
            ),
            # One working copy in progress per issue; discarded ones are kept.
            models.UniqueConstraint(
                fields=["working_copy_of"],
                condition=models.Q(working_copy_of__isnull=False, copy_discarded_at__isnull=True),
                name="issue_one_working_copy",
            ),
        ]

    def __str__(self):
        return f"{self.series.name} No. {self.number}: {self.title}" if self.series_id else self.title

    @property
    def is_working_copy(self):
        return self.working_copy_of_id is not None

    def never_seen_by_readers(self):
        """A working copy: its writes change no page (sitecache); publishing it writes the issue's rows."""
        return self.is_working_copy

    @property
    def is_published(self):
        return self.status == IssueStatus.PUBLISHED

    def is_public_now(self, *, now=None):
        """Whether readers see this issue at ``now`` (this moment if None).

        The one rule for “public”, for an issue in memory: exactly the condition of
        :meth:`IssueQuerySet.published` (:func:`published_condition`), published and
        ``public_from`` at or before ``now``. The workflow, prepared changes and the
        admin ask this; the public views ask the query. The printed
        ``publication_date`` plays no part.
        """
        return (
            self.status == IssueStatus.PUBLISHED
            and self.public_from is not None
            and self.public_from <= (now or timezone.now())
        )

    def is_scheduled_now(self, *, now=None):
        """Published, with a moment to go public that has not come at ``now``: :meth:`is_public_now`'s other side."""
        return self.is_published and self.public_from is not None and not self.is_public_now(now=now)

    @property
    def is_scheduled(self):
        """Published, with a moment to go public that has not come yet."""
        return self.is_scheduled_now()

    @property
    def is_interview(self):
        return self.kind == IssueKind.INTERVIEW

    def get_absolute_url(self):
        return url_for("reader:issue_detail", series_slug=self.series.slug, number=self.number, slug=self.slug)


def next_scheduled_change(now):
    """When what the public sees next changes by itself, with nothing saved: an aware datetime.

    The moment a scheduled issue becomes public (the rule of
    :meth:`IssueQuerySet.published`), or the start of the day on which an
    editorial term begins or ends (team
    pages and imprints, who has a person page), or a new year begins (fellows
    become alumni). The page cache renews its content version then
    (``PAGE_CACHE_NEXT_CHANGE``), so every page shows the change at that moment,
    with no cron job.
    """
    today = timezone.localdate(now)
    publication = Issue.objects.next_publication(after=now)
    terms = EditorialMembership.objects.aggregate(
        start=models.Min("start_date", filter=models.Q(start_date__gt=today)),
        end=models.Min("end_date", filter=models.Q(end_date__gte=today)),
    )
    days = [
        terms["start"],
        terms["end"] and terms["end"] + datetime.timedelta(days=1),  # in office through its last day
        datetime.date(today.year + 1, 1, 1),
    ]
    day = timezone.make_aware(datetime.datetime.combine(min(d for d in days if d), datetime.time.min))
    return min(day, publication) if publication else day


class ContributionRole(models.TextChoices):
    AUTHOR = "author", "Author"
    INTERVIEWER = "interviewer", "Interviewer"
    INTERVIEWEE = "interviewee", "Interviewee"


#: Roles whose biography is printed under “About the author”.
AUTHOR_ROLES = (ContributionRole.AUTHOR, ContributionRole.INTERVIEWER)


class Contribution(RemembersLoadedValues):
    """A person's part in one issue: author, interviewer or interviewee."""

    Role = ContributionRole

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="contributions", verbose_name="issue")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name="person",
        help_text="Start typing a name. Add the person first if they are not listed.",
    )
    role = models.CharField(
        "role",
        max_length=20,
        choices=ContributionRole.choices,
        default=ContributionRole.AUTHOR,
        help_text="Authors and interviewers are credited on the cover and under “About the author”.",
    )
    speaker_label = models.CharField(
        "speaker label",
        max_length=12,
        blank=True,
        help_text="For an interviewee: the initials that open each answer, e.g. “EB”; left empty, the initials "
        "of the person's name.",
    )
    printed_biography = RichTextField(
        "biography printed in this issue",
        blank=True,
        help_text="For an author or interviewer: the “About the author” text of this issue. "
        "Left empty, it is copied from the person's current biography when saved, and then "
        "kept as printed even if the person's biography changes later.",
    )
    sort_order = models.PositiveIntegerField("order", default=0, help_text="Lower comes first.")

    class Meta:
        verbose_name = "contributor"
        verbose_name_plural = "contributors"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "person", "role"],
                name="contribution_unique_person_role",
                violation_error_message="This person is already listed in this role.",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    @property
    def is_author(self):
        return self.role in AUTHOR_ROLES

    def save(self, *args, **kwargs):
        # The printed biography is a snapshot: filled once, never refreshed.
        if self.is_author and not self.printed_biography:
            self.printed_biography = self.person.biography
        super().save(*args, **kwargs)


class Question(RemembersLoadedValues):
    """One question of an interview and its answer. The site numbers them."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="questions", verbose_name="issue")
    question = RichTextField(
        "question",
        buttons=FOOTNOTE_BUTTON,
        kind="note",
        help_text="Without its number: the site numbers questions 1, 2, 3… in order.",
    )
    answer = RichTextField(
        "answer",
        buttons=FOOTNOTE_BUTTON,
        help_text="Without the speaker's initials: the site opens it with the interviewee's speaker label.",
    )
    speaker = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="answered by",
        help_text="Only needed when the issue has several interviewees: who gives this answer.",
    )
    sort_order = models.PositiveIntegerField("order", default=0)

    class Meta:
        verbose_name = "question and answer"
        verbose_name_plural = "questions and answers"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"Question {self.sort_order}"


class Footnote(RemembersLoadedValues):
    """A note cited by ``[^label]`` markers in the issue's texts."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="footnotes", verbose_name="issue")
    label = models.CharField(
        "label",
        max_length=40,
        validators=[
            RegexValidator(
                LABEL_RE,
                message="A label is letters, digits, - or _ with no spaces, e.g. “source” or “1”.",
                code="footnote_label",
            )
        ],
        help_text="Filled in when you insert the footnote with the toolbar's footnote button. It is the "
        "name used in the text's marker: label “source” is cited as [^source]. Not printed; the site "
        "numbers notes by where they are first cited.",
    )
    text = RichTextField(
        "note",
        kind="note",
        help_text="The note as printed. Web addresses become links.",
    )

    class Meta:
        verbose_name = "footnote"
        verbose_name_plural = "footnotes"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "label"],
                name="footnote_label_unique_in_issue",
                violation_error_message="Another footnote of this issue has this label; labels must differ.",
            )
        ]

    def __str__(self):
        return f"[^{self.label}]"

    def save(self, *args, **kwargs):
        self.label = normalise_label(self.label)
        super().save(*args, **kwargs)


class IssueTransition(models.Model):
    """One step of an issue through the workflow: who moved it, when, and why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="transitions", verbose_name="issue")
    from_status = models.CharField("from", max_length=20, choices=IssueStatus.choices)
    to_status = models.CharField("to", max_length=20, choices=IssueStatus.choices)
    name = models.CharField("action", max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="by"
    )
    at = models.DateTimeField("at", default=timezone.now)
    comment = models.TextField("comment", blank=True)

    class Meta:
        verbose_name = "workflow step"
        verbose_name_plural = "workflow steps"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.issue_id}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(models.Model):
    """A public correction note: “Corrected on 3 March 2019: …”, shown on the issue's page."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="corrections", verbose_name="issue")
    corrected_at = models.DateTimeField("corrected at", default=timezone.now)
    note = models.TextField(
        "correction note",
        max_length=1000,
        help_text="One or two sentences for readers: what was wrong and what it says now.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="by"
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "correction"
        verbose_name_plural = "corrections"
        ordering = ["corrected_at", "pk"]

    def __str__(self):
        return self.note


class FormerAddress(models.Model):
    """An address a public issue had before its series, number or web address changed.

    Recorded when such a change to a live (or withdrawn) issue is published
    (:func:`briefs.addresses.remember_address`), so that the old address answers
    301 to the issue's address now. It names the issue, not the next address, so a
    chain of moves (No. 6, then 66, then 67) leads to the current address in one hop.
    The reader asks for it only where no public issue answers: a live issue at the
    same number always wins.
    """

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="former_addresses", verbose_name="issue")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="+", verbose_name="series")
    number = models.PositiveIntegerField("number")
    slug = models.SlugField("web address", max_length=200)
    moved_at = models.DateTimeField("moved at", default=timezone.now)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = "former address"
        verbose_name_plural = "former addresses"
        constraints = [
            # One issue per old address: the one that had it last (see remember_address).
            models.UniqueConstraint(fields=["series", "number", "slug"], name="former_address_unique"),
        ]

    def __str__(self):
        return f"{self.series_id}/{self.number}/{self.slug} → issue {self.issue_id}"
