"""What the job machinery keeps besides django-tasks' own rows: which workers are alive."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker (``manage.py jobs_worker``) says here, every few seconds, that it is alive.

    A task left RUNNING by a worker whose heartbeat stopped (``kill -9``, a lost
    machine) is put back in the queue by the next worker (:mod:`jobs.recovery`).
    """

    worker_id = models.CharField("worker id", max_length=64, primary_key=True)
    seen_at = models.DateTimeField("last seen", db_index=True)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self):
        return f"{self.worker_id} (seen {self.seen_at:%Y-%m-%d %H:%M:%S})"
