"""Searching published issues: the index, how it is kept current, and the query.

**The index** is one :class:`~briefs.models.IssueSearch` row per issue (drafts
too: what is public is decided when searching, by ``Issue.objects.published()``,
so publishing, withdrawing and a scheduled publication's moment need no index
change). :func:`index_issues` builds rows from the issues' rows in a fixed
number of queries per batch.

**Kept current** the way the page cache is: every write that changes what an
issue's row says goes through a model signal (saves and deletes of issues,
contributions, questions, footnotes; a person's save) or through
:class:`~sitecache.versioning.ContentQuerySet`'s bulk writes (``update()``,
``bulk_create()``, ``bulk_update()``). Each notes which issues it touched, and
one job per transaction (:mod:`jobs.queue`) indexes them again in the worker
process, from the rows as committed. Readers only ever find what is published
(a working copy of a public issue is indexed like a draft, and never found). Signals rather than calls in
each service because the writes come from many places (admin inlines, working
copies, restores, imports, bulk actions, the demo loader), and one missed call
would leave the index wrong without anyone noticing; the rows are read again
rather than trusted from the signal, so a write counts however it was made.
Writes behind Django's back (raw SQL, a restore): ``manage.py rebuild_search_index``.

**The query**: full-text search on PostgreSQL (``english_unaccent``: unaccent,
then English stemming; ranked by weight; ``ts_headline`` snippets), a simpler
match of folded words on SQLite (see the README's “Search”).
"""

import logging
from contextlib import contextmanager

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django_tasks import task

from briefs.models import Contribution, Footnote, Issue, Question
from common.signals import post_bulk_create, pre_queryset_update
from jobs import queue
from people.models import Person
from search import text as search_text
from search.models import IssueSearch
from sitecache.versioning import content_changed, new_state

logger = logging.getLogger(__name__)

#: The text search configuration made by migration 0014: unaccent, then the English stemmer.
CONFIG = "english_unaccent"
BATCH = 500

#: The fields whose change alters an issue's index row.
ISSUE_FIELDS = {"title", "introduction", "body"}
PART_FIELDS = {
    Contribution: {"person", "person_id", "issue", "issue_id"},
    Question: {"question", "answer", "issue", "issue_id"},
    Footnote: {"text", "issue", "issue_id"},
}
PERSON_FIELDS = {"honorific", "given_name", "family_name"}


def uses_postgres(using=None):
    return (using or connection).vendor == "postgresql"


# -- building rows ---------------------------------------------------------------


def _texts_of(issue_ids):
    """Per issue id: its title, names, introduction, questions and answers with body, and footnotes, as plain text."""
    texts = {
        pk: {
            "title": title,
            "names": [],
            "introduction": search_text.plain_text(intro),
            "text": [],
            "notes": [],
            "body": body,
        }
        for pk, title, intro, body in Issue.objects.filter(pk__in=issue_ids).values_list(
            "pk", "title", "introduction", "body"
        )
    }
    names = (
        Contribution.objects.filter(issue__in=issue_ids)
        .order_by("issue_id", "sort_order", "pk")
        .values_list("issue_id", "person__honorific", "person__given_name", "person__family_name")
    )
    for issue_id, *parts in names:
        texts[issue_id]["names"].append(" ".join(p for p in parts if p))
    for issue_id, question, answer in (
        Question.objects.filter(issue__in=issue_ids)
        .order_by("issue_id", "sort_order", "pk")
        .values_list("issue_id", "question", "answer")
    ):
        texts[issue_id]["text"] += [search_text.plain_text(question), search_text.plain_text(answer)]
    for issue_id, note in (
        Footnote.objects.filter(issue__in=issue_ids).order_by("issue_id", "pk").values_list("issue_id", "text")
    ):
        texts[issue_id]["notes"].append(search_text.plain_text(note))
    for parts in texts.values():
        parts["names"] = ", ".join(parts["names"])
        parts["text"] = search_text.join_texts(*parts["text"], search_text.plain_text(parts.pop("body")))
        parts["notes"] = search_text.join_texts(*parts["notes"])
    return texts


