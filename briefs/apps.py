from django.apps import AppConfig


class BriefsConfig(AppConfig):
    """Series, issues and their parts, and the issue document every output is made from."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "briefs"
    verbose_name = "Series and issues"

    def ready(self):
        from briefs import front_matter, revisions  # noqa: F401 (revisions registers the models)

        front_matter.connect()
