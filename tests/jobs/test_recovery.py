"""Jobs left RUNNING by a dead worker are queued again; retries back off; two builds of an issue never overlap."""

from datetime import timedelta
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import recovery
from printing import pdf_files
from search import index as search
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def database_jobs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_WORKER_LOST_AFTER = 15
    settings.JOBS_UNKNOWN_WORKER_LOST_AFTER = 600
    settings.JOBS_MAX_CLAIMS = 5


def running_job(*worker_ids, started=None):
    result = pdf_files.build_issue_pdf.enqueue(1)
    row = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", worker_ids=list(worker_ids), started_at=started or timezone.now()
    )
    return row.pk


def status(pk):
    return DBTaskResult.objects.get(pk=pk).status


def test_a_running_job_of_a_live_worker_is_left_alone():
    recovery.beat("alive")
    pk = running_job("alive")
    assert recovery.requeue_abandoned() == 0 and status(pk) == "RUNNING"


def test_a_running_job_whose_worker_stopped_beating_is_queued_again():
    now = timezone.now()
    recovery.beat("killed", now=now - timedelta(seconds=16))
    pk = running_job("killed")
    assert recovery.requeue_abandoned(now=now) == 1
    assert status(pk) == "READY" and DBTaskResult.objects.get(pk=pk).started_at is None


def test_a_worker_without_heartbeats_gets_ten_minutes_before_its_job_is_run_again():
    now = timezone.now()
    recent = running_job("plain-db-worker", started=now - timedelta(minutes=9))
    old = running_job("plain-db-worker", started=now - timedelta(minutes=11))
    recovery.requeue_abandoned(now=now)
    assert status(recent) == "RUNNING" and status(old) == "READY"


def test_a_job_that_keeps_killing_its_workers_is_marked_failed_not_run_for_ever():
    pk = running_job("w1", "w2", "w3", "w4", "w5", started=timezone.now() - timedelta(hours=1))
    recovery.requeue_abandoned()
    row = DBTaskResult.objects.get(pk=pk)
    assert row.status == "FAILED" and row.exception_class_path == "jobs.recovery.WorkerLost"


def test_a_failed_index_update_is_tried_again_later_with_a_longer_wait_each_time():
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    with mock.patch.object(search, "index_issues", side_effect=RuntimeError("database away")):
        assert search.index_issues_job.call([issue.pk]) == "retrying"
        retry = DBTaskResult.objects.get()
        assert retry.args_kwargs == {"args": [[issue.pk]], "kwargs": {"attempt": 2}}
        assert timedelta(seconds=5) < retry.run_after - timezone.now() <= timedelta(seconds=10)
        with pytest.raises(RuntimeError):  # the last attempt: left FAILED for rebuild_search_index
            search.index_issues_job.call([issue.pk], attempt=4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_a_build_of_an_issue_already_being_built_elsewhere_waits_and_tries_again(transactional_db):
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    params = connection.settings_dict
    other = psycopg.connect(
        dbname=params["NAME"],
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"],
        autocommit=True,
    )
    try:
        other.execute(
            "SELECT pg_advisory_lock(%s, %s)", [pdf_files.PDF_LOCK_NAMESPACE, issue.pk]
        )  # another worker's build
        with mock.patch.object(pdf_files, "build_pdf") as builds:
            assert pdf_files.build_issue_pdf.call(issue.pk) == "busy"
        assert builds.call_count == 0
        again = DBTaskResult.objects.get()
        assert again.args_kwargs["args"] == [issue.pk] and again.run_after > timezone.now()
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [pdf_files.PDF_LOCK_NAMESPACE, issue.pk])
        assert pdf_files.build_issue_pdf.call(issue.pk) == "built"
    finally:
        other.close()


def test_a_failed_build_is_recorded_and_its_retry_job_waits_for_the_backoff(settings):
    settings.PDF_RETRY_DELAYS = [30, 120]
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    with mock.patch.object(pdf_files, "build_pdf", side_effect=RuntimeError("the layout broke")):
        assert pdf_files.build_issue_pdf.call(issue.pk) == "failed"
        pdf = issue.__class__.objects.get(pk=issue.pk).pdf
        assert (pdf.failure, pdf.attempts) == ("the layout broke", 1)
        retry = DBTaskResult.objects.get()
        assert retry.args_kwargs["args"] == [issue.pk] and retry.run_after == pdf.next_retry_at
        assert pdf.next_retry_at - pdf.failed_at == timedelta(seconds=30)
        # The retry, when due, fails again: a longer wait. The last one: not tried again by itself.
        for attempt, delay in ((2, 120), (3, None)):
            type(pdf).objects.filter(pk=pdf.pk).update(next_retry_at=timezone.now())
            assert pdf_files.build_issue_pdf.call(issue.pk) == "failed"
            pdf.refresh_from_db()
            assert pdf.attempts == attempt
            if delay is None:
                assert pdf.next_retry_at is None
            else:
                assert pdf.next_retry_at - pdf.failed_at == timedelta(seconds=delay)
    assert DBTaskResult.objects.count() == 2, "one retry job per failure that has a retry left"
