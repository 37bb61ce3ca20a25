from django.contrib import admin
from django.utils.html import format_html

from people.models import EditorialMembership, Person


class EditorialMembershipInline(admin.TabularInline):
    model = EditorialMembership
    extra = 0
    fields = ["series", "role", "position", "start_date", "end_date", "sort_order"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "affiliation", "has_photo", "updated_at"]
    list_display_links = ["full_name"]
    search_fields = ["given_name", "family_name", "affiliation"]
    prepopulated_fields = {"slug": ["given_name", "family_name"]}
    inlines = [EditorialMembershipInline]
    fieldsets = [
        (None, {"fields": ["honorific", "given_name", "family_name", "slug", "affiliation"]}),
        ("Profile", {"fields": ["biography", "photo", "photo_preview"]}),
    ]
    readonly_fields = ["photo_preview"]

    @admin.display(description="name", ordering="family_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description="photo", boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)

    @admin.display(description="current photo")
    def photo_preview(self, obj):
        if not obj.photo:
            return "—"
        return format_html('<img src="{}" alt="" style="max-height:160px">', obj.photo.url)


@admin.register(EditorialMembership)
class EditorialMembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "position", "series", "start_date", "end_date"]
    list_filter = ["series", "role"]
    search_fields = ["person__given_name", "person__family_name", "position"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "series"]
