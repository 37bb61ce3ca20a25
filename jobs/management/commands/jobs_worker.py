"""Run a background worker: django-tasks' ``db_worker`` with a heartbeat, so jobs of a killed worker are run again."""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.crypto import get_random_string

from jobs import recovery
from jobs.periodic import Every

logger = logging.getLogger("jobs.worker")


class Command(BaseCommand):
    help = (
        "Run the background worker (PDF builds, proofreading PDFs, search-index updates, the readership flush). "
        "It is django-tasks' db_worker, plus a heartbeat: a job left running by a worker that "
        "died is queued again (see docs/architecture.md, Background jobs). Stop it with Ctrl-C or SIGTERM; it finishes "
        "the job it is running first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.JOBS_POLL_SECONDS,
            help="seconds between looks at an empty queue (default: JOBS_POLL_SECONDS)",
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--worker-id", default=None, help="unique per worker (default: random)")

    def handle(self, *args, interval, batch, worker_id, **options):
        worker_id = worker_id or get_random_string(32)
        recovery.beat(worker_id)
        recovery.requeue_abandoned()
        stop = threading.Event()
        # The heartbeat runs beside the job in this worker process (never in a web worker).
        heart = threading.Thread(target=self._beat, args=(worker_id, stop), name="jobs-heartbeat", daemon=True)
        heart.start()
        try:
            call_command(
                "db_worker",
                worker_id=worker_id,
                interval=interval,
                batch=batch,
                reload=False,
                startup_delay=False,
                queue_name="*",
                verbosity=options["verbosity"],
                stdout=self.stdout,
            )
        finally:
            stop.set()
            heart.join(timeout=5)
            recovery.forget(worker_id)

    def _beat(self, worker_id, stop):
        # Jobs enqueued every so often (JOBS_EVERY: the readership flush), on the same beat.
        every = Every(settings.JOBS_EVERY)
        try:
            every.enqueue_due()
            while not stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    recovery.beat(worker_id)
                    recovery.requeue_abandoned()
                except Exception:  # the database away for a moment: try again on the next beat
                    logger.exception("Could not write the heartbeat of worker %s", worker_id)
                    connections.close_all()
                every.enqueue_due()
        finally:
            connections.close_all()
