"""The admin's lists and dates: status as a badge in the first column, one way of writing dates, ISO date inputs.

How the lists fit 1,280 px is measured in Chromium (tests/browser/test_desk_and_lists.py);
these tests pin what the pages say.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from briefs.models import Issue
from tests.conftest import make_fellowship, make_issue, make_membership, make_series

pytestmark = pytest.mark.django_db

LISTS_CSS = Path(__file__).resolve().parents[2] / "static" / "admin" / "css" / "lists.css"


def first_cells(html):
    """The text of each row's first cell after the checkbox."""
    rows = re.findall(r'<tr><td class="action-checkbox">.*?</td>\s*<t[dh] class="field-[^"]+"[^>]*>(.*?)</t[dh]>', html)
    return [re.sub(r"<[^>]+>", " ", row).split() for row in rows]


def test_the_issue_list_starts_with_the_status_as_a_word_in_a_badge(editor_client):
    series = make_series()
    make_issue(series, status=Issue.Status.IN_REVIEW, number=1)
    make_issue(series, number=2, public_from=timezone.now() + datetime.timedelta(days=1))
    make_issue(series, number=3)
    response = editor_client.get(reverse("admin:briefs_issue_changelist") + "?o=2")  # by number
    assert response.context["cl"].list_display[:2] == ["action_checkbox", "status_badge"]
    html = response.content.decode()
    assert '<span class="status-badge status-badge--in_review">In review</span>' in html
    assert [cell[0] for cell in first_cells(html)] == ["In", "Scheduled", "Published"]


def test_an_issue_whose_pdf_failed_says_so_beside_its_status(editor_client):
    from printing.models import IssuePdf

    issue = make_issue()
    IssuePdf.objects.create(issue=issue, failure="Note 4 could not be placed.", failed_version="v1", attempts=1)
    html = editor_client.get(reverse("admin:briefs_issue_changelist")).content.decode()
    assert '<span class="status-badge status-badge--pdf-failed">PDF failed</span>' in html
    assert "Note 4 could not be placed." in html


def test_the_fellowship_list_starts_with_current_or_alumni_in_a_badge(client_in_role):
    today = timezone.localdate()
    make_fellowship(start_year=today.year - 3, end_year=today.year - 1)
    make_fellowship(start_year=today.year, end_year=today.year + 1)
    response = client_in_role("Programme staff").get(reverse("admin:people_fellowship_changelist"))
    assert response.context["cl"].list_display[:2] == ["action_checkbox", "status_now"]
    assert sorted(cell[0] for cell in first_cells(response.content.decode())) == ["Alumni", "Current"]


def _contrast(foreground, background):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_badges_text_keeps_a_contrast_of_at_least_4_5_to_1():
    rules = re.findall(
        r"\.status-badge--[^{]+\{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", LISTS_CSS.read_text()
    )
    assert len(rules) >= 6
    for background, colour in rules:
        assert _contrast(colour, background) >= 4.5, (colour, background)


def test_dates_in_the_lists_read_as_the_site_writes_them(editor_client):
    make_issue(publication_date=datetime.date(2026, 12, 4))
    html = editor_client.get(reverse("admin:briefs_issue_changelist")).content.decode()
    assert "4 December 2026" in html
    assert "04/12/2026" not in html and "4 Dec 2026" not in html and "12/04/2026" not in html


def test_the_issue_form_takes_its_date_in_an_iso_date_input_and_saves_it(editor_client):
    from tests.editorial.test_edit_conflicts import form_of

    issue = make_issue(status=Issue.Status.DRAFT, publication_date=datetime.date(2026, 12, 4))
    change = reverse("admin:briefs_issue_change", args=[issue.pk])
    html = editor_client.get(change).content.decode()
    assert re.search(r'<input type="date" name="publication_date" value="2026-12-04"', html)
    fields = form_of(editor_client.get(change)) | {"publication_date": "2026-12-05", "_continue": "Save"}
    assert editor_client.post(change, fields).status_code == 302
    assert Issue.objects.get(pk=issue.pk).publication_date == datetime.date(2026, 12, 5)


def test_the_editorial_teams_dates_are_iso_date_inputs_too(editor_client):
    membership = make_membership(make_series(), start_date=datetime.date(2026, 12, 4))
    html = editor_client.get(reverse("admin:briefs_editorialmembership_change", args=[membership.pk])).content.decode()
    assert re.search(r'<input type="date" name="start_date" value="2026-12-04"', html)
    assert re.search(r'<input type="date" name="end_date"', html)


def test_a_series_editorial_team_rows_have_iso_date_inputs(editor_client):
    series = make_series()
    make_membership(series, start_date=datetime.date(2026, 12, 4))
    html = editor_client.get(reverse("admin:briefs_series_change", args=[series.pk])).content.decode()
    assert re.search(r'<input type="date" name="[a-z_]+-0-start_date" value="2026-12-04"', html)


def test_public_from_is_switched_by_a_script_of_the_sites_own_and_says_when_it_applies(editor_client):
    # The script disables “Public from” unless “At a later time” is chosen (tried in Chromium by
    # hand: docs/editors.md); without it the field stays usable and is ignored unless that is chosen.
    issue = make_issue(status=Issue.Status.APPROVED)
    response = editor_client.get(reverse("admin:briefs_issue_transition", args=["publish"]), {"ids": issue.pk})
    html = response.content.decode()
    assert re.search(r'<script src="/static/admin/js/transition-when\.js(\?[^"]*)?"></script>', html)
    assert "only with “At a later time”" in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
