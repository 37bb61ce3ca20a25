"""A series' editorial team as rows: on the series form, and the same terms on the person form."""

from django.contrib import admin

from briefs.models import EditorialMembership
from editorial.dates import ISO_DATE_INPUTS
from editorial.forms import EditorialMembershipFormSet


class EditorialMembershipInline(admin.TabularInline):
    model = EditorialMembership
    formset = EditorialMembershipFormSet
    extra = 0
    autocomplete_fields = ["person"]
    formfield_overrides = ISO_DATE_INPUTS
    fields = ["role", "person", "position", "start_date", "end_date", "sort_order"]
    verbose_name_plural = "editorial team (terms printed in a published issue cannot be deleted: end them)"


class PersonMembershipInline(EditorialMembershipInline):
    """The same terms, seen from the person."""

    autocomplete_fields = []
    fields = ["series", "role", "position", "start_date", "end_date", "sort_order"]
