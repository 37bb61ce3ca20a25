"""Jobs are enqueued with the writes that call for them, once per issue per save, never for rolled-back writes."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from briefs.models import Issue, Question
from jobs.queue import one_job_per_issue
from printing import pdf_files
from printing.models import IssuePdf
from search import index as search
from tests.conftest import make_interview

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_jobs(settings):
    """Jobs are rows of the database, as in production (no worker runs them here)."""
    settings.TASKS = DATABASE_BACKEND


def jobs(task):
    return list(DBTaskResult.objects.filter(task_path=task.module_path).values_list("args_kwargs", flat=True))


def test_saving_an_issue_with_ten_questions_enqueues_one_pdf_job_and_one_index_job(database_jobs):
    issue = make_interview(questions=10)
    DBTaskResult.objects.all().delete()
    with CaptureQueriesContext(connection) as queries, one_job_per_issue():
        issue.title = "New title"
        issue.save()
        for question in Question.objects.filter(issue=issue):
            question.answer += "<p>More.</p>"
            question.save()
    assert jobs(pdf_files.build_issue_pdf) == [{"args": [issue.pk], "kwargs": {}}]
    assert jobs(search.index_issues_job) == [{"args": [[issue.pk]], "kwargs": {}}]
    inserts = [
        q["sql"] for q in queries.captured_queries if DBTaskResult._meta.db_table in q["sql"] and "INSERT" in q["sql"]
    ]
    assert len(inserts) == 2, inserts


def test_outside_a_collecting_block_each_write_enqueues_with_its_transaction(database_jobs):
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        issue.title = "Another"
        issue.save()
    assert jobs(pdf_files.build_issue_pdf) == [{"args": [issue.pk], "kwargs": {}}]


def test_a_rolled_back_transaction_enqueues_nothing(database_jobs):
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    with pytest.raises(RuntimeError), one_job_per_issue():
        issue.title = "Never"
        issue.save()
        raise RuntimeError("the save fails")
    with pytest.raises(RuntimeError), transaction.atomic():
        issue.save()
        raise RuntimeError("and again, outside a collecting block")
    assert DBTaskResult.objects.count() == 0


def test_writes_in_a_rolled_back_savepoint_enqueue_nothing(database_jobs):
    issue = make_interview()
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
            issue.title = "Tried and dropped"
            issue.save()
            raise RuntimeError
    assert DBTaskResult.objects.count() == 0


def test_saving_a_working_copy_builds_no_pdf_and_publishing_it_builds_the_issues_once(database_jobs):
    """A public issue's edits go to its working copy (briefs.working_copies): readers' PDF waits for publication."""
    from briefs import working_copies

    issue = make_interview(questions=10)
    DBTaskResult.objects.all().delete()
    for _ in range(20):
        with one_job_per_issue():
            copy = working_copies.start(issue, by=None)
            for question in Question.objects.filter(issue=copy):
                question.answer = "<p>Corrected.</p>"
                question.save()
    assert jobs(pdf_files.build_issue_pdf) == []
    with one_job_per_issue():
        working_copies.publish(issue, by=None, note="Answers corrected.")
    assert [a["args"][0] for a in jobs(pdf_files.build_issue_pdf)] == [issue.pk]


def test_a_change_to_a_series_enqueues_one_job_per_published_issue(database_jobs):
    first = make_interview()
    second = make_interview(first.series)
    make_interview(first.series, status=Issue.Status.DRAFT)
    DBTaskResult.objects.all().delete()
    with one_job_per_issue():
        first.series.name = "Renamed"
        first.series.save()
        first.series.save()
    assert sorted(a["args"][0] for a in jobs(pdf_files.build_issue_pdf)) == sorted([first.pk, second.pk])


class FullDisk(FileSystemStorage):
    """Writes half of each file, then fails as a full disk does."""

    def _save(self, name, content):
        data = content.read()
        path = self.path(name)
        with open(path, "wb") as partial:
            partial.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_leaves_no_partial_file_and_the_row_keeps_the_previous_pdf(tmp_path, monkeypatch):
    issue = make_interview()
    assert pdf_files.refresh_issue_pdf(issue) == "built"
    before = IssuePdf.objects.get(issue=issue)
    full = FullDisk(location=tmp_path)
    monkeypatch.setattr(before.file, "storage", full)
    monkeypatch.setattr(IssuePdf._meta.get_field("file"), "storage", full)
    (tmp_path / before.file.name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / before.file.name).write_bytes(b"%PDF- the previous one")
    issue.title = "Changed"
    issue.save()
    assert pdf_files.refresh_issue_pdf(Issue.objects.get(pk=issue.pk)) == "failed"
    after = IssuePdf.objects.get(issue=issue)
    assert (
        after.file.name == before.file.name and after.version == before.version
    )  # the row still names the previous PDF
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == [before.file.name.split("/")[-1]]  # no partial file
    assert after.failure == "the PDF could not be stored: No space left on device" and after.attempts == 1


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A real filesystem of 2 MB (tmpfs), mounted for the test and removed afterwards; skipped where mounting is not allowed."""
    import shutil
    import subprocess

    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mountpoint)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


def test_a_really_full_filesystem_leaves_no_partial_file_and_the_row_keeps_the_previous_pdf(
    tiny_filesystem, monkeypatch
):
    storage = FileSystemStorage(location=tiny_filesystem)
    monkeypatch.setattr(IssuePdf._meta.get_field("file"), "storage", storage)
    issue = make_interview()
    assert pdf_files.refresh_issue_pdf(issue) == "built"
    before = IssuePdf.objects.get(issue=issue)
    # Fill the filesystem, leaving less room than a PDF needs.
    with open(tiny_filesystem / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    os.truncate(tiny_filesystem / "filler", os.path.getsize(tiny_filesystem / "filler") - 8192)
    issue.title = "Changed on a full disk"
    issue.save()
    assert pdf_files.refresh_issue_pdf(Issue.objects.get(pk=issue.pk)) == "failed"
    after = IssuePdf.objects.get(issue=issue)
    assert (after.file.name, after.version) == (before.file.name, before.version)
    assert storage.exists(before.file.name) and storage.size(before.file.name) == before.file.size
    assert [p.name for p in tiny_filesystem.rglob("*.pdf")] == [before.file.name.split("/")[-1]], "no partial file"
    assert "No space left on device" in after.failure and after.attempts == 1
