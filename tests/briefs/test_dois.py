"""DOIs: a series' prefix and suffix pattern, and the DOI each issue gets once and keeps."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from briefs.dois import doi_for, doi_url, validate_doi_prefix, validate_suffix_pattern
from briefs.models import Issue, Series
from briefs.workflow import apply_transition
from tests.conftest import make_interview, make_series


@pytest.mark.parametrize("prefix", ["10.5555", "10.1234567", "10.12345"])
def test_a_prefix_is_10_dot_and_four_to_nine_digits(prefix):
    validate_doi_prefix(prefix)


@pytest.mark.parametrize(
    "prefix", ["", "10.555", "11.5555", "10.5555/", "doi:10.5555", "10.5555 ", "https://doi.org/10.5555"]
)
def test_anything_else_is_refused_with_an_example(prefix):
    with pytest.raises(ValidationError, match="10.5555"):
        validate_doi_prefix(prefix)


def test_the_default_pattern_gives_the_series_slug_dot_number():
    assert doi_for("10.5555", "{series}.{number}", series_slug="eucacis-in-brief", number=6) == (
        "10.5555/eucacis-in-brief.6"
    )
    assert doi_for("10.5555", "", series_slug="eucacis-in-brief", number=6) == "10.5555/eucacis-in-brief.6"
    assert doi_url("10.5555/eucacis-in-brief.6") == "https://doi.org/10.5555/eucacis-in-brief.6"
    assert doi_url("") == ""


@pytest.mark.parametrize("pattern", ["{series}.{number}", "eib.{number}", "brief/{number}", "{series}-no({number})"])
def test_patterns_that_make_a_suffix_per_issue_are_accepted(pattern):
    validate_suffix_pattern(pattern)


@pytest.mark.parametrize(
    "pattern, says",
    [
        ("{series}", "{number} exactly once"),
        ("{number}.{number}", "{number} exactly once"),
        ("{series}.{nummer}", "{nummer}"),
        ("{series}.{number", "unmatched brace"),
        ("eib {number}", "not a valid DOI suffix"),
        ("eib.{number}#x", "not a valid DOI suffix"),
        ("{number:zz}", "plainly"),
        ("{number!x}", "plainly"),
        ("{number:{series}}", "plainly"),
        ("{series}.{number:0>250}", "plainly"),
        ("brief-" + "x" * 150 + ".{series}.{number}", "a DOI may have 242 here"),
    ],
)
def test_patterns_that_cannot_make_one_doi_per_issue_are_refused_saying_why(pattern, says):
    with pytest.raises(ValidationError) as refused:
        validate_suffix_pattern(pattern)
    assert says in refused.value.messages[0]


@pytest.fixture
def chief(user_in_role):
    return user_in_role("Editor-in-chief")


def _series(**fields):
    return make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org", **fields)


def test_an_issue_gets_its_doi_when_first_published_and_keeps_it_when_renumbered(chief):
    series = _series(slug="eucacis-in-brief")
    issue = make_interview(series, number=7, status=Issue.Status.APPROVED, public_from=None)
    assert issue.doi == ""
    apply_transition(issue, "publish", by=chief)
    assert Issue.objects.get(pk=issue.pk).doi == "10.5555/eucacis-in-brief.7"

    Issue.objects.filter(pk=issue.pk).update(number=8)  # renumbered by a correction
    issue.refresh_from_db()
    apply_transition(issue, "withdraw", by=chief, comment="For a check.")
    apply_transition(issue, "republish", by=chief)
    assert Issue.objects.get(pk=issue.pk).doi == "10.5555/eucacis-in-brief.7"


def test_a_doi_another_issue_holds_is_never_given_twice(chief):
    series = _series()
    first = make_interview(series, number=7, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(first, "publish", by=chief)
    Issue.objects.filter(pk=first.pk).update(number=70)
    second = make_interview(series, number=7, status=Issue.Status.APPROVED, public_from=None)
    with pytest.raises(ValidationError, match="already has: a DOI is never given twice"):
        apply_transition(second, "publish", by=chief)
    second.refresh_from_db()
    assert (second.status, second.doi) == (Issue.Status.APPROVED, "")


def test_the_prefix_and_pattern_are_fixed_once_an_issue_has_a_doi(chief):
    series = _series()
    series.doi_suffix_pattern = "eib.{number}"
    series.full_clean()  # no DOI yet: free to change
    series.save()
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief)
    series = Series.objects.get(pk=series.pk)
    series.doi_suffix_pattern = "{series}.{number}"
    with pytest.raises(ValidationError) as refused:
        series.full_clean()
    assert "cannot change, as a DOI is for ever" in str(refused.value)
    series = Series.objects.get(pk=series.pk)
    series.doi_prefix = "10.9999"
    with pytest.raises(ValidationError):
        series.full_clean()


def test_a_prefix_needs_a_depositors_email(db):
    series = make_series(doi_prefix="10.5555")
    with pytest.raises(ValidationError) as refused:
        series.full_clean()
    assert "crossref_depositor_email" in refused.value.message_dict


def test_the_series_form_shows_the_fixed_prefix_and_pattern_as_text_once_issues_have_dois(editor_client, chief):
    series = _series()
    url = reverse("admin:briefs_series_change", args=[series.pk])
    assert 'name="doi_suffix_pattern"' in editor_client.get(url).content.decode()
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief)
    page = editor_client.get(url).content.decode()
    assert 'name="doi_suffix_pattern"' not in page and 'name="doi_prefix"' not in page
    assert "{series}.{number}" in page and "10.5555" in page


@pytest.mark.parametrize(
    "url",
    [
        "http://attacker.example/steal",
        "https://test.crossref.org.evil.example/servlet/deposit",
        "http://127.0.0.1:8000/",
    ],
)
def test_a_deposit_address_is_only_one_of_crossrefs_since_the_login_goes_with_it(db, url):
    series = make_series(doi_prefix="10.5555", crossref_depositor_email="doi@example.org", crossref_deposit_url=url)
    with pytest.raises(ValidationError) as refused:
        series.full_clean()
    assert "crossref_deposit_url" in refused.value.message_dict
    series.crossref_deposit_url = "https://doi.crossref.org/servlet/deposit"
    series.full_clean()


def test_the_series_form_offers_crossrefs_addresses_to_choose_and_refuses_a_crafted_one(editor_client):
    series = _series()
    url = reverse("admin:briefs_series_change", args=[series.pk])
    page = editor_client.get(url).content.decode()
    assert '<select name="crossref_deposit_url"' in page
    assert '<option value="https://doi.crossref.org/servlet/deposit"' in page
    form = editor_client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data |= {
        "crossref_deposit_url": "http://attacker.example/steal",
        "about_sections-TOTAL_FORMS": "0",
        "about_sections-INITIAL_FORMS": "0",
        "editorial_memberships-TOTAL_FORMS": "0",
        "editorial_memberships-INITIAL_FORMS": "0",
    }
    response = editor_client.post(url, {k: v for k, v in data.items() if k in form.fields or "-" in k})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    series.refresh_from_db()
    assert series.crossref_deposit_url == "https://test.crossref.org/servlet/deposit"


def test_the_series_web_address_is_fixed_once_its_issues_have_dois_made_from_it(chief):
    series = _series(slug="eucacis-in-brief")
    issue = make_interview(series, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief)
    series = Series.objects.get(pk=series.pk)
    series.slug = "eib"
    with pytest.raises(ValidationError) as refused:
        series.full_clean()
    assert "slug" in refused.value.message_dict
    # A pattern without {series} leaves the address free.
    other = _series(doi_suffix_pattern="eib.{number}")
    issue = make_interview(other, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief)
    other = Series.objects.get(pk=other.pk)
    other.slug = "another-address"
    other.full_clean()


def test_a_doi_given_at_scheduling_goes_with_a_cancelled_publication(chief):
    import datetime

    from django.utils import timezone

    series = _series(slug="eucacis-in-brief")
    issue = make_interview(series, number=6, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(issue, "publish", by=chief, at=timezone.now() + datetime.timedelta(days=1))
    assert Issue.objects.get(pk=issue.pk).doi == "10.5555/eucacis-in-brief.6"
    apply_transition(issue, "unschedule", by=chief)
    assert Issue.objects.get(pk=issue.pk).doi == ""
    # Renumbered before it is published: it gets the DOI of its number then, and No. 6 is free.
    Issue.objects.filter(pk=issue.pk).update(number=7)
    issue.refresh_from_db()
    apply_transition(issue, "publish", by=chief)
    assert Issue.objects.get(pk=issue.pk).doi == "10.5555/eucacis-in-brief.7"
    other = make_interview(series, number=6, status=Issue.Status.APPROVED, public_from=None)
    apply_transition(other, "publish", by=chief)
    assert Issue.objects.get(pk=other.pk).doi == "10.5555/eucacis-in-brief.6"
