"""The content version: one value that changes whenever anything a reader sees changes.

Every cached page is stored with the version it was rendered under and served
only while that version is current, so the page cache is never stale. The
version lives in the database (:class:`sitecache.models.ContentVersion`, one
row), not in the cache, so that the cache can fail, fill up or come back with
old data without ever making an old page current again (see docs/architecture.md, Page cache):

* any write to a content model renews it **in the same transaction as the
  write**: saves and deletes through model signals, many-to-many changes, and
  ``update()``, ``bulk_create()`` and ``bulk_update()`` through
  :class:`ContentQuerySet`, which every content model's manager uses. A rollback
  undoes the renewal with the content; a commit publishes both at once. One
  UPDATE per transaction, however many rows it writes (:func:`content_changed`);
* it is also renewed when what is public changes by itself: the moment a
  scheduled issue's publication comes (``PAGE_CACHE_NEXT_CHANGE`` says when),
  with no cron job.

Every request reads the row once (one primary-key SELECT); the page cache
(:mod:`sitecache.middleware`) and the per-process caches of content (the series'
front matter, an issue page's metadata, the archive's counts) key on it.
"""

import contextvars
import itertools
import logging
import uuid
import weakref
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, models, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.module_loading import import_string

from common.signals import post_bulk_create, pre_queryset_update

logger = logging.getLogger(__name__)

#: The content version's row.
ROW = 1


@dataclass(frozen=True)
class ContentState:
    version: str
    #: When the version last changed: the pages' Last-Modified.
    changed_at: datetime
    #: When what is public changes next by itself (a scheduled publication), or None if not known yet.
    next_change: datetime | None


def cache():
    """Where rendered pages are kept (Redis in production): only pages, never the version."""
    return caches[settings.PAGE_CACHE_ALIAS]


def _model():
    return apps.get_model("sitecache", "ContentVersion")


def _connection():
    return transaction.get_connection(router.db_for_write(_model()))


def _moment(stamp):
    return None if stamp is None else datetime.fromtimestamp(stamp, tz=UTC)


# -- the writes of the transaction under way -----------------------------------------
#
# A transaction renews the version with its first content write (an UPDATE of the
# row, inside the transaction). Whether this transaction has done so already is
# known from Django's own commit callbacks, with public APIs only: each renewal
# registers a callback object with ``transaction.on_commit()`` and keeps only a
# weak reference to it. Django drops the callbacks of a savepoint it rolls back
# and of a transaction it rolls back, exactly when the database undoes the UPDATE
# made beside them, and then nothing holds the object any more: the weak
# reference dies. After a commit Django runs the callback, which marks it done.
# So "a live, not yet run callback that renewed" means "this transaction's renewal
# is in place", and no bookkeeping of ours can outlive or disagree with the
# transaction (nothing to empty, nothing a rollback forgets).
#
# Every content write registers such a callback (no query: Django keeps a list).
# They tell readers on the *same* connection (a test's client, a view rendering
# after a save inside one transaction), who do see the uncommitted rows, which
# writes those rows include: the version they see gets the serial of the latest
# live write as a suffix. A rolled-back savepoint drops its writes' callbacks
# with its rows, so the suffix goes back to the one those rows were seen under.
# Other connections see only committed rows, and the plain version; nothing
# kept under a suffix is ever current for them.

_serials = itertools.count(1)
#: Per database connection: weak references to the callbacks of its transaction's writes.
_writes = weakref.WeakKeyDictionary()


class _Write:
    """A content write in the transaction under way, as Django's commit callback."""

    __slots__ = ("serial", "done", "next_change_noted", "__weakref__")

    def __init__(self):
        self.serial, self.done, self.next_change_noted = next(_serials), False, False

    def __call__(self):  # the transaction committed
        self.done = True


class _Record:
    __slots__ = ("renewal", "writes")

    def __init__(self):
        self.renewal = None  # a weak reference to the _Write that renewed the version
        self.writes = []  # weak references to the _Write of every write, oldest first


