"""The stored PDF of each published issue."""

from django.db import models

from briefs.models import Issue
from common.object_storage import configured_storage


def issue_pdf_storage():
    """The storage of built PDFs (``STORAGES["issue_pdfs"]``), not the public media folder."""
    return configured_storage("issue_pdfs")


class IssuePdf(models.Model):
    """The built PDF of a published issue, keyed by the content version it shows.

    A build that failed is recorded too (``failed_version``, ``failure``), so the
    editors are told and the same version is not tried again on every save.
    """

    issue = models.OneToOneField(Issue, on_delete=models.CASCADE, related_name="pdf", verbose_name="issue")
    version = models.CharField(
        "content version",
        max_length=64,
        blank=True,
        help_text="A digest of everything the PDF shows; any change to the issue, its series' about "
        "sections and team, or the layout gives a new one.",
    )
    file = models.FileField("file", storage=issue_pdf_storage, max_length=255, blank=True)
    #: The file this one replaced, kept until the next build for downloads already under way.
    previous_file = models.CharField("previous file", max_length=255, blank=True, editable=False)
    pages = models.PositiveIntegerField("pages", null=True, blank=True)
    #: What feeds give as their enclosure's length.
    size = models.PositiveIntegerField(
        "size (bytes)", null=True, blank=True, help_text="The stored file's size, recorded when it is built."
    )
    build_seconds = models.FloatField("build time (s)", null=True, blank=True)
    built_at = models.DateTimeField("built at", null=True, blank=True)
    missing_glyphs = models.CharField(
        "characters the fonts lack",
        max_length=200,
        blank=True,
        help_text="Characters of the issue that the PDF's fonts cannot print; they come out in another "
        "font or as a box.",
    )
    failed_version = models.CharField("version that failed to build", max_length=64, blank=True)
    failure = models.TextField("why the build failed", blank=True)
    failed_at = models.DateTimeField("failed at", null=True, blank=True)
    #: Builds of ``failed_version`` that failed in a row; the background worker tries again at ``next_retry_at``.
    attempts = models.PositiveSmallIntegerField("failed attempts", default=0)
    next_retry_at = models.DateTimeField(
        "next attempt",
        null=True,
        blank=True,
        help_text="Empty once the attempts are used up: save the issue, or run “manage.py build_pdfs --retry”.",
    )

    class Meta:
        # Made by briefs before printing was an app of its own; the table kept its name.
        db_table = "briefs_issuepdf"
        verbose_name = "issue PDF"
        verbose_name_plural = "issue PDFs"

    def __str__(self):
        return f"PDF of {self.issue}"
