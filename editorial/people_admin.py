import logging
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import path, re_path
from django.utils import timezone
from django.utils.html import format_html
from django_countries.filters import CountryFilter

from briefs.models import Contribution, Question
from briefs.working_copies import parts_in_discarded_copies, release_from_discarded_copies
from common.object_storage import STORAGE_ERRORS
from editorial.badges import badge
from editorial.fellow_import_admin import import_view, may_import, template_view
from editorial.revision_permissions import CheckedVersionAdmin, may
from editorial.team_inlines import PersonMembershipInline
from people import revisions  # noqa: F401 (registers Person and Fellowship before the admin classes are built)
from people.models import Fellowship, FellowshipStatus, Organisation, Person, Programme
from people.photos import PhotoField, ShowsDisplayCopy, person_photo_set

logger = logging.getLogger(__name__)

#: A person's photo as stored now; restoring an earlier revision keeps it (see PersonAdmin.revision_view).
PHOTO_FIELDS = (
    "photo",
    "photo_width",
    "photo_height",
    "photo_display",
    "photo_display_width",
    "photo_display_height",
)


class FellowshipInline(admin.StackedInline):
    model = Fellowship
    extra = 0
    fields = [
        ("programme", "start_year", "end_year"),
        ("home_institution", "city", "country"),
        ("discipline", "thesis_title"),
        "listed_publicly",
        "notes",
    ]


class AdminPhotoInput(ShowsDisplayCopy, AdminFileWidget):
    pass


class PhotoNotStored(Exception):
    """The file storage failed while a photo was being stored; the change is rolled back."""


class PhotoNotStoredForm(forms.ModelForm):
    """The person form shown again after the storage failed: the photo field says so."""

    def clean(self):
        cleaned = super().clean()
        if "photo" in self.changed_data:
            self.add_error(
                "photo",
                "The photo could not be stored: the site's file storage is not answering. Nothing was saved; "
                "please try again in a few minutes.",
            )
        return cleaned