def _live(ref):
    write = None if ref is None else ref()
    return None if write is None or write.done else write


def _record(connection):
    record = _writes.get(connection)
    if record is None:
        record = _writes[connection] = _Record()
    return record


def _latest_live_write(connection):
    """The latest write of this connection's transaction still in place, or None."""
    record = _writes.get(connection)
    if record is None:
        return None
    writes = record.writes
    while writes:
        write = writes[-1]()
        if write is None:
            writes.pop()  # rolled back with its savepoint: the ones before it may stand
        elif write.done:
            writes.clear()  # committed, and with it every write before it
        else:
            return write
    return None


def content_changed():
    """Something a reader sees has changed: renew the version in this write's transaction, once.

    The first content write of a transaction (or each write, outside one) updates
    the version's row; later writes of the same transaction only note themselves
    for readers on this connection (see above), without a query.
    """
    connection = _connection()
    record = _record(connection)
    renewal = _live(record.renewal)
    if renewal is None:
        _write_row(connection, uuid.uuid4().hex, timezone.now(), None)
    elif renewal.next_change_noted:
        # A reader on this connection worked out the next change from rows this
        # write may change: it is worked out again after the commit.
        _model().objects.using(connection.alias).filter(pk=ROW).update(next_change=None)
        renewal.next_change_noted = False
    _latest_live_write(connection)  # leaves only writes still in place
    write = _Write()
    ref = weakref.ref(write)
    if renewal is None:
        record.renewal = ref
    record.writes.append(ref)
    transaction.on_commit(write, using=connection.alias)  # outside a transaction: runs at once
    _forget_request_version()


def _write_row(connection, version, now, next_change):
    """Set the row (made if missing): one UPDATE, in the transaction under way if there is one."""
    model = _model()
    values = {
        "version": version,
        "changed_at": now.replace(microsecond=0).timestamp(),
        "next_change": None if next_change is None else next_change.timestamp(),
    }
    if not model.objects.using(connection.alias).filter(pk=ROW).update(**values):
        try:
            with transaction.atomic(using=connection.alias):
                model.objects.using(connection.alias).create(pk=ROW, **values)
        except IntegrityError:  # made meanwhile by another process
            model.objects.using(connection.alias).filter(pk=ROW).update(**values)


def new_state(now=None):
    """Start a new content version now, store it and return it (a command, the search index, a schedule)."""
    now = now or timezone.now()
    next_change = _next_change(now)
    connection = _connection()
    version = uuid.uuid4().hex
    _write_row(connection, version, now, next_change)
    _forget_request_version()
    return ContentState(version, _moment(now.replace(microsecond=0).timestamp()), next_change)


def _next_change(now):
    return import_string(settings.PAGE_CACHE_NEXT_CHANGE)(now)


_SELECT = None


def _select():
    global _SELECT
    if _SELECT is None:
        model = _model()
        quote = _connection().ops.quote_name
        _SELECT = f"SELECT version, changed_at, next_change FROM {quote(model._meta.db_table)} WHERE id = {ROW}"
    return _SELECT


def _stored_state(connection):
    """The row as stored (one primary-key SELECT), or None if there is none yet."""
    with connection.cursor() as cursor:
        cursor.execute(_select())
        row = cursor.fetchone()
    if row is None:
        return None
    version, changed_at, next_change = row
    return ContentState(version, _moment(changed_at), _moment(next_change))


def _as_seen(connection, state):
    write = _latest_live_write(connection)
    if write is None:
        return state
    # Uncommitted writes of this connection's own transaction: see the note above.
    return ContentState(f"{state.version}.{write.serial}", state.changed_at, state.next_change)


def read_state():
    """The content state as this connection sees it, or None if there is none yet."""
    connection = _connection()
    stored = _stored_state(connection)
    return None if stored is None else _as_seen(connection, stored)


