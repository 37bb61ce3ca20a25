from django.db import models


class ContentVersion(models.Model):
    """The site's content version: one row (id 1), the page cache's source of truth.

    Renewed in the same transaction as the content it covers (``sitecache.versioning``),
    so a rolled-back write never renews it and a committed one always has. Times are
    seconds since the epoch (plain numbers: read with one raw query on every request).
    """

    version = models.CharField(max_length=32)
    #: When the version last changed: the pages' Last-Modified.
    changed_at = models.FloatField()
    #: When what is public next changes by itself (a scheduled publication). Null right
    #: after a content write: the next reader works it out from the committed rows.
    next_change = models.FloatField(null=True)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return self.version
