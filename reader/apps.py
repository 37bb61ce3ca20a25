from django.apps import AppConfig


class ReaderConfig(AppConfig):
    """The public site: pages, archive, feeds, sitemaps, metadata and citations."""

    name = "reader"
    verbose_name = "Public site"
