"""Search: published issues only, every query a normal page, the index kept current on every write path.

Runs on both databases. What only PostgreSQL does (ranking, stemming, unaccent,
``ts_headline``) is tested where it runs and skipped on SQLite with the reason;
SQLite's simpler match likewise. Index updates happen when a transaction
commits, so writes here run under ``django_capture_on_commit_callbacks(execute=True)``
(the ``committed`` fixture), as a request's would.
"""

import datetime
import re
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from briefs.models import Contribution, Footnote, Issue, Question
from briefs.workflow import apply_transition
from demo.generate import generate_issues
from people.models import Person
from search.models import IssueSearch
from search.text import MAX_QUERY_LENGTH
from tests.conftest import make_interview, make_issue, make_person, make_series, start_of
from tests.editorial.test_edit_conflicts import open_form, save

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not POSTGRES, reason="full-text search (ranking, stemming, unaccent, ts_headline) is PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(POSTGRES, reason="the simpler match of folded words is SQLite's")

SEARCH_URL = reverse("reader:search")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the index update that the transaction's commit would run afterwards.

    Only that: PDF builds, which commits also start, are not what is tested here.
    """

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks() as callbacks:
            yield
        run_index_jobs_of_the_commit(callbacks)

    return run


def run_index_jobs_of_the_commit(callbacks):
    """Run what the commit would enqueue for the index (its job runs in-process in the tests), and nothing else."""
    from unittest import mock

    from printing import pdf_files

    with mock.patch.object(pdf_files, "refresh_issue_pdf", return_value="none"):
        for callback in callbacks:
            callback()


def results(query, client=None, **params):
    """The titles found for ``query``, in order, and the page's HTML."""
    response = (client or Client()).get(SEARCH_URL, {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(r'<h2 class="issue-card-title"><a href="[^"]+">(.*?)</a></h2>', html)
    return titles, html


def found(query):
    return results(query)[0]


def status_line(html):
    return re.sub(r"\s+", " ", re.search(r'<p class="result-count" role="status">(.*?)</p>', html, re.S).group(1))


def snippets(html):
    return re.findall(r'<p class="issue-card-snippet">(.*?)</p>', html, re.S)


@pytest.fixture
def demo(committed):
    with committed():
        call_command("load_demo", stdout=open("/dev/null", "w"))
    return Issue.objects.get(series__slug="eucacis-in-brief", number=6)


# -- the demo content ---------------------------------------------------------------


def test_dostyk_finds_no_6_with_a_snippet_from_its_footnote(demo):
    titles, html = results("Dostyk")
    assert titles == [demo.title]
    assert status_line(html) == "1 issue matches “Dostyk”."
    (snippet,) = snippets(html)
    print(f"\nSearch for “Dostyk” ({connection.vendor}): {titles[0]}\n  snippet: {snippet}")
    assert "<mark>Dostyk</mark> Order of the First degree (the Order of Friendship" in snippet  # the footnote
    assert f'href="{demo.get_absolute_url()}"' in html


@pytest.mark.parametrize("query", ["Mirziyoyevs", "Mirziyoyev's", "mirziyoyev’s", "MIRZIYOYEV"])
def test_the_name_with_an_acute_accent_as_apostrophe_is_found_however_it_is_typed(demo, query):
    assert "Mirziyoyev´s" in demo.introduction  # U+00B4, as in the printed issue
    assert found(query) == [demo.title]


def test_the_interviewees_and_interviewers_names_are_searched(demo, committed):
    assert found("Baydarov") == [demo.title]
    assert found("Muratbekova") == [demo.title]


def test_load_demo_indexes_no_6_by_itself(demo):
    row = IssueSearch.objects.get(issue=demo)
    assert "Dostyk Order of the First degree (the Order of Friendship)" in row.text
    assert "[^dostyk]" not in row.text  # markers are not text


# -- published issues only ------------------------------------------------------------


def test_only_published_issues_that_are_public_now_are_found(committed):
    series = make_series()
    with committed():
        make_issue(series, title="Caspian public")
        make_issue(series, title="Caspian draft", status=Issue.Status.DRAFT)
        make_issue(series, title="Caspian withdrawn", status=Issue.Status.WITHDRAWN)
        make_issue(series, title="Caspian scheduled", public_from=start_of(datetime.date(2099, 1, 1)))
    assert found("Caspian") == ["Caspian public"]


def test_publishing_and_withdrawing_through_the_workflow_show_and_hide_an_issue(committed, editor):
    with committed():
        issue = make_issue(title="Fergana water", status=Issue.Status.APPROVED)
        Contribution.objects.create(issue=issue, person=make_person(), role="author")
    assert found("Fergana") == []
    with committed():
        apply_transition(issue, "publish", by=editor)
    assert found("Fergana") == ["Fergana water"]
    with committed():
        apply_transition(issue, "withdraw", by=editor, comment="Withdrawn at the author's request.")
    assert found("Fergana") == []


# -- the index kept current, write path by write path -------------------------------


@pytest.fixture
def interview(committed):
    with committed():
        return make_interview(questions=2, footnotes=2, title="Steppe interview")


def test_saving_the_issue_reindexes_it(interview, committed):
    with committed():
        interview.title = "Tashkent interview"
        interview.save()
    assert found("Tashkent") == ["Tashkent interview"] and found("Steppe") == []


def test_changing_adding_and_deleting_a_question_reindexes_its_issue(interview, committed):
    question = interview.questions.first()
    with committed():
        question.answer = "<p>Irrigation answer[^n0].</p>"
        question.save()
    assert found("Irrigation") == [interview.title]
    with committed():
        Question.objects.create(issue=interview, question="<p>Hydropower?</p>", answer="<p>Yes.</p>", sort_order=9)
    assert found("Hydropower") == [interview.title]
    with committed():
        question.delete()
    assert found("Irrigation") == []


def test_changing_and_deleting_a_footnote_reindexes_its_issue(interview, committed):
    note = interview.footnotes.first()
    with committed():
        note.text = "<p>Source: the Samarkand archive.</p>"
        note.save()
    assert found("Samarkand") == [interview.title]
    with committed():
        note.delete()
    assert found("Samarkand") == []


def test_a_new_contributor_and_a_persons_new_name_are_found(interview, committed):
    with committed():
        person = make_person(given_name="Gulnara", family_name="Karimova")
        Contribution.objects.create(issue=interview, person=person, role="interviewee", speaker_label="GK")
    assert found("Karimova") == [interview.title]
    with committed():
        person.family_name = "Yusupova"
        person.save()
    assert found("Yusupova") == [interview.title] and found("Karimova") == []


def test_moving_a_question_to_another_issue_reindexes_both(interview, committed):
    with committed():
        other = make_issue(title="Other issue")
        question = interview.questions.first()
        question.answer = "<p>Nomadic heritage.</p>"
        question.save()
    with committed():
        question = Question.objects.get(pk=question.pk)  # loaded: it remembers the issue it was in
        question.issue = other
        question.save()
    assert found("Nomadic") == ["Other issue"]


def test_queryset_updates_reindex_the_issues_they_change(interview, committed):
    with committed():
        Issue.objects.filter(pk=interview.pk).update(title="Aral interview")
    assert found("Aral") == ["Aral interview"]
    with committed():
        Question.objects.filter(issue=interview).update(answer="<p>Cotton harvest.</p>")
    assert found("Cotton") == ["Aral interview"]
    with committed():
        Footnote.objects.filter(issue=interview).update(text="<p>Glacier data.</p>")
    assert found("Glacier") == ["Aral interview"]
    person = interview.contributions.first().person
    with committed():
        # The filter selects by the old name: the rows are noted before the update changes them.
        Person.objects.filter(family_name=person.family_name).update(family_name="Zhumabekov")
    assert found("Zhumabekov") == ["Aral interview"]
    with committed():
        Contribution.objects.filter(issue=interview, role="interviewer").update(
            person=make_person(family_name="Ospanov")
        )
    assert found("Ospanov") == ["Aral interview"] and found("Zhumabekov") == []


def test_bulk_create_and_bulk_update_reindex_the_issues_they_touch(interview, committed):
    with committed():
        Footnote.objects.bulk_create([Footnote(issue=interview, label="extra", text="<p>Pamir highway.</p>")])
    assert found("Pamir") == [interview.title]
    notes = list(Footnote.objects.filter(issue=interview))
    for note in notes:
        note.text = "<p>Wakhan corridor.</p>"
    with committed():
        Footnote.objects.bulk_update(notes, ["text"])
    assert found("Wakhan") == [interview.title] and found("Pamir") == []
    people = [c.person for c in interview.contributions.all()]
    for person in people:
        person.given_name = "Saltanat"
    with committed():
        Person.objects.bulk_update(people, ["given_name"])
    assert found("Saltanat") == [interview.title]


def test_deleting_an_issue_removes_its_row(interview, committed):
    with committed():
        interview.status = Issue.Status.DRAFT
        interview.save()
        interview.delete()
    assert not IssueSearch.objects.exists()


def test_a_working_copy_of_a_public_issue_is_not_found_until_it_is_published(committed, editor_client, editor):
    with committed():
        issue = make_interview(footnotes=2, title="The published title")
    fields = open_form(editor_client, issue) | {
        "title": "The Baikonur title",
        "questions-0-answer": "<p>A Kyzylorda answer[^n0].</p>",
    }
    with committed():
        assert save(editor_client, issue, fields).status_code == 302
    from briefs import working_copies

    assert working_copies.current_copy(issue).title == "The Baikonur title"  # kept in the working copy
    assert found("Baikonur") == [] and found("Kyzylorda") == []
    assert found("published title") == ["The published title"]
    with committed():
        working_copies.publish(issue, by=editor, note="The title and an answer were corrected.")
    assert found("Baikonur") == ["The Baikonur title"] and found("Kyzylorda") == ["The Baikonur title"]


def test_rebuild_search_index_restores_rows_written_behind_the_sites_back(interview, committed):
    IssueSearch.objects.all().delete()
    assert found("Steppe") == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert found("Steppe") == [interview.title]


def test_generate_issues_fills_the_index():
    ids = generate_issues(30, seed=3)
    assert IssueSearch.objects.filter(issue__in=ids).count() == 30


# -- every query a normal page --------------------------------------------------------

HOSTILE = [
    "",
    "x" * 10_000,
    "%%%",
    "!!! ??? ...",
    "'; DROP TABLE briefs_issue; --",
    "%",
    "_",
    "\\",
    '"',
    '"unclosed phrase',
    "-",
    "- or -",
    "or",
    "Dostyk -",
    "a\x00b",
    "<script>alert(1)</script>",
    "Dostyk" + " or" * 300,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_get_a_normal_page(demo, query):
    response = Client().get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert status_line(html)


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%ED%A0%80",  # a lone surrogate, UTF-8-encoded: not valid UTF-8
        "q=%FF%FE%00",
        "q=%00",
        "q=Dostyk&q=%27%3B+DROP",
        "q=Dostyk&page=abc",
        "q=Dostyk&page=999999",
        "q=Dostyk&page=-1",
        "page=2",
        "q[]=x",
    ],
)
def test_odd_addresses_get_a_normal_page(demo, query_string):
    assert Client().get(f"{SEARCH_URL}?{query_string}").status_code == 200


def test_a_query_over_the_limit_is_cut_and_the_page_says_so(demo):
    _titles, html = results("Dostyk " + "x" * 500)
    assert f"Your search was longer than {MAX_QUERY_LENGTH} characters" in html
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in html  # the box agrees with the limit


def test_the_box_keeps_the_query_escaped_and_every_page_has_the_box(demo):
    _titles, html = results('"><script>x</script>')
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    for url in ["/", reverse("reader:archive"), demo.get_absolute_url(), reverse("reader:fellows_directory")]:
        page = Client().get(url).content.decode()
        assert re.search(r'<form class="site-search" role="search" [^>]*action="/search/"', page), url
        assert '<label for="site-search-q"' in page and 'id="site-search-q" name="q"' in page


def test_empty_and_wordless_queries_say_what_to_do(demo):
    assert "Type words in the search box" in status_line(results("")[1])
    assert "has no letters or digits to search for" in status_line(results("%%%")[1])
    assert "No issues match “zzzqqq”" in status_line(results("zzzqqq")[1])


def test_a_snippet_with_markup_in_the_text_is_escaped(committed):
    with committed():
        make_issue(title="Markup", body="<p>Khiva: Tom &amp; Jerry wrote &lt;script&gt;alert(1)&lt;/script&gt;.</p>")
    _titles, html = results("Khiva")
    (snippet,) = snippets(html)
    # PostgreSQL's headline leaves out what its parser takes for a tag; SQLite's shows it, escaped.
    assert "<script" not in snippet and "Tom &amp; Jerry" in snippet
    assert "<mark>Khiva</mark>" in snippet
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}


