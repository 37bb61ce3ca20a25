"""The flush job: moves the counts from Redis into ``DailyCount``, each count exactly once.

1. A Lua script renames the hash of counts to a new batch key and notes the batch in
   the set of pending batches, atomically: requests counting meanwhile start a new hash.
2. For each pending batch (this one, and any a crashed flush left), in one transaction:
   a :class:`~readership.models.Flush` row named after the batch, then the batch's counts
   added to ``DailyCount``. The row's unique name makes a second flush of the same batch
   fail before it adds anything (a retried job, or two workers at once: the second waits
   for the first's commit, then finds the row).
3. After the commit the batch is deleted from Redis and from the pending set.

A crash before the commit leaves the batch pending in Redis, to be added by the next
flush; a crash after it leaves a batch whose row says it is added: the next flush only
deletes it. Redis is a cache that may lose data: if it restarts without its data, the
counts of at most one flush period are lost (``READERSHIP_FLUSH_SECONDS``, 60 s).

The worker enqueues the job every ``READERSHIP_FLUSH_SECONDS`` (``JOBS_EVERY``, run by
``manage.py jobs_worker``'s heartbeat).
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from readership.counting import add_to_database, counts_key, parse_count_field, redis_client
from readership.models import Flush

logger = logging.getLogger(__name__)

#: Flush rows are needed only while their batch may still be in Redis.
KEEP_FLUSH_ROWS = datetime.timedelta(days=7)

_TAKE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('RENAME', KEYS[1], KEYS[2])
    redis.call('SADD', KEYS[3], KEYS[2])
    return 1
end
return 0
"""


def pending_key():
    return f"{settings.READERSHIP_REDIS_PREFIX}:batches"


@task()
def flush_counts():
    """The job: add the counts waiting in Redis to the database. Returns how many were added."""
    return flush()


def flush(*, client=None):
    if not settings.REDIS_URL:
        return 0  # counted straight into the database
    client = client or redis_client()
    batch = f"{settings.READERSHIP_REDIS_PREFIX}:batch:{timezone.now():%Y%m%dT%H%M%S}-{secrets.token_hex(6)}"
    client.eval(_TAKE_SCRIPT, 3, counts_key(), batch, pending_key())
    added = 0
    for pending in sorted(name.decode() for name in client.smembers(pending_key())):
        added += flush_batch(client, pending)
    Flush.objects.filter(flushed_at__lt=timezone.now() - KEEP_FLUSH_ROWS).delete()
    return added


def flush_batch(client, batch):
    """Add one batch's counts unless a Flush row says they are added; then delete the batch from Redis."""
    counts = {}
    for field, value in client.hgetall(batch).items():
        counts[parse_count_field(field.decode())] = int(value)
    total = sum(counts.values())
    try:
        with transaction.atomic():
            Flush.objects.create(batch=batch, counted=total)  # first: a second flush of the batch stops here
            add_to_database(counts)
    except IntegrityError:
        if not Flush.objects.filter(batch=batch).exists():
            raise
        logger.info("Readership batch %s was already added; deleting it", batch)
        total = 0
    client.delete(batch)
    client.srem(pending_key(), batch)
    return total
