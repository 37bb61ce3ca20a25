"""Proofreading links in the admin: a list of their own, and rows on each issue's page.

Links follow the issue's permissions rather than their own: whoever may change
an issue may share it and revoke its links, whoever may view it sees them, and
whoever may delete it may delete them with it.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from common.dates import moment_text
from editorial import desk
from editorial.sharing_forms import ShareLinkForm, ShareLinkFormSet
from sharing.models import LinkState, ShareLink
from sharing.services import revoke_share_link, sharing_problem


def _may_change_issues(request):
    return request.user.has_perm("briefs.change_issue")


def _may_view_issues(request):
    return request.user.has_perm("briefs.view_issue") or _may_change_issues(request)


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def describe_state(link, *, now=None):
    """The state as an editor needs it: “Revoked by Janny Schulz on 3 March 2019, 09:00”."""
    state = link.state(at=now)
    if state == LinkState.REVOKED:
        by = f" by {_person(link.revoked_by)}" if link.revoked_by else ""
        return f"Revoked{by} on {moment_text(link.revoked_at)}"
    if state == LinkState.EXPIRED:
        return "Expired"
    return "Active"


def address_field(request, link):
    """The full address to send, in a read-only box that is easy to select and copy."""
    url = request.build_absolute_uri(link.get_absolute_url())
    return format_html(
        '<input type="text" class="vTextField share-link-address" value="{}" readonly '
        'aria-label="Proofreading address{}" size="40"> <a href="{}" target="_blank" rel="noreferrer">Open</a>',
        url,
        f" {link.note}" if link.note else "",
        url,
    )


class ShareLinkInline(admin.TabularInline):
    model = ShareLink
    form = ShareLinkForm
    formset = ShareLinkFormSet
    extra = 0
    can_delete = False
    fields = ["address", "note", "valid_for_days", "made", "valid_until", "state", "revoke"]
    readonly_fields = ["address", "made", "valid_until", "state"]
    view_on_site = False  # each row has its own “Open”
    verbose_name = "proofreading link"
    verbose_name_plural = "proofreading links: the issue as it will appear, for an author without an account"

    # The admin makes its inlines afresh for every request (ModelAdmin.get_inline_instances),
    # so the request kept here is this request's.
    _request = None

    def get_formset(self, request, obj=None, **kwargs):
        self._request = request
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset

    def get_queryset(self, request):
        # Not the inline's own, which asks the permissions without the issue
        # (below, no issue means the add page, where links are not offered).
        links = ShareLink.objects.select_related("created_by", "revoked_by")
        return links if _may_view_issues(request) else links.none()

    def _shareable(self, obj):
        if not hasattr(self, "_shareable_issue"):
            self._shareable_issue = sharing_problem(obj) is None
        return self._shareable_issue

    def has_add_permission(self, request, obj=None):
        return obj is not None and _may_change_issues(request) and self._shareable(obj)

    # Without an issue (the add page) none: the issue is saved before it is shared,
    # and the add form stays exactly as it was.
    def has_change_permission(self, request, obj=None):
        return obj is not None and _may_change_issues(request)

    def has_view_permission(self, request, obj=None):
        return obj is not None and _may_view_issues(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="address to send")
    def address(self, link):
        if link._state.adding:
            return "Made when you save."
        return address_field(self._request, link)

    @admin.display(description="made")
    def made(self, link):
        if link._state.adding:
            return "—"
        return ", ".join(part for part in (_person(link.created_by), moment_text(link.created_at)) if part)

    @admin.display(description="valid until")
    def valid_until(self, link):
        if link._state.adding:
            return "—"
        return moment_text(link.expires_at)

    @admin.display(description="state")
    def state(self, link):
        if link._state.adding:
            return "—"
        return describe_state(link)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*LinkState.choices, (desk.EXPIRING, "Expiring within 3 days")]

    def queryset(self, request, queryset):
        if self.value() == desk.EXPIRING:  # the admin's home page counts these (editorial.desk)
            return queryset.filter(desk.expiring(timezone.now()))
        if self.value() in LinkState.values:
            return queryset.in_state(self.value())
        return queryset


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["issue_number", "note", "made_by", "created_at", "expires_at", "state"]
    list_filter = [StateFilter, "issue__series"]
    list_select_related = ["issue__series", "created_by", "revoked_by"]
    search_fields = ["note", "issue__title"]
    date_hierarchy = "created_at"
    fields = ["issue", "note", "created_by", "created_at", "expires_at", "state", "revoked_at", "revoked_by"]
    readonly_fields = ["issue", "created_by", "created_at", "expires_at", "state", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def get_list_display(self, request):
        def address(link):
            return address_field(request, link)

        address.short_description = "address to send"
        return [*self.list_display, address]

    def has_module_permission(self, request):
        return _may_view_issues(request)

    def has_view_permission(self, request, obj=None):
        return _may_view_issues(request)

    def has_add_permission(self, request):
        return False  # on the issue's page, where the issue is at hand

    def has_change_permission(self, request, obj=None):
        return _may_change_issues(request)

    def has_delete_permission(self, request, obj=None):
        # Deleting an issue deletes its links; whoever may do the one may do the other.
        return request.user.has_perm("briefs.delete_issue")

    @admin.display(description="issue", ordering="issue__number")
    def issue_number(self, link):
        title = link.issue.title if len(link.issue.title) <= 50 else link.issue.title[:49].rsplit(" ", 1)[0] + "…"
        return f"{link.issue.series.name} No. {link.issue.number}: {title}"

    @admin.display(description="made by", ordering="created_by")
    def made_by(self, link):
        return _person(link.created_by) or "—"

    @admin.display(description="state")
    def state(self, link):
        return describe_state(link)

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for link in queryset.filter(revoked_at__isnull=True):
            revoke_share_link(link=link, by=request.user)
            count += 1
        self.message_user(
            request, f"{count} link{'s' if count != 1 else ''} revoked: they stop working at once.", messages.SUCCESS
        )