def _vector(parts, weights="ABCD"):
    """The weighted search vector of an issue's texts (PostgreSQL), as an expression to store.

    ``weights``: which of them it holds (A title and names, B introduction, C
    questions, answers and body, D footnotes).
    """
    weighted = [
        (text, weight)
        for text, weight in [
            (search_text.join_texts(parts["title"], parts["names"]), "A"),
            (parts["introduction"], "B"),
            (parts["text"], "C"),
            (parts["notes"], "D"),
        ]
        if weight in weights
    ]
    vectors = [
        SearchVector(Value(search_text.without_inner_apostrophes(text)), config=CONFIG, weight=weight)
        for text, weight in weighted
    ]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def _row(issue_id, parts, *, postgres):
    readable = search_text.join_texts(parts["introduction"], parts["text"], parts["notes"])
    row = IssueSearch(issue_id=issue_id, text=readable)
    if postgres:
        row.vector = _vector(parts)
        row.rank_vector = _vector(parts, "AB")
        row.notes_vector = _vector(parts, "D")
    else:
        title = search_text.join_texts(parts["title"], parts["names"])
        row.folded_title = search_text.fold(title)
        row.folded = search_text.fold(search_text.join_texts(title, readable))
    return row


def index_issues(issue_ids):
    """Build the index rows of these issues from their rows now; returns how many were written.

    A fixed number of queries per batch of 500 issues, whatever their size. An
    issue that no longer exists has no row (its row went with it).
    """
    ids = sorted(set(issue_ids))
    postgres = uses_postgres()
    written = 0
    for start in range(0, len(ids), BATCH):
        texts = _texts_of(ids[start : start + BATCH])
        rows = [_row(pk, parts, postgres=postgres) for pk, parts in texts.items()]
        if rows:
            IssueSearch.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["issue"],
                update_fields=["text", "vector", "rank_vector", "notes_vector", "folded", "folded_title"],
            )
        written += len(rows)
    return written


def rebuild_index():
    """Index every issue again; returns how many."""
    with transaction.atomic():
        count = index_issues(Issue.objects.values_list("pk", flat=True))
        content_changed()  # search pages cached before show the index as it was
        return count


# -- keeping it current ----------------------------------------------------------


def issues_changed(ids=(), issue_filter=None):
    """Index these issues (ids, or those matching ``issue_filter``, a Q) again: one job, enqueued with this transaction."""
    queue.changed(_enqueue_indexing, ids=ids, issue_filter=issue_filter)


def _enqueue_indexing(ids, filters):
    ids = set(ids)
    for issue_filter in filters:
        ids.update(Issue.objects.filter(issue_filter).values_list("pk", flat=True))
    if ids:
        queue.enqueue(index_issues_job, sorted(ids))


#: Seconds before a failed index update is tried again (one per attempt), then given up.
RETRY_DELAYS = [10, 60, 600]


@task()
def index_issues_job(issue_ids, attempt=1):
    """The job: index these issues again from their committed rows, then renew the content version."""
    try:
        # The edit's commit renewed the content version already; a search page rendered
        # since then showed the index before this update. The renewal is written with
        # the index rows, so both are committed or neither is (and the job retried).
        with transaction.atomic():
            index_issues(issue_ids)
            new_state()
    except Exception:
        logger.exception("Could not update the search index of %s issues (attempt %s)", len(issue_ids), attempt)
        later = queue.backoff(attempt, RETRY_DELAYS)
        if later is None:
            raise  # recorded as failed by the worker; rebuild_search_index catches up
        queue.enqueue(index_issues_job, issue_ids, attempt=attempt + 1, run_after=later)
        return "retrying"
    return "indexed"


def _issue_saved(sender, instance, update_fields=None, **kwargs):
    if instance.never_seen_by_readers():  # a working copy is found once it is published, as its issue
        return
    if update_fields is None or ISSUE_FIELDS & set(update_fields):
        issues_changed([instance.pk])


def _part_changed(sender, instance, **kwargs):
    # The issue it was part of and the one it is part of now, if it moved.
    if not instance.never_seen_by_readers():
        issues_changed(instance.loaded_and_current("issue_id"))


def _person_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if not created and (update_fields is None or PERSON_FIELDS & set(update_fields)):
        issues_changed(issue_filter=Q(contributions__person=instance.pk))


def _updating(sender, queryset, values, **kwargs):
    """A queryset ``update()`` or ``bulk_update()``: note the issues of the rows it is about to change (and the ones they move to)."""
    fields = set(values)
    if sender is Issue:
        if fields & ISSUE_FIELDS:
            issues_changed(queryset.values_list("pk", flat=True))
    elif sender in PART_FIELDS:
        if fields & PART_FIELDS[sender]:
            rows = list(queryset.values_list("pk", "issue_id"))
            issues_changed([issue_id for _pk, issue_id in rows])
            if fields & {"issue", "issue_id"}:
                issues_changed(issue_filter=Q(**{f"{_related_name(sender)}__in": [pk for pk, _ in rows]}))
    elif sender is Person and fields & PERSON_FIELDS:
        issues_changed(issue_filter=Q(contributions__person__in=list(queryset.values_list("pk", flat=True))))


