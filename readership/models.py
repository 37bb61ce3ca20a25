"""Readership figures: per issue and day, how many readers viewed its page and downloaded its PDF.

Rows are written by the counting (``readership.counting``: straight away without Redis,
else by the flush job, ``readership.flush``), never by hand. No row holds anything
about a reader: no address, no cookie, no user agent.
"""

from django.db import models

from briefs.models import Issue


class DailyCount(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="daily_counts")
    day = models.DateField(help_text="The day of the requests, in the site's time zone.")
    views = models.PositiveIntegerField(default=0, help_text="Readers who viewed the issue's page that day.")
    downloads = models.PositiveIntegerField(default=0, help_text="Readers who downloaded the issue's PDF that day.")

    class Meta:
        verbose_name = "readership figure"
        verbose_name_plural = "readership figures"
        constraints = [models.UniqueConstraint(fields=["issue", "day"], name="readership_one_count_per_issue_day")]
        ordering = ["issue", "day"]

    def __str__(self):
        return f"{self.issue_id} on {self.day}: {self.views} views, {self.downloads} downloads"


class Flush(models.Model):
    """A batch of counts moved from Redis into :class:`DailyCount`, written in the same transaction as its counts.

    A flush that finds its batch here has already added it (it crashed after the
    commit, before deleting the batch from Redis) and only deletes it: each batch is
    added exactly once.
    """

    batch = models.CharField(max_length=100, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True)
    counted = models.PositiveIntegerField(default=0, help_text="Views and downloads the batch held.")

    class Meta:
        verbose_name = "readership flush"

    def __str__(self):
        return self.batch
