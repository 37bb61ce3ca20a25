from django.apps import AppConfig


class CrossrefConfig(AppConfig):
    """DOIs registered with Crossref: each issue's deposit, sent by the worker, and what Crossref answered."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "crossref"
    verbose_name = "Crossref deposits"

    def ready(self):
        from crossref import deposits

        deposits.connect()
