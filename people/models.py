from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django_countries.fields import CountryField

from people.photos import PhotoField, page_photo
from people.storage import person_photo_original_storage
from people.validators import validate_photo_size
from richtext.fields import RichTextField
from sitecache.versioning import ContentQuerySet


class Person(models.Model):
    objects = ContentQuerySet.as_manager()

    honorific = models.CharField(
        "honorific",
        max_length=40,
        blank=True,
        help_text="Academic title printed before the name, exactly as the series prints it: "
        "“Dr”, “Prof. Dr”, “PD Dr”. Leave empty for none.",
    )
    given_name = models.CharField("given name", max_length=100, help_text="First name(s), e.g. “Albina”.")
    family_name = models.CharField(
        "family name", max_length=100, help_text="Surname, used for sorting, e.g. “Muratbekova”."
    )
    slug = models.SlugField(
        "web address",
        max_length=120,
        unique=True,
        help_text="The last part of the person's page address, e.g. “albina-muratbekova”. "
        "Filled in from the name; change it only before the page is shared.",
    )
    affiliation = models.CharField(
        "affiliation",
        max_length=255,
        blank=True,
        help_text="Current institution and position in one line, e.g. "
        "“Institute of Oriental Studies, Almaty”. Shown on the person's page.",
    )
    biography = RichTextField(
        "biography",
        blank=True,
        help_text="The current biography, shown on the person's page. A new issue "
        "copies it as the “About the author” text printed in that issue; editing it "
        "here later does not change issues that were already written.",
    )
    photo = PhotoField(
        "photo",
        upload_to="people/",
        storage=person_photo_original_storage,
        blank=True,
        validators=[validate_photo_size],
        help_text="A portrait in JPEG, PNG or WebP, at most 5 MB and 40 megapixels. Optional. "
        "The site shows a copy resized for its pages; the file you upload is kept privately, "
        "without its metadata (such as where the photo was taken).",
    )
    # The copy that pages show, made when a photo is uploaded; its size is
    # stored with it, so no page needs to open the file.
    photo_display = models.ImageField("photo as shown", upload_to="people/display/", blank=True, editable=False)
    photo_display_width = models.PositiveIntegerField(
        "width of the photo as shown", null=True, blank=True, editable=False
    )
    photo_display_height = models.PositiveIntegerField(
        "height of the photo as shown", null=True, blank=True, editable=False
    )
    email = models.EmailField(
        "email",
        blank=True,
        help_text="Private: for programme staff and for matching spreadsheet imports. Never shown on the public site.",
    )
    photo_width = models.PositiveIntegerField("width of the photo", null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField("height of the photo", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name"]

    def __str__(self):
        return self.full_name

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def full_name(self):
        """The name as printed, with honorific: “Prof. Dr Mathias Jopp”."""
        return f"{self.honorific} {self.name}".strip()

    # The person's public page shows their publications, so it belongs to the
    # public site (briefs); settings.ABSOLUTE_URL_OVERRIDES gives this model its
    # get_absolute_url, and this app never imports briefs.

    @property
    def page_photo(self):
        """The photo as pages show it (address, CSS width and height), or None; opens no file."""
        return page_photo(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class Organisation(models.Model):
    """An institution that organises or funds a programme (IEP, CIFE, a foundation)."""

    objects = ContentQuerySet.as_manager()

    name = models.CharField("name", max_length=255, help_text="Full name, e.g. “Institut für Europäische Politik”.")
    short_name = models.CharField("short name", max_length=40, blank=True, help_text="E.g. “IEP”.")
    website = models.URLField("website", blank=True, help_text="E.g. https://www.iep-berlin.de/.")

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class Programme(models.Model):
    """A fellowship programme; it publishes series and has fellows."""

    objects = ContentQuerySet.as_manager()

    name = models.CharField(
        "name",
        max_length=255,
        help_text="Full name, e.g. “The EU, Central Asia and the Caucasus in the International System”.",
    )
    short_name = models.CharField("short name", max_length=40, help_text="E.g. “EUCACIS”.")
    slug = models.SlugField("web address", max_length=60, unique=True, help_text="E.g. “eucacis”.")
    programme_type = models.CharField(
        "programme type",
        max_length=120,
        blank=True,
        help_text="Printed above the name on a series' cover, e.g. “PhD Support Programme”.",
    )
    description = RichTextField(
        "description", blank=True, help_text="What the programme is and does (the “About” text)."
    )
    website = models.URLField("website", blank=True, help_text="E.g. https://www.eucacis.eu/.")
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="organised_programmes", verbose_name="organised by"
    )
    funders = models.ManyToManyField(
        Organisation, blank=True, related_name="funded_programmes", verbose_name="funded by"
    )

    class Meta:
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class Discipline(models.TextChoices):
    POLITICAL_SCIENCE = "political-science", "Political science"
    CONTEMPORARY_HISTORY = "contemporary-history", "Contemporary history"
    ECONOMICS = "economics", "Economics"
    INTERNATIONAL_RELATIONS = "international-relations", "International relations"
    LAW = "law", "Law"
    SOCIOLOGY = "sociology", "Sociology"
    OTHER = "other", "Other"


class FellowshipStatus(models.TextChoices):
    CURRENT = "current", "Current fellows"
    ALUMNI = "alumni", "Alumni"


def fellowship_status(start_year, end_year, on):
    """Current while the cohort's last year has not passed on day ``on``; alumni after."""
    return FellowshipStatus.ALUMNI if end_year < on.year else FellowshipStatus.CURRENT


class FellowshipQuerySet(ContentQuerySet):
    def with_status(self, status, *, on):
        if status == FellowshipStatus.ALUMNI:
            return self.filter(end_year__lt=on.year)
        if status == FellowshipStatus.CURRENT:
            return self.filter(end_year__gte=on.year)
        return self

    def listed(self):
        """Fellowships whose fellow agreed to be listed: the only ones the public site shows."""
        return self.filter(listed_publicly=True)

    def directory_order(self):
        return self.order_by("-start_year", "-end_year", "person__family_name", "person__given_name", "pk")


_YEAR = [MinValueValidator(1950), MaxValueValidator(2100)]


class Fellowship(models.Model):
    """A person's fellowship in a programme, for one cohort."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="fellowships", verbose_name="fellow")
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="fellowships", verbose_name="programme"
    )
    start_year = models.PositiveSmallIntegerField(
        "cohort start year", validators=_YEAR, help_text="First year of the fellowship, e.g. 2017."
    )
    end_year = models.PositiveSmallIntegerField(
        "cohort end year", validators=_YEAR, help_text="Last year of the fellowship, e.g. 2019."
    )
    home_institution = models.CharField(
        "home institution",
        max_length=255,
        blank=True,
        help_text="The university or academy where the fellow writes the thesis.",
    )
    city = models.CharField("city", max_length=120, blank=True, help_text="E.g. “Almaty”.")
    country = CountryField("country", blank=True, help_text="Country of the home institution.")
    discipline = models.CharField(
        "discipline", max_length=40, choices=Discipline.choices, blank=True, help_text="The thesis' field."
    )
    thesis_title = models.CharField("thesis title", max_length=500, blank=True, help_text="Working title is fine.")
    notes = models.TextField(
        "private notes", blank=True, help_text="For programme staff only; never shown on the public site."
    )
    listed_publicly = models.BooleanField(
        "listed in the public directory",
        default=False,
        help_text="Tick only once the fellow has agreed to be listed. A listed fellowship appears in "
        "the public fellows directory and on the fellow's page, and gives the fellow a public page. "
        "An unlisted one is seen only here; the fellow then has a public page only if they wrote "
        "for a published issue or serve on an editorial team.",
    )

    objects = FellowshipQuerySet.as_manager()

    class Meta:
        verbose_name = "fellowship"
        verbose_name_plural = "fellowships"
        ordering = ["-start_year", "-end_year", "person__family_name"]
        permissions = [("import_fellows", "Can import fellows from a spreadsheet")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="fellowship_ends_after_start",
                violation_error_message="The cohort's end year is before its start year.",
            ),
            models.UniqueConstraint(
                fields=["person", "programme", "start_year"],
                name="fellowship_unique_per_cohort",
                violation_error_message="This person already has a fellowship in this programme starting that year.",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.programme} {self.cohort}"

    @property
    def cohort(self):
        return f"{self.start_year}–{self.end_year}"

    def status(self, *, on):
        return fellowship_status(self.start_year, self.end_year, on)
