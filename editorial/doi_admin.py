"""DOIs in the admin: an issue's DOI and deposits on its page, the deposits' list, and "Deposit with Crossref again".

Deposits are made by the workflow's steps and the worker (crossref.deposits); the
admin shows them and never edits them: nobody adds, changes or deletes a deposit.
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from briefs.dois import doi_url
from common.dates import moment_text
from crossref.deposits import deposit_again, issues_to_deposit, latest_deposits, sending_is_stale
from crossref.models import Deposit, DepositState
from editorial import desk

#: How each state reads on the issue page.
_STATE_SENTENCES = {
    DepositState.QUEUED: "Queued: the background worker sends it.",
    DepositState.SUBMITTED: "Sent to Crossref, which has not reported its result yet.",
    DepositState.ACCEPTED: "Registered: Crossref accepted the record.",
    DepositState.FAILED: "Failed.",
    DepositState.CANCELLED: "Not sent.",
}


#: A deposit due this long ago and still queued means the worker is not running.
WORKER_LATE = datetime.timedelta(minutes=5)


def doi_panel(issue):
    """The issue page's DOI line: the DOI, and its newest deposit's state and message (HTML)."""
    if not issue.doi:
        if issue.series.doi_prefix:
            return "The issue gets its DOI when it is first published; its record is then sent to Crossref."
        return "The series has no DOI prefix (Series → DOIs and Crossref), so its issues get no DOI."
    deposit = latest_deposits([issue.pk]).get(issue.pk)
    link = format_html('<a href="{}">{}</a>', doi_url(issue.doi), doi_url(issue.doi))
    if deposit is None:
        return format_html(
            "{} · Not deposited with Crossref yet: use “Deposit with Crossref again” in the issues list.", link
        )
    history = reverse("admin:crossref_deposit_changelist") + f"?issue__id__exact={issue.pk}"
    message = deposit.message
    now = timezone.now()
    if deposit.state == DepositState.QUEUED and deposit.sending_since is not None:
        message = (
            f"Being sent since {moment_text(deposit.sending_since)}."
            if not sending_is_stale(deposit, now)
            else f"Its sending began at {moment_text(deposit.sending_since)} and stopped before Crossref's answer was "
            "recorded: deposit the issue again from the issues list."
        )
    elif (
        deposit.state == DepositState.QUEUED
        and not any(moment and moment > now for moment in (deposit.send_after, deposit.next_try_at))
        and now - deposit.queued_at > WORKER_LATE
    ):
        message = (
            f"{message} It has waited since {moment_text(deposit.queued_at)}: check that the background worker runs "
            "(“manage.py jobs_worker”)."
        ).strip()
    return format_html(
        '{}<br><strong class="deposit-{}">{}</strong> {} <span class="help">({}, {})</span> '
        '<a href="{}">All deposits of this issue</a>',
        link,
        deposit.state,
        _STATE_SENTENCES[deposit.state],
        message,
        deposit.get_reason_display(),
        moment_text(deposit.finished_at or deposit.submitted_at or deposit.queued_at),
        history,
    )


class DoiFilter(admin.SimpleListFilter):
    title = "DOI"
    parameter_name = "doi"

    def lookups(self, request, model_admin):
        return [(desk.DEPOSIT_FAILED, "Deposit failed")]

    def queryset(self, request, queryset):
        if self.value() == desk.DEPOSIT_FAILED:
            return desk.with_newest_deposit(queryset).filter(desk.deposit_failed())
        return queryset


def deposit_with_crossref(model_admin, request, queryset):
    """The issues list's action: deposit each chosen published or withdrawn issue again (giving a DOI to any without)."""
    chosen = list(queryset.values_list("pk", flat=True))
    issues = issues_to_deposit(queryset.model.objects.filter(pk__in=chosen))
    allowed = [issue for issue in issues if model_admin.has_change_permission(request, issue)]
    skipped = len(chosen) - len(allowed)
    if allowed:
        try:
            count = deposit_again(queryset.model.objects.filter(pk__in=[i.pk for i in allowed]), by=request.user)
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        model_admin.message_user(
            request,
            f"Queued {count} deposit{'s' if count != 1 else ''} with Crossref: the background worker sends "
            "them, and each issue's page shows how it went.",
            messages.SUCCESS,
        )
    if skipped:
        model_admin.message_user(
            request,
            f"{skipped} of the chosen issues {'was' if skipped == 1 else 'were'} not deposited: only published or "
            "withdrawn issues of a series with a DOI prefix are.",
            messages.WARNING,
        )
    return None


deposit_with_crossref.short_description = "Deposit with Crossref again"
deposit_with_crossref.allowed_permissions = ("publish",)


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["doi", "issue", "reason", "state", "queued_at", "short_message"]
    list_filter = ["state", "reason"]
    list_select_related = ["issue__series"]
    search_fields = ["doi", "issue__title", "batch_id"]
    date_hierarchy = "queued_at"
    fields = [
        "issue",
        "doi",
        "reason",
        "state",
        "message",
        "requested_by",
        "queued_at",
        "send_after",
        "attempts",
        "next_try_at",
        "submitted_at",
        "checks",
        "finished_at",
        "batch_id",
        "record",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="message")
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 120 else obj.message[:119] + "…"

    @admin.display(description="record")
    def record(self, obj):
        if not obj.xml:
            if obj.is_open:
                return "Not made yet: the worker makes it when it sends the deposit."
            return "None: the record was not made (the message says why)."
        return format_html('<pre class="deposit-record">{}</pre>', obj.xml)
