"""Counting readers: a view of an issue's page or a download of its PDF, per issue and day.

What is counted (the issue's words): a GET of the issue page or of its PDF answered
200 or 304, page-cache hits and 304s included, from a client that is not a robot
(:mod:`readership.robots`). Requests with a session cookie are editors (the public
site signs nobody in) and are not counted: an editor's previews and checks are not
readers. Nothing is set on the reader: no cookie.

**Double clicks.** Requests for the same item by one client within
``READERSHIP_DOUBLE_CLICK_SECONDS`` (30) count once, as COUNTER's double-click rule
asks. The client is a SHA-256 of the day's salt, its address (``common.clients``)
and its user agent; only that digest is kept, for 30 seconds, in the shared cache.
The salt is random (``secrets``), one per day, held only in the shared cache under
that day's key with a two-day expiry (and in each process's memory for the day): it is
never written to the database or a log, so once it expires nobody can tell which
address made a digest.

**Where counts go.** With ``REDIS_URL`` (production), a Lua script sets the double-click
key if it is not there and, only then, adds one to the count's field in the hash of
counts (``HINCRBY``), atomically in Redis; the flush job (:mod:`readership.flush`)
moves the hash into the database. Each process notes its counts and sends them in one
round trip (:class:`_Sender`, redis-py's pipeline) when ``READERSHIP_SEND_BATCH`` wait, when
the oldest has waited ``READERSHIP_SEND_SECONDS`` and a request comes, or at exit. A round
trip per count cost cached pages a tenth of their speed (docs/benchmarks.md). Counts that
cannot be sent go to the database. Without Redis (development
on SQLite) the double-click key goes to Django's cache and the count straight to the
database.

**Never a failed page.** Counting runs after the response is made and any error in it
is logged, never raised. If Redis fails, this process counts into the database for
``PAGE_CACHE_RETRY_SECONDS`` (with the double-click keys in its own memory) before
trying Redis again.
"""

import atexit
import datetime
import hashlib
import logging
import os
import secrets
import threading
import time
from typing import NamedTuple

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.urls import Resolver404, resolve
from django.utils import timezone

from briefs.models import Issue
from common.clients import client_ip
from common.lru import LRU
from readership.models import DailyCount
from readership.robots import is_robot

logger = logging.getLogger(__name__)

VIEW, DOWNLOAD = "view", "download"

#: The URL names whose answers are counted, and as what.
COUNTED_URLS = {"reader:issue_detail": VIEW, "reader:issue_pdf": DOWNLOAD}

_items_of_paths = LRU(2048)
_NOT_COUNTED = ("", "", 0)


def counted_item(path):
    """``(kind, series slug, number)`` if ``path`` is an issue's page or PDF, else None (remembered per path)."""
    item = _items_of_paths.get(path)
    if item is None:
        item = _NOT_COUNTED
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is not None and match.view_name in COUNTED_URLS:
            item = (COUNTED_URLS[match.view_name], match.kwargs["series_slug"], int(match.kwargs["number"]))
        _items_of_paths.put(path, item)
    return None if item is _NOT_COUNTED else item


def count_request(request, response):
    """Count ``request`` if it is a reader's view or download (see the module's note); never raises."""
    try:
        if _sender.pending:  # counts waiting in this process go when they are due, whatever this request is
            _send_or_fall_back(_sender.send_if_due)
        if request.method != "GET" or response.status_code not in (200, 304):
            return False
        item = counted_item(request.path_info)
        if item is None:
            return False
        config = _config()
        if not config.counting or config.session_cookie in request.COOKIES:
            return False
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        if is_robot(user_agent):
            return False
        day = today()
        return _record(config, _double_click_key(config, day, client_ip(request) or "", user_agent, item), day, item)
    except Exception:
        logger.exception("Could not count a request for %s", request.path)
        return False


class _Config(NamedTuple):
    counting: bool
    session_cookie: str
    prefix: str
    window: int
    redis_url: str


_configs = []


def _config():
    """The settings counting reads, read once (a cached hit pays no settings look-ups); renewed when a test changes one."""
    if not _configs:
        _configs.append(
            _Config(
                settings.READERSHIP_COUNTING,
                settings.SESSION_COOKIE_NAME,
                settings.READERSHIP_REDIS_PREFIX,
                settings.READERSHIP_DOUBLE_CLICK_SECONDS,
                settings.REDIS_URL,
            )
        )
    return _configs[0]


@receiver(setting_changed)
def _forget_config(**kwargs):
    _configs.clear()
    _days.clear()


