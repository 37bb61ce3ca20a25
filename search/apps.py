from django.apps import AppConfig


class SearchConfig(AppConfig):
    """The search index of published issues and the text rules it follows."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from search import index

        index.connect()