def current_state(stored, now):
    """The state to serve under: ``stored``, renewed if missing or if a scheduled change's time has come.

    Right after a write the next change is not known yet: it is worked out here,
    from the committed rows, and kept for everyone (only if the version is still
    the one it was worked out for).
    """
    connection = _connection()
    if stored is None:
        with _own_savepoint(connection):
            return new_state(now)
    if stored.next_change is None:
        next_change = _next_change(now)
        version = stored.version.split(".")[0]  # as stored, without this connection's suffix
        with _own_savepoint(connection):
            noted = (
                _model()
                .objects.using(connection.alias)
                .filter(pk=ROW, version=version)
                .update(next_change=next_change.timestamp())
            )
        if noted:
            renewal = _live(_record(connection).renewal)
            if renewal is not None:  # worked out from this transaction's rows: again if it writes more
                renewal.next_change_noted = True
        stored = ContentState(stored.version, stored.changed_at, next_change)
    if now >= stored.next_change:
        with _own_savepoint(connection):
            return new_state(now)
    return stored


def _own_savepoint(connection):
    """A reader's write inside a transaction gets a savepoint of its own, so that a refused
    write (a locked row) leaves the transaction usable (PostgreSQL); outside one each
    statement stands alone and opens no transaction (SQLite's write lock)."""
    return transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()


# -- the version of the request being served ------------------------------------------

#: The row as read once for the request being served (set by the middleware; reset when it ends).
#: Request-scoped, not a queue: it holds one value and is reset on every way out of the request.
_request_version = contextvars.ContextVar("sitecache_request_version", default=None)


class _RequestVersion:
    __slots__ = ("state", "unknown")

    def __init__(self):
        self.state = None
        self.unknown = False  # the database could not say it: not asked again in this request


@contextmanager
def serving():
    """While a request is served, the row is read at most once (the middleware wraps every request in it)."""
    token = _request_version.set(_RequestVersion())
    try:
        yield
    finally:
        _request_version.reset(token)


def _forget_request_version():
    holder = _request_version.get()
    if holder is not None:
        holder.state = None  # a write during the request: what follows reads the version again
        holder.unknown = False


def state_now():
    """The content state to serve under, as this connection sees it; the row is read once per request.

    None when the database cannot say it now (the row locked by a writer, or the
    write that settles a scheduled change refused): then this request is served
    from no cache and keeps nothing in one, and is rendered from the database.
    """
    connection = _connection()
    holder = _request_version.get()
    if holder is not None and holder.unknown:
        return None
    state = None if holder is None else holder.state
    if state is None:
        try:
            state = current_state(_stored_state(connection), timezone.now())
        except DatabaseError:
            logger.warning("The content version could not be read or settled: rendering without caches", exc_info=True)
            if holder is not None:
                holder.unknown = True
            return None
        if holder is not None:
            holder.state = state
    return _as_seen(connection, state)


def version_now():
    """The current content version, as this connection sees it (read once per request).

    Per-process caches of content (the issue document, the series' front matter,
    an issue page's metadata, the archive's counts) key on it, so they follow
    every change the page cache follows. With ``CONTENT_CACHES`` off (the
    benchmark's renders from scratch) it is None, and nothing is kept.
    """
    if not settings.CONTENT_CACHES:
        return None
    state = state_now()
    return None if state is None else state.version


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
        seen = [obj for obj in created if not never_seen_by_readers(obj)]
        if seen:
            post_bulk_create.send(sender=self.model, objs=seen)
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


def never_seen_by_readers(instance):
    """A row that says readers never see it (a working copy's, ``briefs.working_copies``): its writes change no page."""
    hidden = getattr(instance, "never_seen_by_readers", None)
    return hidden is not None and hidden()


def _changed(sender, instance=None, **kwargs):
    if not never_seen_by_readers(instance):
        content_changed()


def connect():
    for model in content_models():
        uid = f"sitecache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
