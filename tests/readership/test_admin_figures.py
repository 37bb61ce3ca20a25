"""What editors see: the series table with its totals for a period, sortable, and its CSV; an issue's chart by
month (its SVG's values) and table; the period's form errors; and a 403 without ``readership.view_dailycount``."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from readership.charts import monthly_chart, nice_top
from readership.models import DailyCount
from tests.conftest import make_issue, make_series, make_staff

pytestmark = pytest.mark.django_db

SERIES_PAGE = reverse("admin:readership_dailycount_changelist")


@pytest.fixture
def figures():
    series = make_series(name="EUCACIS in Brief", slug="eucacis-in-brief")
    five = make_issue(series, number=5, title="Five")
    six = make_issue(series, number=6, title="Six")
    make_issue(series, number=7, title="Seven, not read yet")
    for issue, day, views, downloads in [
        (five, datetime.date(2026, 1, 31), 4, 1),
        (five, datetime.date(2026, 2, 1), 3, 2),
        (six, datetime.date(2026, 2, 14), 10, 5),
        (six, datetime.date(2026, 3, 1), 7, 0),
        (six, datetime.date(2025, 12, 31), 100, 100),  # before the period
    ]:
        DailyCount.objects.create(issue=issue, day=day, views=views, downloads=downloads)
    return series, five, six


def signed_in(*permissions):
    client = Client()
    client.force_login(make_staff(*permissions))
    return client


def table_rows(html):
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_series_table_gives_each_issues_totals_for_the_period_and_the_series_total(figures):
    series, _five, _six = figures
    query = {"series": series.pk, "start": "2026-01-01", "end": "2026-02-28"}
    html = signed_in("readership.view_dailycount").get(SERIES_PAGE, query).content.decode()
    assert table_rows(html) == [
        ["5", "Five", "7", "3"],
        ["6", "Six", "10", "5"],
        ["7", "Seven, not read yet", "0", "0"],
    ]
    assert re.search(r"All issues</th><td class=\"number\">17</td><td class=\"number\">8</td>", html)


def test_the_series_table_sorts_by_views_and_downloads(figures):
    series, _five, _six = figures
    query = {"series": series.pk, "start": "2026-01-01", "end": "2026-03-31"}
    client = signed_in("readership.view_dailycount")
    by_views = table_rows(client.get(SERIES_PAGE, query | {"sort": "-views"}).content.decode())
    assert [row[0] for row in by_views] == ["6", "5", "7"]
    by_downloads = table_rows(client.get(SERIES_PAGE, query | {"sort": "downloads"}).content.decode())
    assert [row[0] for row in by_downloads] == ["7", "5", "6"]


def test_the_csv_export_has_the_tables_figures_and_one_row_per_issue_per_month(figures):
    series, _five, _six = figures
    query = {"series": series.pk, "start": "2026-01-01", "end": "2026-02-28"}
    client = signed_in("readership.view_dailycount")
    response = client.get(SERIES_PAGE, query | {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["series", "number", "title", "from", "to", "views", "downloads"],
        ["EUCACIS in Brief", "5", "Five", "2026-01-01", "2026-02-28", "7", "3"],
        ["EUCACIS in Brief", "6", "Six", "2026-01-01", "2026-02-28", "10", "5"],
        ["EUCACIS in Brief", "7", "Seven, not read yet", "2026-01-01", "2026-02-28", "0", "0"],
    ]
    by_month = list(csv.reader(io.StringIO(client.get(SERIES_PAGE, query | {"format": "month-csv"}).content.decode())))
    assert by_month[1:] == [
        ["EUCACIS in Brief", "5", "Five", "2026-01", "4", "1"],
        ["EUCACIS in Brief", "5", "Five", "2026-02", "3", "2"],
        ["EUCACIS in Brief", "6", "Six", "2026-02", "10", "5"],
    ]


def test_an_issues_chart_draws_each_months_views_and_downloads_with_a_table_and_a_csv(figures):
    _series, _five, six = figures
    page = reverse("admin:readership_dailycount_issue", args=[six.pk])
    client = signed_in("readership.view_dailycount")
    html = client.get(page, {"start": "2025-12-01", "end": "2026-03-31"}).content.decode()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="readership-chart"') :]
    svg = svg[: svg.index("</svg>")]
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg and "style=" not in svg
    assert re.findall(r'class="views"[^>]*data-value="(\d+)"', svg) == ["100", "0", "10", "7"]
    assert re.findall(r'class="downloads"[^>]*data-value="(\d+)"', svg) == ["100", "0", "5", "0"]
    assert '<th scope="row">February 2026</th><td class="number">10</td><td class="number">5</td>' in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(page, {"start": "2026-02-01", "end": "2026-03-31", "format": "csv"}).content.decode()
            )
        )
    )
    assert rows[1:] == [
        ["EUCACIS in Brief", "6", "Six", "2026-02", "10", "5"],
        ["EUCACIS in Brief", "6", "Six", "2026-03", "7", "0"],
    ]


def test_bar_heights_follow_the_values_on_a_round_scale():
    rows = [(datetime.date(2026, 1, 1), 40, 10), (datetime.date(2026, 2, 1), 20, 0)]
    svg = str(monthly_chart(rows, title="T <&>"))
    heights = [float(h) for h in re.findall(r'class="views"[^>]*height="([\d.]+)"', svg)]
    assert heights[0] == pytest.approx(2 * heights[1]) and nice_top(40) == 50
    assert "T &lt;&amp;&gt;" in svg
    assert [nice_top(v) for v in (0, 1, 3, 7, 11, 240)] == [1, 1, 5, 10, 20, 250]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The period must end on or after the day it starts."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"start": "1990-01-01", "end": "2026-01-01"}, "Choose a period of at most 20 years."),
    ],
)
def test_a_bad_period_gives_a_form_error_and_no_table(figures, query, message):
    series, _five, six = figures
    client = signed_in("readership.view_dailycount")
    for page in (SERIES_PAGE, reverse("admin:readership_dailycount_issue", args=[six.pk])):
        response = client.get(page, {"series": series.pk, **query})
        html = response.content.decode()
        assert response.status_code == 200 and message in html and "errorlist" in html
        assert "readership-table" not in html and "readership-chart" not in html


@pytest.mark.parametrize("fmt", ["", "csv", "month-csv"])
def test_staff_without_the_permission_get_403_everywhere(figures, fmt):
    series, _five, six = figures
    client = signed_in("briefs.view_issue", "briefs.change_issue")
    assert client.get(SERIES_PAGE, {"series": series.pk, "format": fmt}).status_code == 403
    assert client.get(reverse("admin:readership_dailycount_issue", args=[six.pk]), {"format": fmt}).status_code == 403
    change_form = client.get(reverse("admin:briefs_issue_change", args=[six.pk])).content.decode()
    assert "Chart by month" not in change_form


def test_the_issue_form_shows_its_totals_and_links_its_chart(figures):
    _series, _five, six = figures
    client = signed_in("readership.view_dailycount", "briefs.view_issue", "briefs.change_issue")
    html = client.get(reverse("admin:briefs_issue_change", args=[six.pk])).content.decode()
    assert "117 views of its page and 105 downloads of its PDF in all" in html
    assert reverse("admin:readership_dailycount_issue", args=[six.pk]) in html


def test_editors_and_the_chief_may_see_the_figures_and_programme_staff_may_not(figures, client_in_role):
    assert client_in_role("Editor-in-chief").get(SERIES_PAGE).status_code == 200
    assert client_in_role("Editor").get(SERIES_PAGE).status_code == 200
    assert client_in_role("Programme staff").get(SERIES_PAGE).status_code == 403


def test_a_title_a_spreadsheet_would_read_as_a_formula_stays_text_in_the_csv():
    from readership.reports import _csv

    text = _csv(["title", "views"], [('=HYPERLINK("https://evil.example","x")', 3), ("-1 is a number", 1), ("Fine", 2)])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ['\'=HYPERLINK("https://evil.example","x")', "3"]
    assert rows[2][0] == "'-1 is a number" and rows[3] == ["Fine", "2"]
