"""Jobs enqueued with the writes that call for them: durable, never for rolled-back writes.

**With the database backend** (``django_tasks_db``, production) a job is a row
written *inside* the transaction of the writes that call for it. A commit keeps
the job, even if the web process dies the next instant; a rollback, or a
rolled-back savepoint, removes it with the writes. There is nothing to run
"after the commit" that a crash could lose.

**With any other backend** (the ``ImmediateBackend`` the tests use) the job is
enqueued once the transaction commits (``transaction.on_commit``, whose
callbacks Django drops with a rolled-back savepoint).

**One job per issue per transaction.** Model signals fire per row: saving an
issue with ten questions fires eleven. Inside :func:`one_job_per_issue` (the
admin's issue form and workflow steps, the demo loader) a signal only notes its
issues in the block's own collection; when the block ends, still inside its
transaction, each kind of job is enqueued once for the issues noted. Outside
such a block each signal enqueues at once: more rows, the same outcome (jobs
are idempotent: a second one finds the work done). The collection lives only as
long as the ``with`` block; it is not a queue that outlives a transaction.

**Never for rolled-back writes.** A rolled-back transaction takes its jobs
with it. A savepoint rolled back inside :func:`one_job_per_issue` still gets
its issues' job: the job then finds nothing changed and does nothing (the one
imprecision, harmless).
"""

import contextvars
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

_collection = contextvars.ContextVar("jobs_collection", default=None)


def stores_jobs_in_database(task):
    """Whether ``task``'s backend keeps jobs as rows of this database (django-tasks-db)."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task, *args, run_after=None, **kwargs):
    """Enqueue ``task`` with the current transaction (see the module's note).

    ``run_after``: not before then (a retry's backoff). A backend that cannot
    defer (the tests' ImmediateBackend) drops a deferred job with a log line:
    the next change, or ``build_pdfs``, does its work.
    """
    if run_after is not None:
        if not task.get_backend().supports_defer:
            logger.info("Not retrying %s%s later: the task backend cannot defer jobs", task.name, args)
            return None
        task = task.using(run_after=run_after)
    if stores_jobs_in_database(task):
        return task.enqueue(*args, **kwargs)
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
    return None


def enqueue_unless_waiting(task, *args):
    """Enqueue ``task`` unless a job of it with these arguments waits or runs (a reader's request asking for a build)."""
    if stores_jobs_in_database(task):
        from django_tasks_db.models import DBTaskResult

        unfinished = DBTaskResult.objects.filter(
            task_path=task.module_path, status__in=["READY", "RUNNING"], args_kwargs={"args": list(args), "kwargs": {}}
        )
        if unfinished.exists():
            return None
    return enqueue(task, *args)


def changed(enqueue_for, ids=(), issue_filter=None):
    """Issues changed: ``enqueue_for(ids, filters)`` enqueues their jobs, now or at the end of the collecting block.

    ``ids``: issue ids; ``issue_filter``: a Q on Issue for issues found from the
    rows when the jobs are enqueued (a series, a person).
    """
    ids = {i for i in ids if i is not None}
    filters = [] if issue_filter is None else [issue_filter]
    collection = _collection.get()
    if collection is None:
        if ids or filters:
            enqueue_for(ids, filters)
        return
    noted_ids, noted_filters = collection.setdefault(enqueue_for, (set(), []))
    noted_ids.update(ids)
    noted_filters.extend(filters)


@contextmanager
def one_job_per_issue():
    """A transaction whose writes enqueue each kind of job once per issue, when it ends (see the module's note).

    Nested blocks add to the outermost one. An exception enqueues nothing: the
    transaction is rolled back with its writes.
    """
    if _collection.get() is not None:
        yield
        return
    collection = {}
    token = _collection.set(collection)
    try:
        with transaction.atomic():
            yield
            _collection.reset(token)
            token = None
            for enqueue_for, (ids, filters) in collection.items():
                if ids or filters:
                    enqueue_for(ids, filters)
    finally:
        if token is not None:
            _collection.reset(token)


def backoff(attempt, delays, *, after=None):
    """When attempt number ``attempt + 1`` should run, ``attempt`` having failed ``after`` (now), or None once ``delays`` are used up."""
    if attempt > len(delays):
        return None
    return (after or timezone.now()) + timedelta(seconds=delays[attempt - 1])