_days = []


def today():
    """The site's date now (``timezone.localdate()``, worked out again only after midnight)."""
    now = time.time()
    if _days and now < _days[0][1]:
        return _days[0][0]
    day = timezone.localdate()
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    _days[:] = [(day, timezone.make_aware(midnight).timestamp())]
    return day


def _double_click_key(config, day, address, user_agent, item):
    kind, series_slug, number = item
    digest = hashlib.sha256(
        "\n".join([daily_salt(day), address, user_agent, kind, series_slug, str(number)]).encode()
    ).hexdigest()
    return f"{config.prefix}:click:{digest}"


# ---- The day's salt --------------------------------------------------------------------------------------

_salts = {}
_salts_lock = threading.Lock()


def daily_salt(day):
    """The day's random salt: made by the first process that needs it, shared through the cache, never stored."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    with _salts_lock:
        salt = _salts.get(day)
        if salt is None:
            key = f"{settings.READERSHIP_REDIS_PREFIX}:salt:{day.isoformat()}"
            made = secrets.token_hex(32)
            try:
                cache = caches[settings.PAGE_CACHE_ALIAS]
                cache.add(key, made, 2 * 24 * 60 * 60)  # the first process's salt wins
                salt = cache.get(key) or made
            except Exception as error:
                # A salt of this process's own: a reader served by two processes may count twice today.
                logger.warning(
                    "The shared cache could not give the day's readership salt (%s); using this process's own", error
                )
                salt = made
            _salts.clear()  # yesterday's salt is forgotten
            _salts[day] = salt
    return salt


# ---- Where counts go -------------------------------------------------------------------------------------

#: One round trip: the double-click key, and the count only if the key was not there.
_COUNT_SCRIPT = """
if redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then
    redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
    return 1
end
return 0
"""


def counts_key():
    """The Redis hash of counts not yet flushed: field ``day|kind|number|series slug``, value the count."""
    return f"{settings.READERSHIP_REDIS_PREFIX}:counts"


def count_field(day, item):
    kind, series_slug, number = item
    return f"{day.isoformat()}|{kind}|{number}|{series_slug}"


def parse_count_field(field):
    day, kind, number, series_slug = field.split("|", 3)
    return day, kind, int(number), series_slug


class _Unsent(Exception):
    """Counts that could not be sent to Redis: ``entries`` is ``[(double-click key, count field)]``."""

    def __init__(self, entries, error):
        super().__init__(str(error))
        self.entries, self.error = entries, error


class _Sender:
    """This process's counts on their way to Redis, sent in batches through redis-py's pipeline.

    Counts are sent when ``READERSHIP_SEND_BATCH`` are waiting, or the oldest has waited
    ``READERSHIP_SEND_SECONDS`` when a request (any request) comes to this process, or when
    the process exits: one round trip per batch, whose answers are read (a write per count
    cost cached pages a tenth of their speed). A process killed outright (SIGKILL) loses
    what waits: at most a batch, or that many seconds of its readers.
    """

    def __init__(self):
        self.pending, self.pending_pid, self.since = [], None, 0.0
        self.lock = threading.Lock()

    def add(self, key, field):
        with self.lock:
            if self.pending_pid != os.getpid():  # a forked process: its parent sends what it noted
                self.pending, self.pending_pid = [], os.getpid()
            if not self.pending:
                self.since = time.monotonic()
            self.pending.append((key, field))
            if len(self.pending) >= settings.READERSHIP_SEND_BATCH or self._due():
                self._send_pending()

    def send_if_due(self):
        if self.pending and self._due():
            with self.lock:
                if self.pending and self._due():
                    self._send_pending()

    def send_now(self):
        with self.lock:
            if self.pending:
                self._send_pending()

    def _due(self):
        return time.monotonic() - self.since >= settings.READERSHIP_SEND_SECONDS

    def _send_pending(self):
        entries, self.pending = self.pending, []
        config = _config()
        counts = f"{config.prefix}:counts"
        try:
            client = redis_client()
            script = _scripts.get(id(client))
            if script is None:
                _scripts.clear()
                script = _scripts[id(client)] = client.register_script(_COUNT_SCRIPT)
            pipeline = client.pipeline(transaction=False)
            for key, field in entries:
                script(keys=[key, counts], args=[config.window, field], client=pipeline)
            pipeline.execute()
        except Exception as error:
            raise _Unsent(entries, error) from error


_scripts = {}
_sender = _Sender()


@atexit.register
def _send_at_exit():
    """A web worker that stops (gunicorn's restart, a deployment) sends what waits; if it cannot, into the database."""
    try:
        _send_or_fall_back(_sender.send_now)
    except Exception:
        logger.exception("Could not send the readership counts waiting at exit")


_clients = {}


def redis_client():
    """A redis-py client for ``REDIS_URL``, with the cache's timeouts (one per process)."""
    client = _clients.get(settings.REDIS_URL)
    if client is None:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=settings.REDIS_TIMEOUT, socket_timeout=settings.REDIS_TIMEOUT
        )
        _clients.clear()
        _clients[settings.REDIS_URL] = client
    return client