def _related_name(model):
    return model._meta.get_field("issue").remote_field.related_name


def _bulk_created(sender, objs, **kwargs):
    """``bulk_create()`` of issues or their parts (new people are in no issue yet)."""
    if sender is Issue:
        issues_changed([obj.pk for obj in objs])
    elif sender in PART_FIELDS:
        issues_changed({obj.issue_id for obj in objs})


def connect():
    post_save.connect(_issue_saved, sender=Issue, dispatch_uid="search-issue-save")
    for model in PART_FIELDS:
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"search-{model.__name__}-delete")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="search-person-save")
    pre_queryset_update.connect(_updating, dispatch_uid="search-queryset-update")
    post_bulk_create.connect(_bulk_created, dispatch_uid="search-bulk-create")


# -- searching -------------------------------------------------------------------


def search_issues(query):
    """Published issues matching ``query`` (a :class:`~search.text.Query`), best first, ready for issue cards.

    PostgreSQL: matched on the whole weighted vector, through its GIN index
    (:func:`prefer_the_index`); ranked by ``ts_rank`` over the small vector of
    the title and names (A) and the introduction (B), so a title or a name
    comes first, then the introduction; then issues whose footnotes do not
    match before those whose do (a match only in a note comes last); then
    newest first. Ranking over the whole vector would read every match's text:
    for a word in thousands of issues, most of a search's time. SQLite: issues
    whose title or names have every word first, then newest first. No query
    words: nothing.
    """
    issues = Issue.objects.published()
    if not query.has_words:
        return issues.none()
    if uses_postgres():
        tsquery = _tsquery(query)
        return (
            issues.filter(search__vector=tsquery)
            .annotate(
                # A row indexed before these vectors existed has none until the index is rebuilt.
                rank=Coalesce(SearchRank(F("search__rank_vector"), tsquery), Value(0.0)),
                in_notes=ExpressionWrapper(Q(search__notes_vector=tsquery), output_field=BooleanField()),
            )
            .order_by("-rank", "in_notes", "-publication_date", "-number")
            .for_listing()
        )
    everywhere = Q()
    in_title = Q()
    for term in query.terms:
        everywhere &= Q(search__folded__contains=f" {term}")
        in_title &= Q(search__folded_title__contains=f" {term}")
    return (
        issues.filter(everywhere)
        .annotate(title_hit=Case(When(in_title, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("-title_hit", "-publication_date", "-number")
        .for_listing()
    )


@contextmanager
def prefer_the_index():
    """Inside: PostgreSQL reads the search vector's GIN index rather than every row.

    For a word found in most issues the planner would read the whole table,
    unpacking every issue's vector to test it; the index answers without them
    (a count of 10,000 matches in 3 ms rather than 40). Only for this
    transaction (``SET LOCAL``); nothing on SQLite.
    """
    if not uses_postgres():
        # No transaction: on SQLite it would begin IMMEDIATE (settings), taking the write
        # lock for a read.
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _tsquery(query):
    return SearchQuery(query.for_postgres, search_type="websearch", config=CONFIG)


def with_snippets(issues, query):
    """``issues`` (a page of :func:`search_issues`), each with ``snippet``: safe HTML with the matches marked.

    One query for the page, whatever its length: snippets are made for the
    issues shown only (PostgreSQL's ``ts_headline`` reads the whole text, so
    asking it for every match, or for the pages before this one, would cost
    more than the search itself).
    """
    issues = list(issues)
    if not issues:
        return issues
    rows = IssueSearch.objects.filter(issue__in=[issue.pk for issue in issues])
    if uses_postgres():
        headlines = dict(
            rows.annotate(
                headline=SearchHeadline(
                    "text",
                    _tsquery(query),
                    config=CONFIG,
                    start_sel=search_text.START_SEL,
                    stop_sel=search_text.STOP_SEL,
                    max_fragments=2,
                    max_words=18,
                    min_words=8,
                    fragment_delimiter=" … ",
                )
            ).values_list("issue_id", "headline")
        )
        for issue in issues:
            issue.snippet = search_text.headline_html(headlines.get(issue.pk))
    else:
        texts = dict(rows.values_list("issue_id", "text"))
        for issue in issues:
            issue.snippet = search_text.snippet(texts.get(issue.pk, ""), query.terms)
    return issues
