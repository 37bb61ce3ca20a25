"""The newsletter in the admin: subscriber counts, each issue's mails, the mail about to be sent and a test of it.

Mailings are queued by the workflow (newsletter.mailings) and sent by the worker; the
admin shows them and never edits them. The one thing an editor starts by hand is the
announcement of a correction (the issues list's action, for those who publish).
Addresses are seen only by those who may delete them (a reader asking to be forgotten).
"""

from csp.decorators import csp_replace
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_sameorigin

from briefs.document import issue_document
from briefs.models import Issue, Series, Topic
from common.dates import moment_text
from newsletter import mailings
from newsletter.models import Mailing, MailingKind, MailingState, Scope, Subscriber, Subscription


def _counted(queryset):
    return queryset.annotate(
        sent=Count("deliveries", filter=Q(deliveries__state="sent")),
        failed=Count("deliveries", filter=Q(deliveries__state="failed")),
        pending=Count("deliveries", filter=Q(deliveries__state__in=["pending", "sending"])),
        skipped=Count("deliveries", filter=Q(deliveries__state="skipped")),
    )


def newsletter_panel(issue):
    """The issue page's newsletter line: each of its mailings with how many mails were sent, failed and pending."""
    rows = list(_counted(Mailing.objects.filter(issue=issue)).order_by("created_at", "pk"))
    preview = reverse("admin:newsletter_mailing_preview", args=[issue.pk])
    if not rows:
        return format_html(
            "No mail about this issue yet: it goes to the subscribers when the issue is first published. "
            '<a href="{}">Preview the mail</a>',
            preview,
        )
    lines = []
    for mailing in rows:
        if mailing.state == MailingState.WAITING:
            status = (
                f"waiting for {moment_text(mailing.send_after)}" if mailing.send_after else "waiting for the worker"
            )
        else:
            status = mailing.get_state_display()
        lines.append(
            format_html(
                "<strong>{}</strong> ({}, {}): {} sent, {} failed, {} pending{}{}",
                mailing.get_kind_display().capitalize(),
                status,
                moment_text(mailing.finished_at or mailing.started_at or mailing.created_at),
                mailing.sent,
                mailing.failed,
                mailing.pending,
                format_html(", {} not sent (unsubscribed meanwhile)", mailing.skipped) if mailing.skipped else "",
                format_html(". {}", mailing.message) if mailing.message else "",
            )
        )
    history = reverse("admin:newsletter_mailing_changelist") + f"?issue__id__exact={issue.pk}"
    return format_html(
        '{}<br><a href="{}">Preview the mail</a> · <a href="{}">All mailings of this issue</a>',
        format_html("<br>".join(["{}"] * len(lines)), *lines),
        preview,
        history,
    )


