"""The figures editors see: an issue's views and downloads by month, a series' issues with their totals for a
period, and the same as CSV for the reports to funders. Each is one query."""

import csv
import datetime
import io

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from briefs.models import Issue
from readership.models import DailyCount

#: The series table's orders: the ``sort`` parameter, and the issues' order it gives (ties by number).
SORTS = {
    "number": ["number"],
    "-number": ["-number"],
    "views": ["views", "number"],
    "-views": ["-views", "number"],
    "downloads": ["downloads", "number"],
    "-downloads": ["-downloads", "number"],
}


def months(start, end):
    """The first day of each month from ``start``'s to ``end``'s."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def issue_by_month(issue, start, end):
    """``[(month, views, downloads)]`` for every month from ``start`` to ``end``, months without readers as 0."""
    found = {
        row["month"]: (row["views"], row["downloads"])
        for row in DailyCount.objects.filter(issue=issue, day__range=(start, end))
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(views=Sum("views"), downloads=Sum("downloads"))
        .order_by("month")
    }
    return [(month, *found.get(month, (0, 0))) for month in months(start, end)]


def series_totals(series, start, end, sort="number"):
    """The series' issues (not working copies) with their views and downloads from ``start`` to ``end``."""
    in_period = Q(daily_counts__day__range=(start, end))
    return list(
        Issue.objects.originals()
        .filter(series=series)
        .annotate(
            views=Coalesce(Sum("daily_counts__views", filter=in_period), 0),
            downloads=Coalesce(Sum("daily_counts__downloads", filter=in_period), 0),
        )
        .order_by(*SORTS.get(sort, SORTS["number"]))
        .only("number", "title", "status", "series_id")
    )


def series_by_month(series, start, end):
    """``[(issue number, title, month, views, downloads)]``: each issue of the series with readers, per month."""
    rows = (
        DailyCount.objects.filter(issue__series=series, issue__working_copy_of=None, day__range=(start, end))
        .annotate(month=TruncMonth("day"))
        .values("issue__number", "issue__title", "month")
        .annotate(views=Sum("views"), downloads=Sum("downloads"))
        .order_by("issue__number", "month")
    )
    return [(r["issue__number"], r["issue__title"], r["month"], r["views"], r["downloads"]) for r in rows]


#: What makes a spreadsheet read a cell as a formula (OWASP's CSV injection): such text gets a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A text cell as a spreadsheet must show it: "=HYPERLINK(…)" in a title stays text, never a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def series_totals_csv(series, start, end, issues):
    return _csv(
        ["series", "number", "title", "from", "to", "views", "downloads"],
        [(series.name, i.number, i.title, start, end, i.views, i.downloads) for i in issues],
    )


def series_by_month_csv(series, start, end):
    return _csv(
        ["series", "number", "title", "month", "views", "downloads"],
        [
            (series.name, n, title, f"{month:%Y-%m}", v, d)
            for n, title, month, v, d in series_by_month(series, start, end)
        ],
    )


def issue_by_month_csv(issue, rows):
    return _csv(
        ["series", "number", "title", "month", "views", "downloads"],
        [(issue.series.name, issue.number, issue.title, f"{month:%Y-%m}", v, d) for month, v, d in rows],
    )