# -- pagination, count, cache -----------------------------------------------------------


def test_results_are_counted_and_paginated_with_the_query_in_the_links(committed):
    series = make_series()
    with committed():
        for n in range(1, 16):
            make_issue(series, number=n, title=f"Silk road {n}")
    titles, html = results("silk")
    assert len(titles) == 12 and "15 issues match “silk” (page 1 of 2)." == status_line(html)
    assert 'href="?q=silk&amp;page=2"' in html
    titles, html = results("silk", page=2)
    assert len(titles) == 3
    assert results("silk", page=999999)[0] == titles  # past the end: the last page


def test_the_search_page_is_never_served_stale_from_the_page_cache(interview, committed, settings):
    settings.PAGE_CACHE_ENABLED = True
    client = Client()
    assert results("Bukhara", client)[0] == []
    assert results("Bukhara", client)[0] == []  # now from the cache
    with committed():
        interview.title = "Bukhara interview"
        interview.save()
    assert results("Bukhara", client)[0] == ["Bukhara interview"]


def test_a_search_page_rendered_before_the_index_caught_up_is_not_served_after_it(
    interview, django_capture_on_commit_callbacks, settings
):
    """Between an edit's commit and its index update a reader may get the old results; not once the index is updated."""
    settings.PAGE_CACHE_ENABLED = True
    client = Client()
    with django_capture_on_commit_callbacks() as callbacks:
        interview.title = "Samarkand interview"
        interview.save()
    assert results("Samarkand", client)[0] == []  # rendered and cached under the edit's new version
    run_index_jobs_of_the_commit(callbacks)  # the worker's index update renews the version again
    assert results("Samarkand", client)[0] == ["Samarkand interview"]


