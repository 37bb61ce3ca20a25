from django.apps import AppConfig


class SiteCacheConfig(AppConfig):
    """The page cache for anonymous readers, and the content version that keeps it fresh."""

    name = "sitecache"
    verbose_name = "Page cache"

    def ready(self):
        from sitecache import (
            checks,  # noqa: F401  (registers the deploy check)
            versioning,
        )

        versioning.connect()