@admin.register(Person)
class PersonAdmin(CheckedVersionAdmin):
    formfield_overrides = {PhotoField: {"widget": AdminPhotoInput}}
    list_display = ["full_name", "affiliation", "has_photo", "updated_at"]
    list_display_links = ["full_name"]
    search_fields = ["given_name", "family_name", "affiliation", "email"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [FellowshipInline, PersonMembershipInline]
    fieldsets = [
        (None, {"fields": ["honorific", "given_name", "family_name", "slug", "affiliation", "email"]}),
        ("Profile", {"fields": ["biography", "photo", "photo_preview"]}),
    ]
    readonly_fields = ["photo_preview"]

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Files of a replaced photo are deleted once the change is saved, so an
        # earlier revision's photo may be gone: restoring a revision (its names,
        # biography, fellowships) keeps the photo the person has now.
        request.photo_now = Person.objects.filter(pk=unquote(object_id)).values(*PHOTO_FIELDS).first()
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        person = super().get_object(request, object_id, from_field)
        if person is not None and getattr(request, "photo_now", None):
            for field, value in request.photo_now.items():
                setattr(person, field, value)
        return person

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PhotoNotStored:
            # The admin's transaction is rolled back: nothing of this change was
            # saved. The form is shown again with the reason on the photo field.
            request.photo_not_stored = True
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "photo_not_stored", False):
            return type(form.__name__, (PhotoNotStoredForm, form), {})
        return form

    def save_model(self, request, obj, form, change):
        if "photo" in form.changed_data:
            try:
                person_photo_set(person=obj, photo=form.cleaned_data["photo"])  # saves the person
            except STORAGE_ERRORS as error:
                logger.warning("Could not store the photo of %s: the file storage fails", obj, exc_info=True)
                raise PhotoNotStored from error
        else:
            super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        # A discarded working copy is kept only to be restored: it does not keep a
        # person from being deleted. Their part in it is listed as going with them,
        # unless something else keeps them too (then the admin lists it all as protected),
        # and only for someone who may change those copies' rows.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        contributions, questions = parts_in_discarded_copies(objs)
        held = [*contributions, *questions]
        if held and protected and not _kept_by_more_than_discarded_copies(objs):
            protected = []
            deleted = [*deleted, *(_going_with_the_person(part) for part in held)]
            perms_needed = {*perms_needed, *self._release_refused(request, contributions, questions)}
        return deleted, model_count, perms_needed, protected

    def _release_refused(self, request, contributions, questions):
        """What taking people out of discarded working copies needs that the user may not do."""
        checks = [
            (contributions.exists(), "delete", Contribution, "contribution (in a discarded working copy)"),
            (questions.exists(), "change", Question, "question (in a discarded working copy)"),
        ]
        return {
            label
            for needed, action, model, label in checks
            if needed and not may(request, self.admin_site, action, model)
        }

    def _release(self, request, people):
        contributions, questions = parts_in_discarded_copies(people)
        if self._release_refused(request, contributions, questions):
            raise PermissionDenied  # the confirmation page said so; a crafted POST gets no further
        release_from_discarded_copies(people)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._release(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            self._release(request, queryset)
            super().delete_queryset(request, queryset)

    def _still_protected(self, request, error):
        # Something came to need the person between the confirmation and the deletion
        # (a discarded change restored, say): nothing was deleted.
        logger.info("Deleting a person was refused: %s", error)
        self.message_user(
            request,
            "Nothing was deleted: meanwhile this person came to be named in an issue or a prepared change. "
            "Open the delete page again to see what keeps them.",
            messages.ERROR,
        )

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError as error:
            self._still_protected(request, error)
            return HttpResponseRedirect(request.path)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ProtectedError as error:  # from the “Delete selected” action
            self._still_protected(request, error)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description="name", ordering="family_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description="photo", boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description="current photo")
    def photo_preview(self, obj):
        """The copy readers see, at the size they see it; says so when it cannot be shown."""
        if not obj.photo_display:
            return "No copy for the site: upload the photo again." if obj.photo else "—"
        photo = obj.page_photo
        try:
            missing = photo is None or not obj.photo_display.storage.exists(obj.photo_display.name)
        except STORAGE_ERRORS:
            logger.warning("Could not look up the photo of %s: the file storage fails", obj, exc_info=True)
            return "The file storage cannot be reached at the moment, so the photo cannot be checked."
        if missing:
            return "The copy shown on the site is missing or incomplete: upload the photo again."
        return format_html('<img src="{}" alt="" width="{}" height="{}">', photo.url, photo.width, photo.height)


def _kept_by_more_than_discarded_copies(people):
    """Something other than a discarded working copy keeps ``people`` from being deleted."""
    contributions, questions = parts_in_discarded_copies(people)
    set_aside = {Contribution: contributions, Question: questions}
    # Hidden relations too: a question's speaker has no name back (related_name="+").
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.on_delete not in (models.PROTECT, models.RESTRICT):
            continue
        rows = relation.related_model._default_manager.filter(**{f"{relation.field.name}__in": people})
        if relation.related_model in set_aside:
            rows = rows.exclude(pk__in=set_aside[relation.related_model].values("pk"))
        if rows.exists():
            return True
    return False


def _going_with_the_person(part):
    copy = f"the discarded working copy of No. {part.issue.number} (kept for its History page)"
    if isinstance(part, Question):
        return f"The speaker of a question in {copy}: the question stays, with no speaker"
    return f"{part.get_role_display().capitalize()} {part.person} in {copy}"


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return FellowshipStatus.choices

    def queryset(self, request, queryset):
        return queryset.with_status(self.value(), on=timezone.localdate()) if self.value() else queryset


class CohortFilter(admin.SimpleListFilter):
    title = "cohort"
    parameter_name = "cohort"

    def lookups(self, request, model_admin):
        cohorts = (
            Fellowship.objects.order_by("-start_year", "-end_year").values_list("start_year", "end_year").distinct()
        )
        return [(f"{start}-{end}", f"{start}–{end}") for start, end in cohorts]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        start, _, end = self.value().partition("-")
        return queryset.filter(start_year=start, end_year=end)


@admin.register(Fellowship)
class FellowshipAdmin(CheckedVersionAdmin):
    change_list_template = "admin/people/fellowship/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(partial(import_view, self)),
                name="people_fellowship_import",
            ),
            re_path(
                r"^import/template\.(?P<file_format>csv|xlsx)$",
                self.admin_site.admin_view(partial(template_view, self)),
                name="people_fellowship_import_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The list links to the import only for those who may use it.
        return super().changelist_view(request, {"may_import": may_import(request.user), **(extra_context or {})})

    list_display = [
        "status_now",
        "person",
        "programme_and_cohort",
        "institution",
        "discipline",
        "listed_publicly",
    ]
    list_display_links = ["person"]
    # Countries that fellowships here have, not all 250 (django-countries' filter, one query).
    list_filter = ["programme", CohortFilter, ("country", CountryFilter), StatusFilter, "discipline", "listed_publicly"]
    search_fields = ["person__given_name", "person__family_name", "person__email", "home_institution", "thesis_title"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "programme"]
    fieldsets = [
        (None, {"fields": ["person", "programme", ("start_year", "end_year")]}),
        ("Thesis", {"fields": [("home_institution", "city", "country"), "discipline", "thesis_title"]}),
        ("Public site", {"fields": ["listed_publicly"]}),
        ("Staff only", {"fields": ["notes"]}),
    ]

    class Media:
        css = {"all": ["admin/css/lists.css"]}

    # Two facts to a column, the second under the first: the list fits 1,280 px with the sidebar open.

    @admin.display(description="programme", ordering="programme__short_name")
    def programme_and_cohort(self, obj):
        return format_html('{}<span class="list-note">{}</span>', obj.programme, obj.cohort)

    @admin.display(description="home institution", ordering="home_institution")
    def institution(self, obj):
        place = ", ".join(part for part in (obj.city, obj.country.name if obj.country else "") if part)
        return format_html(
            "{}{}",
            obj.home_institution or "—",
            format_html('<span class="list-note">{}</span>', place) if place else "",
        )

    @admin.display(description="status")
    def status_now(self, obj):
        status = FellowshipStatus(obj.status(on=timezone.localdate()))
        return badge(status.value, "Current" if status == FellowshipStatus.CURRENT else "Alumni")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["short_name", "name", "programme_type", "website"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["organisers", "funders"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "website"]
    search_fields = ["name", "short_name"]
