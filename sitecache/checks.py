from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def page_cache_is_shared(app_configs, **kwargs):
    """With DEBUG off, several processes serve the site: the page cache must be shared."""
    backend = settings.CACHES[settings.PAGE_CACHE_ALIAS]["BACKEND"]
    if settings.PAGE_CACHE_ENABLED and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The page cache uses an in-process cache (LocMemCache). With more than one worker or "
                "app server, each renders and keeps every page for itself (never stale: the version is in "
                "the database), and editors do not see who else has an issue open.",
                hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so that all processes share one cache.",
                id="sitecache.W001",
            )
        ]
    return []
