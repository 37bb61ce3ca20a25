from django.apps import AppConfig


class ReadershipConfig(AppConfig):
    """How many readers each issue had: views of its page and downloads of its PDF, per day (docs/architecture.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "readership"
    verbose_name = "Readership"
