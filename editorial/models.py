from django.conf import settings
from django.db import models


class ImportedWordFile(models.Model):
    """A Word file an issue was imported from, so the same file imported again is named in the preview."""

    issue = models.ForeignKey(
        "briefs.Issue", on_delete=models.CASCADE, related_name="imported_word_files", verbose_name="issue"
    )
    sha256 = models.CharField(
        "content hash", max_length=64, db_index=True, help_text="SHA-256 of the file's bytes, in hexadecimal."
    )
    filename = models.CharField("file name", max_length=200, help_text="The name the file was uploaded with.")
    imported_at = models.DateTimeField("imported at")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="imported by",
    )

    class Meta:
        verbose_name = "imported Word file"
        verbose_name_plural = "imported Word files"
        ordering = ["-imported_at", "pk"]

    def __str__(self):
        return f"{self.filename}, imported {self.imported_at:%Y-%m-%d}"
