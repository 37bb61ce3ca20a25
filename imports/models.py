import uuid

from django.conf import settings
from django.db import models


class ImportPreview(models.Model):
    """What an import's preview showed, kept on the server until it is confirmed, discarded or an hour old.

    Made and read only through :mod:`imports.previews`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_previews", verbose_name="made by"
    )
    kind = models.CharField("kind of import", max_length=60, help_text="E.g. “people.fellows”.")
    created_at = models.DateTimeField("made at", db_index=True)
    payload = models.JSONField("what the preview showed", help_text="What the confirmation needs, as JSON.")
    data = models.BinaryField(
        "uploaded file", null=True, blank=True, help_text="The file itself, if the import needs it."
    )

    class Meta:
        verbose_name = "import preview"
        verbose_name_plural = "import previews"
        indexes = [models.Index(fields=["user", "kind", "created_at"], name="imports_preview_user_kind")]

    def __str__(self):
        return f"{self.kind} preview by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"