def announce_correction(model_admin, request, queryset):
    """The issues list's action: mail the subscribers each chosen public issue's latest correction, once.

    It first shows what would go, to whom and how many (Django's pattern for actions that need a
    confirmation); only the confirming POST queues the mails.
    """
    chosen = list(queryset.model.objects.filter(pk__in=queryset.values("pk")).select_related("series"))
    public = {issue.pk for issue in queryset.model.objects.filter(pk__in=[i.pk for i in chosen]).published()}
    ready, refused = [], []
    for issue in chosen:
        correction = mailings.latest_correction(issue) if issue.pk in public else None
        if correction is None:
            refused.append((issue, "not public, or no published correction"))
        elif not model_admin.has_change_permission(request, issue):
            refused.append((issue, "you may not change it"))
        elif Mailing.objects.filter(correction=correction).exists():
            refused.append(
                (issue, f"its latest correction ({moment_text(correction.corrected_at)}) was announced already")
            )
        else:
            ready.append((issue, correction))
    if request.POST.get("confirmed") != "yes":
        rows = []
        for issue, correction in ready:
            try:
                message = mailings.announcement_for(
                    Mailing(issue=issue, kind=MailingKind.CORRECTION, note=correction.note),
                    issue_document(issue),
                    Subscriber(pk=0, email=request.user.email or "reader@example.org"),
                )
            except ValueError as error:
                model_admin.message_user(request, f"No correction can be mailed: {error}.", messages.ERROR)
                return None
            rows.append(
                {
                    "issue": issue,
                    "correction": correction,
                    "audience": mailings.audience(issue),
                    "subject": message.subject,
                    "text": message.body,
                }
            )
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": "Mail subscribers the latest correction?",
            "rows": rows,
            "refused": refused,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action": request.POST.get("action", "announce_correction"),
        }
        return TemplateResponse(request, "admin/newsletter/announce_correction.html", context)
    announced = [issue for issue, _correction in ready if mailings.announce_correction(issue, by=request.user)]
    if announced:
        model_admin.message_user(
            request,
            f"Queued {len(announced)} correction mail{'s' if len(announced) != 1 else ''}: the background worker "
            "sends them to each issue's subscribers, and each issue's page shows how many went.",
            messages.SUCCESS,
        )
    skipped = len(chosen) - len(announced)
    if skipped:
        model_admin.message_user(
            request,
            f"{skipped} of the chosen issues {'was' if skipped == 1 else 'were'} not announced: "
            + "; ".join(f"{issue} ({why})" for issue, why in refused)
            + ".",
            messages.WARNING,
        )
    return None


announce_correction.short_description = "Mail subscribers the latest correction"
announce_correction.allowed_permissions = ("publish",)


