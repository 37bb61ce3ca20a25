from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from briefs.richtext import RichTextField
from people.validators import validate_photo_size


class Person(models.Model):
    honorific = models.CharField(
        "honorific",
        max_length=40,
        blank=True,
        help_text="Academic title printed before the name, exactly as the series prints it: "
        "“Dr”, “Prof. Dr”, “PD Dr”. Leave empty for none.",
    )
    given_name = models.CharField(
        "given name", max_length=100, help_text="First name(s), e.g. “Albina”."
    )
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
    photo = models.ImageField(
        "photo",
        upload_to="people/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[validate_photo_size],
        help_text="A portrait in JPEG, PNG or WebP, at most 5 MB. Optional.",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
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

    def get_absolute_url(self):
        return reverse("people:person_detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


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


class EditorialMembership(models.Model):
    """A person's term on a series' editorial team, in one role and position."""

    series = models.ForeignKey(
        "briefs.Series",
        on_delete=models.CASCADE,
        related_name="editorial_memberships",
        verbose_name="series",
    )
    person = models.ForeignKey(
        Person,
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
        help_text="Last day in this role. Leave empty while they still hold it.",
    )
    sort_order = models.PositiveIntegerField(
        "order", default=0, help_text="Order within the role; lower comes first."
    )

    class Meta:
        verbose_name = "editorial team membership"
        verbose_name_plural = "editorial team"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="editorial_membership_ends_after_start",
                violation_error_message="The term cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}"

    def in_office_on(self, day):
        """Whether the term covers ``day``; an open start or end is unbounded."""
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )
