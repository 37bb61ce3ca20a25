"""Where the shared copies of rendered pages go: Redis through redis-py's public client, or Django's cache.

Django's ``RedisCache`` builds a new ``redis.Redis`` client on every call
(about 0.15 ms, as much as the rest of a cache hit). With a Redis cache
configured, pages are read and written through one ``redis.Redis`` per process
instead, built from the same settings (``LOCATION``, ``KEY_PREFIX``, ``OPTIONS``:
the timeouts); redis-py's client and its connection pool are thread-safe. With
any other cache (the in-process one by default), Django's cache API is used.

Only pages go here, never the content version (it is in the database), so
whatever this store loses, refuses or brings back from old saved data can make
a reader wait for a rendering, never show an old page.
"""

import pickle

import redis
from django.conf import settings
from django.core.cache import caches

_REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
_stores = {}


class RedisPages:
    def __init__(self, location, prefix, options):
        self._client = redis.Redis.from_url(location, **options)
        self._prefix = f"{prefix}:" if prefix else ""

    def get(self, key):
        data = self._client.get(self._prefix + key)
        return None if data is None else pickle.loads(data)

    def set(self, key, entry, timeout):
        self._client.set(self._prefix + key, pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), ex=timeout)


class DjangoCachePages:
    def __init__(self, alias):
        self._alias = alias

    def get(self, key):
        return caches[self._alias].get(key)

    def set(self, key, entry, timeout):
        caches[self._alias].set(key, entry, timeout)


def page_store():
    """The store for ``PAGE_CACHE_ALIAS``'s settings (made once per process and settings)."""
    config = settings.CACHES[settings.PAGE_CACHE_ALIAS]
    options = config.get("OPTIONS", {})
    marker = (config["BACKEND"], config.get("LOCATION"), config.get("KEY_PREFIX", ""), tuple(sorted(options.items())))
    store = _stores.get(marker)
    if store is None:
        if config["BACKEND"] == _REDIS_BACKEND and isinstance(config.get("LOCATION"), str):
            store = RedisPages(config["LOCATION"], config.get("KEY_PREFIX", ""), options)
        else:
            store = DjangoCachePages(settings.PAGE_CACHE_ALIAS)
        _stores[marker] = store
    return store