class _Fallback:
    """After Redis fails, this process counts into the database for a while, with double clicks in its memory."""

    def __init__(self):
        self.until = 0.0
        self.seen = LRU(10_000)

    def active(self):
        return time.monotonic() < self.until

    def start(self, error):
        self.until = time.monotonic() + settings.PAGE_CACHE_RETRY_SECONDS
        logger.warning(
            "Readership counts could not reach Redis (%s); counting into the database for %s s",
            error,
            settings.PAGE_CACHE_RETRY_SECONDS,
        )

    def first_click(self, key):
        now = time.monotonic()
        expires = self.seen.get(key)
        if expires is not None and expires > now:
            return False
        self.seen.put(key, now + settings.READERSHIP_DOUBLE_CLICK_SECONDS)
        return True

    def clear(self):
        self.until = 0.0
        self.seen.clear()


_fallback = _Fallback()


def _send_or_fall_back(send):
    """Run ``send``; counts it could not send go to the database (double clicks judged in this process's memory)."""
    try:
        send()
    except _Unsent as unsent:
        _fallback.start(unsent.error)
        counts = {}
        for key, field in unsent.entries:
            if _fallback.first_click(key):
                parsed = parse_count_field(field)
                counts[parsed] = counts.get(parsed, 0) + 1
        if counts:
            add_to_database(counts)


def _record(config, key, day, item):
    window = config.window
    if config.redis_url:
        if not _fallback.active():
            _send_or_fall_back(lambda: _sender.add(key, count_field(day, item)))
            return True  # noted; whether it was a double click only Redis knows
        first = _fallback.first_click(key)
    else:
        first = caches[settings.PAGE_CACHE_ALIAS].add(key, 1, window)  # development: no Redis
    if first:
        kind, series_slug, number = item
        add_to_database({(day, kind, number, series_slug): 1})
    return first


# ---- The database ----------------------------------------------------------------------------------------


def issues_by_address(addresses):
    """``{(series slug, number): issue id}`` for the issues (not working copies) at these addresses."""
    slugs = {slug for slug, _number in addresses}
    numbers = {number for _slug, number in addresses}
    found = Issue.objects.originals().filter(series__slug__in=slugs, number__in=numbers)
    return {(slug, number): pk for pk, slug, number in found.values_list("pk", "series__slug", "number")}


def add_to_database(counts):
    """Add ``{(day, kind, number, series slug): n}`` to the daily counts; returns the counts of no issue (dropped).

    ``day`` is a date or its ISO text. Call it inside a transaction to add all or nothing.
    """
    issue_ids = issues_by_address({(slug, number) for _day, _kind, number, slug in counts})
    totals, dropped = {}, 0
    for (day, kind, number, slug), n in counts.items():
        issue_id = issue_ids.get((slug, number))
        if issue_id is None:  # deleted or renumbered since: nobody can be shown these
            dropped += n
            continue
        views, downloads = totals.get((issue_id, str(day)), (0, 0))
        totals[(issue_id, str(day))] = (views + n, downloads) if kind == VIEW else (views, downloads + n)
    for (issue_id, day), (views, downloads) in sorted(totals.items()):
        add_counts(issue_id, day, views=views, downloads=downloads)
    if dropped:
        logger.info("%s readership counts were for issues no longer at their address; dropped", dropped)
    return dropped


def add_counts(issue_id, day, *, views=0, downloads=0):
    """Add to one issue's count of a day: an UPDATE, or a new row (another writer's new row is then updated)."""
    same = DailyCount.objects.filter(issue_id=issue_id, day=day)
    if same.update(views=F("views") + views, downloads=F("downloads") + downloads):
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(issue_id=issue_id, day=day, views=views, downloads=downloads)
    except IntegrityError:  # made by another request between the two statements
        same.update(views=F("views") + views, downloads=F("downloads") + downloads)
