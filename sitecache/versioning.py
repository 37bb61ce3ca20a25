"""The content version: one value that changes whenever anything a reader sees changes.

Every cached page is stored with the version it was rendered under and served
only while that version is current, so the page cache is never stale:

* any write to a content model bumps the version: saves and deletes through model
  signals, many-to-many changes, and ``update()``, ``bulk_create()`` and
  ``bulk_update()`` through :class:`ContentQuerySet`, which every content model's
  manager uses;
* the version is also renewed when what is public changes by itself: the moment
  a scheduled issue's publication comes (``PAGE_CACHE_NEXT_CHANGE`` says when),
  with no cron job.

The version lives in the cache (``STATE_KEY``), so with a shared cache (Redis)
every worker and every app server sees a change on its next request. A write
bumps it at once and again when its transaction commits, so that nothing
rendered from the old data in between outlives the commit.
"""

import logging
import threading
from contextlib import contextmanager
import uuid
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

STATE_KEY = "sitecache:state"


@dataclass(frozen=True)
class ContentState:
    version: str
    #: When the version last changed: the pages' Last-Modified.
    changed_at: datetime
    #: When what is public changes next by itself (a scheduled publication), or None.
    next_change: datetime | None


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _encode(state):
    next_change = "" if state.next_change is None else str(state.next_change.timestamp())
    return f"{state.version}|{state.changed_at.timestamp()}|{next_change}"


def _decode(text):
    version, changed_at, next_change = text.split("|")
    moment = lambda stamp: datetime.fromtimestamp(float(stamp), tz=dt_timezone.utc)  # noqa: E731
    return ContentState(version, moment(changed_at), moment(next_change) if next_change else None)


def read_state():
    """The stored content state, or None: one short read, as plain text where the cache allows."""
    store = cache()
    try:
        text = store.get_text(STATE_KEY) if hasattr(store, "get_text") else store.get(STATE_KEY)
        return None if text is None else _decode(text)
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None  # written by an older version of the site: a new state replaces it


def _write_state(state):
    store = cache()
    if hasattr(store, "set_text"):
        store.set_text(STATE_KEY, _encode(state))
    else:
        store.set(STATE_KEY, _encode(state), timeout=None)


def _next_change(now):
    return import_string(settings.PAGE_CACHE_NEXT_CHANGE)(now)


def new_state(now=None):
    """Start a new content version, store it and return it."""
    now = now or timezone.now()
    state = ContentState(version=uuid.uuid4().hex, changed_at=now.replace(microsecond=0), next_change=_next_change(now))
    _write_state(state)
    _request_state.state = None  # a write during a request: what follows sees the new version
    return state


def current_state(stored, now):
    """The state to serve under: ``stored``, unless it is missing or a publication time has come."""
    if stored is None or (stored.next_change is not None and now >= stored.next_change):
        return new_state(now)
    return stored


_request_state = threading.local()


def serving_under(state):
    """Note the state the current request is served under (the middleware calls this)."""
    _request_state.state = state


def version_now():
    """The current content version: the one this request is served under, else the cache's.

    Per-process caches of content (the issue document, the series' front matter)
    key on it, so they follow every change the page cache follows. None when the
    cache is down, and with ``CONTENT_CACHES`` off (the benchmark's renders from
    scratch): then nothing is kept.
    """
    if not settings.CONTENT_CACHES:
        return None
    state = getattr(_request_state, "state", None)
    if state is None:
        try:
            state = current_state(read_state(), timezone.now())
        except Exception:
            return None
    return state.version


_rolled_back = threading.local()


def writes_are_rolled_back():
    """Whether the writes being made now will be rolled back (see :func:`writes_rolled_back`)."""
    return bool(getattr(_rolled_back, "depth", 0))


@contextmanager
def writes_rolled_back():
    """Writes inside are undone before anyone reads them (a savepoint rolled back): they renew nothing.

    For trying out changes that readers must not see (``briefs.pending``). A
    renewal there would only throw away every cached page for nothing.
    """
    _rolled_back.depth = getattr(_rolled_back, "depth", 0) + 1
    try:
        yield
    finally:
        _rolled_back.depth -= 1


def content_changed():
    """Something a reader sees has changed: start a new version now and when the transaction commits.

    Now, so that nothing rendered from here on is kept under the old version; at
    the commit (registered once per transaction, however many rows it writes),
    so that nothing rendered from the old data in between outlives it.
    """
    if getattr(_rolled_back, "depth", 0):
        return
    try:
        new_state()
    except Exception:  # the cache is down: pages are not being cached either
        logger.exception("Could not renew the content version")
    connection = transaction.get_connection()
    if not (connection.in_atomic_block and any(entry[1] is _renew_after_commit for entry in connection.run_on_commit)):
        transaction.on_commit(_renew_after_commit)


def _renew_after_commit():
    try:
        new_state()
    except Exception:
        logger.exception("Could not renew the content version after a commit")


#: Bulk writes send no model signals. These two let whatever else follows
#: content writes (the search index) follow them too, as the content version does:
#:
#: ``pre_queryset_update``: before ``update(**values)``, while ``queryset`` still
#: selects the rows it is about to change (the update may change what it selects).
#: ``bulk_update()`` sends it too: Django makes it an ``update()`` of this queryset.
#: ``post_bulk_create``: after ``bulk_create()``, with the created ``objs``.
pre_queryset_update = Signal()
post_bulk_create = Signal()


class ContentQuerySet(models.QuerySet):
    """A queryset whose bulk writes renew the content version, as saves do."""

    def update(self, **kwargs):
        pre_queryset_update.send(sender=self.model, queryset=self, values=kwargs)
        rows = super().update(**kwargs)
        if rows:
            content_changed()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            post_bulk_create.send(sender=self.model, objs=created)
            content_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            content_changed()
        return rows


def content_models():
    """The models whose rows readers see: every model of ``PAGE_CACHE_CONTENT_APPS`` but the ignored ones."""
    ignored = {label.lower() for label in settings.PAGE_CACHE_IGNORED_MODELS}
    return [
        model
        for label in settings.PAGE_CACHE_CONTENT_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label_lower not in ignored
    ]


def _changed(sender, **kwargs):
    content_changed()


def connect():
    for model in content_models():
        uid = f"sitecache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