def subscriber_counts():
    """Confirmed addresses in all and by what they receive, and addresses waiting to confirm (a few queries)."""
    confirmed = Subscription.objects.filter(confirmed_at__isnull=False)
    by_series = dict(
        confirmed.filter(scope=Scope.SERIES).values_list("series").annotate(n=Count("subscriber", distinct=True))
    )
    by_topic = dict(
        confirmed.filter(scope=Scope.TOPIC).values_list("topic").annotate(n=Count("subscriber", distinct=True))
    )
    return {
        "addresses": confirmed.values("subscriber").distinct().count(),
        "everything": confirmed.filter(scope=Scope.ALL).count(),
        "series": [(s, by_series.get(s.pk, 0)) for s in Series.objects.order_by("name")],
        "topics": [(t, n) for t in Topic.objects.order_by("name") if (n := by_topic.get(t.pk, 0))],
        "unconfirmed": Subscriber.objects.exclude(subscriptions__confirmed_at__isnull=False).count(),
    }


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["issue_short", "kind", "state", "sent", "failed", "pending", "created_at", "short_message"]
    list_display_links = ["issue_short"]
    list_filter = ["state", "kind"]
    list_select_related = ["issue__series"]
    search_fields = ["issue__title"]
    change_list_template = "admin/newsletter/mailing/change_list.html"
    fields = [
        "issue",
        "kind",
        "state",
        "note",
        "message",
        "requested_by",
        "created_at",
        "send_after",
        "started_at",
        "finished_at",
        "sent",
        "failed",
        "pending",
        "skipped",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return _counted(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="issue", ordering="issue__number")
    def issue_short(self, obj):
        title = obj.issue.title if len(obj.issue.title) <= 50 else obj.issue.title[:49] + "…"
        return f"{obj.issue.series.name} No. {obj.issue.number}: {title}"

    @admin.display(description="sent", ordering="sent")
    def sent(self, obj):
        return obj.sent

    @admin.display(description="failed", ordering="failed")
    def failed(self, obj):
        return obj.failed

    @admin.display(description="pending", ordering="pending")
    def pending(self, obj):
        return obj.pending

    @admin.display(description="not sent (unsubscribed meanwhile, or the issue withdrawn)")
    def skipped(self, obj):
        return obj.skipped

    @admin.display(description="message")
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 120 else obj.message[:119] + "…"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "counts": subscriber_counts()})

    def get_urls(self):
        preview = path(
            "preview/<int:issue_id>/", self.admin_site.admin_view(self.preview_view), name="newsletter_mailing_preview"
        )
        html = path(
            "preview/<int:issue_id>/html/",
            self.admin_site.admin_view(self.preview_html_view),
            name="newsletter_mailing_preview_html",
        )
        return [preview, html, *super().get_urls()]

    def _previewed(self, request, issue_id):
        """The issue and the mail its subscribers would get now, for one who may see both."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        issue = get_object_or_404(Issue.objects.originals().select_related("series"), pk=issue_id)
        if not request.user.has_perm("briefs.view_issue"):
            raise PermissionDenied
        mailing = Mailing(issue=issue, kind=MailingKind.PUBLICATION)
        example = Subscriber(pk=0, email=request.user.email or "reader@example.org")
        try:
            message = mailings.announcement_for(mailing, issue_document(issue), example)
        except ValueError as error:  # no SITE_URL
            return issue, None, str(error)
        return issue, message, ""

    def preview_view(self, request, issue_id):
        issue, message, problem = self._previewed(request, issue_id)
        if request.method == "POST":
            if problem:
                self.message_user(request, f"No test was sent: {problem}.", messages.ERROR)
            elif not request.user.email:
                self.message_user(
                    request,
                    "No test was sent: your account has no email address (add one to your user).",
                    messages.ERROR,
                )
            else:
                from jobs import queue

                queue.enqueue(mailings.send_test, MailingKind.PUBLICATION, issue.pk, request.user.email)
                self.message_user(
                    request,
                    f"A test of this mail is on its way to {request.user.email}: the background worker sends it.",
                    messages.SUCCESS,
                )
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"The mail about {issue}",
            "issue": issue,
            "message": message,
            "problem": problem,
            "text": message.body if message else "",
            "audience": mailings.audience(issue),
            "mailings": list(_counted(Mailing.objects.filter(issue=issue)).order_by("created_at")),
            "html_url": reverse("admin:newsletter_mailing_preview_html", args=[issue.pk]),
        }
        return TemplateResponse(request, "admin/newsletter/mailing/preview.html", context)

    def preview_html_view(self, request, issue_id):
        _issue, message, problem = self._previewed(request, issue_id)
        if problem:
            return HttpResponse(problem, content_type="text/plain; charset=utf-8")
        (html, _mime) = message.alternatives[0]
        return _mail_page(request, html)


@csp_replace({"style-src": ["'unsafe-inline'"], "script-src": ["'none'"], "frame-ancestors": ["'self'"]})
@xframe_options_sameorigin
def _mail_page(request, html):
    """The HTML mail as a page of its own, for the preview's sandboxed frame: its inline styles allowed (a mail's
    only styles), no script, and framed by this site alone."""
    return HttpResponse(html)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses, for answering a reader who asks what is kept of them or to be forgotten: found by their address."""

    list_display = ["email", "created_at", "receives", "consent"]
    list_display_links = None
    search_fields = ["=email"]

    def get_urls(self):
        # The list alone (searched by an exact address), and its "delete selected" action: no page per id, which
        # anyone could walk through to list every address.
        return [url for url in super().get_urls() if url.name == "newsletter_subscriber_changelist"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("newsletter.delete_subscriber")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subscriptions__series", "subscriptions__topic")

    def get_search_results(self, request, queryset, search_term):
        # Only an exact address finds anyone: the list is not a directory of readers.
        return queryset.filter(email__iexact=search_term.strip()) if search_term else queryset.none(), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="receives")
    def receives(self, obj):
        parts = [f"{s.label}{'' if s.confirmed_at else ' (not confirmed)'}" for s in obj.subscriptions.all()]
        return "; ".join(parts) or "nothing"

    @admin.display(description="consent")
    def consent(self, obj):
        subscriptions = list(obj.subscriptions.all())
        return format_html(
            "<br>".join(["{}"] * len(subscriptions)),
            *[
                f"{s.label}: asked {moment_text(s.requested_at)}, confirmed {moment_text(s.confirmed_at) or 'not yet'}; "
                f"agreed to “{s.consent_wording}”"
                for s in subscriptions
            ],
        )
