"""Readership figures in the admin: the "Readership" page (a series' issues with their views and downloads for a
period, sortable, and as CSV) and each issue's chart by month. Everything needs ``readership.view_dailycount``.

The figures are written by the counting and the flush job (``readership``); nobody adds, changes or deletes one here.
"""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, urlencode

from briefs.models import Issue, Series
from editorial.dates import IsoDateInput
from readership import reports
from readership.charts import monthly_chart
from readership.models import DailyCount
from readership.robots import LIST_DATE, LIST_PACKAGE, LIST_VERSION

PERMISSION = "readership.view_dailycount"

#: The longest period a table or chart covers.
LONGEST_PERIOD = datetime.timedelta(days=20 * 366)


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=IsoDateInput, required=False)
    end = forms.DateField(label="To", widget=IsoDateInput, required=False, help_text="Both days included.")

    def __init__(self, data, *, default_start, default_end, **kwargs):
        data = data.copy()
        for name, default in (("start", default_start), ("end", default_end)):
            if not data.get(name):
                data[name] = default.isoformat()
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The period must end on or after the day it starts.", code="reversed")
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError("Choose a period of at most 20 years.", code="too_long")
        return cleaned


def last_twelve_months(today):
    return (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1), today


class SeriesForm(forms.Form):
    series = forms.ModelChoiceField(queryset=Series.objects.order_by("name"), empty_label=None)


def _csv_response(text, filename):
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@admin.register(DailyCount)
class ReadershipAdmin(admin.ModelAdmin):
    """The "Readership" entry of the admin's index: its list is the series table, its one other page an issue's chart."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(PERMISSION)

    def get_urls(self):
        return [
            path(
                "issue/<int:issue_id>/",
                self.admin_site.admin_view(self.issue_view),
                name="readership_dailycount_issue",
            ),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "robots_list": f"COUNTER robots list ({LIST_PACKAGE} {LIST_VERSION}, updated {LIST_DATE})",
        }

    def changelist_view(self, request, extra_context=None):
        """A series' issues with their views and downloads for the chosen period; ``?format=csv`` or ``month-csv``."""
        self._check(request)
        today = timezone.localdate()
        start, end = last_twelve_months(today)
        period = PeriodForm(request.GET, default_start=start, default_end=end)
        first_series = Series.objects.order_by("name").first()
        chooser = SeriesForm(request.GET if "series" in request.GET else {"series": getattr(first_series, "pk", None)})
        context = self._context(request, "Readership")
        context.update({"period": period, "chooser": chooser, "issues": None})
        sort = request.GET.get("sort", "number")
        if sort not in reports.SORTS:
            sort = "number"
        if period.is_valid() and chooser.is_valid():
            series, start, end = (
                chooser.cleaned_data["series"],
                period.cleaned_data["start"],
                period.cleaned_data["end"],
            )
            issues = reports.series_totals(series, start, end, sort)
            filename = f"{series.slug}-readership-{start}-{end}"
            if request.GET.get("format") == "csv":
                return _csv_response(reports.series_totals_csv(series, start, end, issues), f"{filename}.csv")
            if request.GET.get("format") == "month-csv":
                return _csv_response(reports.series_by_month_csv(series, start, end), f"{filename}-by-month.csv")
            query = {"series": series.pk, "start": start.isoformat(), "end": end.isoformat()}
            context.update(
                {
                    "series": series,
                    "start": start,
                    "end": end,
                    "issues": [
                        (issue, reverse("admin:readership_dailycount_issue", args=[issue.pk]) + "?" + urlencode(query))
                        for issue in issues
                    ],
                    "total_views": sum(i.views for i in issues),
                    "total_downloads": sum(i.downloads for i in issues),
                    "sort_links": {
                        column: "?" + urlencode(query | {"sort": f"-{column}" if sort == column else column})
                        for column in ("number", "views", "downloads")
                    },
                    "sort": sort,
                    "csv_link": "?" + urlencode(query | {"sort": sort, "format": "csv"}),
                    "month_csv_link": "?" + urlencode(query | {"format": "month-csv"}),
                }
            )
        return TemplateResponse(request, "admin/readership/series.html", context)

    def issue_view(self, request, issue_id):
        """One issue's views and downloads by month: the chart, the table, and ``?format=csv``."""
        self._check(request)
        issue = get_object_or_404(Issue.objects.originals().select_related("series"), pk=issue_id)
        today = timezone.localdate()
        # From its first reader (or its publication), at most three years back.
        first = DailyCount.objects.filter(issue=issue).order_by("day").values_list("day", flat=True).first()
        default_start = first or (timezone.localdate(issue.public_from) if issue.public_from else None)
        default_start = (default_start or last_twelve_months(today)[0]).replace(day=1)
        if (today - default_start).days > 3 * 366:
            default_start = (today - datetime.timedelta(days=3 * 366)).replace(day=1)
        period = PeriodForm(request.GET, default_start=min(default_start, today), default_end=today)
        context = self._context(request, f"Readership: {issue.series.name} No. {issue.number}")
        context.update({"issue": issue, "period": period, "rows": None})
        if period.is_valid():
            start, end = period.cleaned_data["start"], period.cleaned_data["end"]
            rows = reports.issue_by_month(issue, start, end)
            if request.GET.get("format") == "csv":
                return _csv_response(
                    reports.issue_by_month_csv(issue, rows), f"{issue.series.slug}-{issue.number}-readership.csv"
                )
            context.update(
                {
                    "rows": rows,
                    "chart": monthly_chart(
                        rows, title=f"Views and downloads of {issue.series.name} No. {issue.number} by month"
                    ),
                    "total_views": sum(v for _m, v, _d in rows),
                    "total_downloads": sum(d for _m, _v, d in rows),
                    "csv_link": "?" + urlencode({"start": start.isoformat(), "end": end.isoformat(), "format": "csv"}),
                    "series_link": reverse("admin:readership_dailycount_changelist")
                    + "?"
                    + urlencode({"series": issue.series_id, "start": start.isoformat(), "end": end.isoformat()}),
                }
            )
        return TemplateResponse(request, "admin/readership/issue.html", context)


def readership_panel(issue):
    """The issue page's line: its views and downloads in all, and a link to its chart by month (HTML)."""
    totals = DailyCount.objects.filter(issue=issue).aggregate(views=Sum("views"), downloads=Sum("downloads"))
    views, downloads = totals["views"] or 0, totals["downloads"] or 0
    return format_html(
        '{} views of its page and {} downloads of its PDF in all. <a href="{}">Chart by month</a>',
        views,
        downloads,
        reverse("admin:readership_dailycount_issue", args=[issue.pk]),
    )
