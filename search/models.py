"""The search index: one row per issue."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from briefs.models import Issue


class IssueSearch(models.Model):
    """What the search reads of an issue: kept by :mod:`search.index`, one row per issue.

    ``text`` is the issue's readable text (introduction, questions and answers,
    body, footnotes) as plain text, for the snippets. On PostgreSQL ``vector``
    holds the weighted search vector (title and names A, introduction B,
    questions, answers and body C, footnotes D), with a GIN index made by
    briefs' migration 0014 (PostgreSQL only, so not declared here); on SQLite
    ``folded`` and ``folded_title`` hold the folded words that its simpler
    match compares. ``manage.py rebuild_search_index`` builds every row again.
    """

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, primary_key=True, related_name="search", verbose_name="issue"
    )
    text = models.TextField("readable text", blank=True)
    vector = SearchVectorField("search vector", null=True, editable=False)
    #: Small vectors the ranking reads instead of ``vector`` (PostgreSQL): title and names (A)
    #: with the introduction (B), and the footnotes. See :func:`search.index.search_issues`.
    rank_vector = SearchVectorField("ranking vector", null=True, editable=False)
    notes_vector = SearchVectorField("footnotes vector", null=True, editable=False)
    folded = models.TextField("folded words", blank=True, editable=False)
    folded_title = models.TextField("folded words of the title and names", blank=True, editable=False)

    class Meta:
        # Made by briefs before search was an app of its own; the table kept its name.
        db_table = "briefs_issuesearch"
        verbose_name = "search index entry"
        verbose_name_plural = "search index"

    def __str__(self):
        return f"Search index entry of issue {self.issue_id}"
