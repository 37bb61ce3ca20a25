"""Jobs the worker enqueues every so many seconds (``JOBS_EVERY``), from its heartbeat.

Each entry names a task by its dotted path (the apps that own them sit above ``jobs``)
and its period. A job is enqueued when its period has passed, unless one of it is still
waiting or running: a slow or stopped worker never piles them up. With several workers
each enqueues on its own clock; the jobs must be safe to run twice (the readership flush is).
"""

import logging
import time

from django.utils.module_loading import import_string

from jobs import queue

logger = logging.getLogger("jobs.worker")


class Every:
    """The schedule of ``JOBS_EVERY``: ``enqueue_due()`` enqueues each job whose period has passed (the first at once)."""

    def __init__(self, schedule, clock=time.monotonic):
        self.schedule, self.clock = list(schedule), clock
        self.due = dict.fromkeys((path for path, _seconds in self.schedule), 0.0)

    def enqueue_due(self):
        now = self.clock()
        enqueued = []
        for path, seconds in self.schedule:
            if now < self.due[path]:
                continue
            self.due[path] = now + seconds
            try:
                queue.enqueue_unless_waiting(import_string(path))
                enqueued.append(path)
            except Exception:  # the database away for a moment: the next period tries again
                logger.exception("Could not enqueue the periodic job %s", path)
        return enqueued
