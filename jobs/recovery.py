"""Jobs whose worker died (``kill -9``, a lost machine) are run again by another worker.

django-tasks' database backend marks a job RUNNING when a worker claims it
and FINISHED or FAILED when the worker is done; a worker killed in between
leaves the row RUNNING for good, and no worker looks at it again. So each
worker started by ``manage.py jobs_worker`` writes a heartbeat
(:class:`~jobs.models.WorkerHeartbeat`) every ``JOBS_HEARTBEAT_SECONDS`` and,
at start and on every beat, puts back in the queue (READY) every RUNNING job
whose worker has not beaten for ``JOBS_WORKER_LOST_AFTER`` seconds. A job whose
worker never wrote a heartbeat (a plain ``db_worker``) is put back only after
``JOBS_UNKNOWN_WORKER_LOST_AFTER``. A job that has lost its worker
``JOBS_MAX_CLAIMS`` times (it keeps killing it: out of memory, say) is marked
FAILED instead of looping.

Running a job twice is safe: every job here is idempotent (a PDF build finds
the PDF current; on PostgreSQL two builds of one issue never overlap, see
:mod:`printing.pdf_files`).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat(worker_id, now=None):
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now or timezone.now()})


def forget(worker_id):
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned(now=None):
    """Put back in the queue the RUNNING jobs whose worker is gone; returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    lost_after = timedelta(seconds=settings.JOBS_WORKER_LOST_AFTER)
    unknown_lost_after = timedelta(seconds=settings.JOBS_UNKNOWN_WORKER_LOST_AFTER)
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    requeued = 0
    for job in DBTaskResult.objects.running().only("id", "worker_ids", "started_at", "task_path"):
        worker = job.worker_ids[-1] if job.worker_ids else None
        seen = beats.get(worker)
        if seen is not None and seen >= now - lost_after:
            continue  # its worker is alive
        if seen is None and job.started_at is not None and job.started_at >= now - unknown_lost_after:
            continue  # a worker without heartbeats: given the benefit of the doubt for a while
        unchanged = DBTaskResult.objects.filter(Q(pk=job.pk), status="RUNNING", started_at=job.started_at)
        if len(job.worker_ids) >= settings.JOBS_MAX_CLAIMS:
            changed = unchanged.update(
                status="FAILED",
                finished_at=now,
                exception_class_path="jobs.recovery.WorkerLost",
                traceback=f"Its worker died {len(job.worker_ids)} times while running it ({', '.join(job.worker_ids)}).",
            )
            if changed:
                logger.error(
                    "Job %s (%s) gave up: its worker died %s times", job.pk, job.task_path, len(job.worker_ids)
                )
            continue
        if unchanged.update(status="READY", started_at=None):
            requeued += 1
            logger.warning("Job %s (%s) lost its worker %s: queued again", job.pk, job.task_path, worker)
    # Heartbeats of workers long gone are of no more use.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return requeued