def test_the_search_page_costs_a_fixed_number_of_queries(committed, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE_ENABLED = False  # rendering is measured here
    generate_issues(1000, seed=1)
    client = Client()
    for query in ["cooperation", "water energy", "Müller", "brief 500", "zzzqqq", ""]:
        # the count, the page of issues, their authors, their snippets (and on PostgreSQL the
        # statement that has it read the index: prefer_the_index)
        with django_assert_max_num_queries(5 if POSTGRES else 4):
            response = client.get(SEARCH_URL, {"q": query, "page": 2})
        assert response.status_code == 200
    titles, html = results("cooperation")
    assert len(titles) == 12 and int(status_line(html).split()[0].replace(",", "")) > 100


# -- PostgreSQL: ranking, stemming, unaccent, highlighting ------------------------------


@postgres_only
def test_a_title_hit_ranks_above_a_footnote_hit_whatever_the_dates(committed):
    series = make_series()
    with committed():
        newer = make_interview(series, footnotes=1, title="Newer interview", publication_date=datetime.date(2024, 1, 1))
        Footnote.objects.filter(issue=newer).update(text="<p>The Dostyk Order.</p>")
        older = make_issue(series, title="The Dostyk Order", publication_date=datetime.date(2015, 1, 1))
        body_hit = make_issue(
            series, title="Body", body="<p>The Dostyk Order again.</p>", publication_date=datetime.date(2020, 1, 1)
        )
    assert found("Dostyk") == [older.title, body_hit.title, newer.title]


@postgres_only
def test_a_name_ranks_above_the_text_and_the_introduction_above_the_body(committed):
    series = make_series()
    with committed():
        body = make_issue(
            series, title="One", body="<p>Ergashev wrote.</p>", publication_date=datetime.date(2025, 1, 1)
        )
        intro = make_issue(
            series, title="Two", introduction="<p>Ergashev wrote.</p>", publication_date=datetime.date(2024, 1, 1)
        )
        named = make_issue(series, title="Three", publication_date=datetime.date(2015, 1, 1))
        Contribution.objects.create(issue=named, person=make_person(family_name="Ergashev"), role="author")
    assert found("Ergashev") == [named.title, intro.title, body.title]


@postgres_only
def test_english_stemming_finds_other_forms_of_a_word(committed):
    with committed():
        make_issue(title="Plain", body="<p>The reforms were negotiated by the ministries.</p>")
    for query in ["reform", "reforming", "negotiation", "ministry"]:
        assert found(query) == ["Plain"], query


@postgres_only
def test_unaccent_finds_muller_and_mueller_and_uzbek_spellings(committed):
    with committed():
        issue = make_issue(title="Accents", body="<p>Interview with Jürgen Müller in Oʻzbekiston and Lefèvre.</p>")
    for query in ["Muller", "müller", "MÜLLER", "Jurgen", "Ozbekiston", "O'zbekiston", "O‘zbekiston", "Lefevre"]:
        assert found(query) == [issue.title], query


@postgres_only
def test_websearch_operators_work(committed):
    series = make_series()
    with committed():
        make_issue(series, title="Water and energy")
        make_issue(series, title="Water scarcity")
    assert sorted(found("water -energy")) == ["Water scarcity"]
    assert sorted(found('"water and energy"')) == ["Water and energy"]
    assert sorted(found("energy or scarcity")) == ["Water and energy", "Water scarcity"]


@postgres_only
def test_the_headline_marks_stemmed_and_unaccented_matches(committed):
    with committed():
        make_issue(title="Headline", body="<p>Several reforms by Müller changed the customs union.</p>")
    (snippet,) = snippets(results("reform muller")[1])
    assert "<mark>reforms</mark>" in snippet and "<mark>Müller</mark>" in snippet


# -- SQLite: the simpler match ------------------------------------------------------------


@sqlite_only
def test_sqlite_every_word_must_start_a_word_and_title_hits_come_first(committed):
    series = make_series()
    with committed():
        newer = make_issue(
            series, title="Newer", body="<p>Caspian pipeline reforms.</p>", publication_date=datetime.date(2024, 1, 1)
        )
        titled = make_issue(series, title="Caspian pipeline", publication_date=datetime.date(2015, 1, 1))
        make_issue(series, title="Only Caspian", publication_date=datetime.date(2025, 1, 1))
    assert found("caspian pipeline") == [titled.title, newer.title]
    assert found("pipe") == [titled.title, newer.title]  # the start of a word
    assert found("ipeline") == []  # not the middle of one
    assert found("reform") == [newer.title]  # no stemming: "reform" starts "reforms"…
    assert found("reforming") == []  # … but "reforming" is not in the text


@sqlite_only
def test_sqlite_folds_accents_and_apostrophes(committed):
    with committed():
        issue = make_issue(title="Accents", body="<p>Interview with Jürgen Müller in Oʻzbekiston.</p>")
    for query in ["Muller", "MÜLLER", "Ozbekiston", "O'zbekiston"]:
        assert found(query) == [issue.title], query
