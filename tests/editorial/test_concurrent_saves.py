"""Two editors writing at the same moment, on PostgreSQL with two real connections.

Each editor's request runs in a thread of its own, and so on a database
connection of its own, as two web workers would. The first is held at a chosen
statement (inside its transaction, locks taken, nothing committed) while the
second starts; the test checks that the second waits for a lock, then lets the
first go on. What is checked is what the editors see and what is stored.

On SQLite a transaction that will write takes the database's write lock when it
begins (``transaction_mode`` IMMEDIATE, ``eucacis/env.py``), so two saves there
never overlap at all; the same races are simulated on one connection in
``test_word_import.py``.
"""

import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from briefs.models import Issue
from people.models import Person
from tests.conftest import make_interview, make_series
from tests.editorial.test_edit_conflicts import open_form, save
from tests.editorial.test_word_import import _para, _run, _title, _upload, word_docx, word_interview

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections that wait for each other's row locks: PostgreSQL"
)

#: How long a step may take before the test gives up on it (it takes milliseconds when all is well).
PATIENCE = 10


class Editor(threading.Thread):
    """One request in a thread, so on a database connection of its own."""

    def __init__(self, request):
        super().__init__(daemon=True)
        self.request, self.response, self.error = request, None, None

    def run(self):
        try:
            self.response = self.request()
        except BaseException as error:  # handed to the test, which re-raises it
            self.error = error
        finally:
            connections.close_all()  # this thread's connections

    def outcome(self):
        self.join(PATIENCE)
        assert not self.is_alive(), "the request did not finish"
        if self.error is not None:
            raise self.error
        return self.response


def held_after(pattern, reached, release):
    """An execute wrapper: after the first statement matching ``pattern``, wait until ``release`` is set."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not reached.is_set() and re.search(pattern, sql):
            reached.set()
            release.wait(PATIENCE)
        return result

    return wrapper


def another_connection_waits_for_a_lock(statement):
    """Whether, within PATIENCE seconds, a connection to this database waits for a lock while running ``statement``
    (an SQL LIKE pattern)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE %s",
                [statement],
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)  # a bounded wait for the other connection to reach its lock
    return False


@pytest.fixture
def two_editors(transactional_db, django_user_model):
    clients = []
    for name in ("albina", "janny"):
        user = django_user_model.objects.create_superuser(name, f"{name}@example.org", "pw-for-tests-only")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_two_saves_of_an_issue_from_the_same_version_at_once_save_one_and_refuse_the_other(two_editors):
    albina, janny = two_editors
    issue = make_interview(status=Issue.Status.DRAFT, title="The original title")
    albinas, jannys = open_form(albina, issue), open_form(janny, issue)
    reached, release = threading.Event(), threading.Event()

    def albina_saves():
        # Held once the edit-conflict check has read the issue's version (and locked its row).
        with connection.execute_wrapper(held_after(r'^SELECT "briefs_issue"."edit_version" ', reached, release)):
            return save(albina, issue, albinas | {"title": "Albina's title"})

    first = Editor(albina_saves)
    first.start()
    assert reached.wait(PATIENCE), "Albina's save did not reach the edit-conflict check"
    second = Editor(lambda: save(janny, issue, jannys | {"title": "Janny's title"}))
    second.start()
    janny_waited = another_connection_waits_for_a_lock("%edit_version%FOR UPDATE%")
    release.set()

    assert first.outcome().status_code == 302
    refused = second.outcome()
    assert refused.status_code == 200
    assert "Your changes were NOT saved: someone else changed this issue after you opened it." in (
        refused.content.decode()
    )
    issue.refresh_from_db()
    assert (issue.title, issue.edit_version) == ("Albina's title", 2)
    assert janny_waited, "Janny's save read the version while Albina's save had it locked"


def _another_interview():
    return word_docx(
        [
            _title("Dams and fields: Interview with Aigerim Tulegenova"),
            _para(_run("Interview by Timur Dadabaev with Aigerim Tulegenova")),
            _para(_run("Why dams matter.")),
            _para(_run("1: What changed?", bold=True)),
            _para(_run("AT: The seasons.")),
        ]
    )


def test_two_word_imports_confirmed_at_once_with_one_number_make_one_issue_and_a_form_error(two_editors):
    albina, janny = two_editors
    series = make_series()
    albinas = _upload(albina, word_interview(), series)["Location"]
    jannys = _upload(janny, _another_interview(), series)["Location"]
    confirm = {"number": "4", "publication_date": "2019-02-01"}
    reached, release = threading.Event(), threading.Event()

    def albina_confirms():
        # Held once her draft's issue row is inserted, not yet committed.
        with connection.execute_wrapper(held_after(r'^INSERT INTO "briefs_issue" ', reached, release)):
            return albina.post(albinas, confirm)

    first = Editor(albina_confirms)
    first.start()
    assert reached.wait(PATIENCE), "Albina's confirm did not reach the insert of her issue"
    second = Editor(lambda: janny.post(jannys, confirm))
    second.start()
    janny_waited = another_connection_waits_for_a_lock('INSERT INTO "briefs_issue" %')
    release.set()

    assert first.outcome().status_code == 302
    refused = second.outcome()
    assert refused.status_code == 200, "the second confirm is answered with its form, not an error page"
    html = refused.content.decode()
    assert re.search(r'<ul class="errorlist"[^>]*><li>Series \d+ already has a No\. 4; the import never', html)
    assert "the next free one is 5" in html
    assert list(Issue.objects.filter(series=series).values_list("number", "title")) == [
        (4, "Water across borders: Interview with Dina Sarsen")
    ]
    assert not Person.objects.filter(family_name__in=["Dadabaev", "Tulegenova"]).exists(), "nothing half-written"
    assert janny_waited, "Janny's insert waited for Albina's uncommitted issue"

    # Janny's preview is kept: with the next number her confirm goes through.
    assert janny.post(jannys, confirm | {"number": "5"}).status_code == 302
    assert Issue.objects.get(series=series, number=5).contributions.count() == 2


def _published_with_discarded_change(albina):
    from briefs.working_copies import discard, start

    issue = make_interview(title="The published title")
    with transaction.atomic():
        start(issue, by=albina)
        Issue.objects.filter(working_copy_of=issue).update(title="A discarded title")
        discard(issue, by=albina)
    return issue


def test_two_first_saves_of_a_public_issue_at_once_make_one_working_copy_and_refuse_the_later_save(two_editors):
    albina, janny = two_editors
    issue = make_interview(title="The published title")
    albinas, jannys = open_form(albina, issue), open_form(janny, issue)
    reached, release = threading.Event(), threading.Event()

    def albina_saves():
        # Held once her save has started the working copy (the issue's row locked, nothing committed).
        with connection.execute_wrapper(held_after(r'^INSERT INTO "briefs_issue"', reached, release)):
            return save(albina, issue, albinas | {"title": "Albina's correction"})

    first = Editor(albina_saves)
    first.start()
    assert reached.wait(PATIENCE), "Albina's save did not start a working copy"
    second = Editor(lambda: save(janny, issue, jannys | {"title": "Janny's correction"}))
    second.start()
    janny_waited = another_connection_waits_for_a_lock("%FOR UPDATE%")
    release.set()

    assert first.outcome().status_code == 302
    refused = second.outcome()
    assert refused.status_code == 200 and "Your changes were NOT saved" in refused.content.decode()
    copies = Issue.objects.filter(working_copy_of=issue)
    assert [copy.title for copy in copies] == ["Albina's correction"]  # one copy, hers; Janny's typing was not lost
    assert "Janny&#x27;s correction" in refused.content.decode() or "Janny's correction" in refused.content.decode()
    issue.refresh_from_db()
    assert issue.title == "The published title"  # readers see no change until it is published
    assert janny_waited, "Janny's save looked for a working copy while Albina's was being started"


def test_restoring_a_discarded_change_while_a_first_save_starts_a_copy_refuses_the_restore(two_editors):
    albina, janny = two_editors
    from django.contrib.auth.models import User

    issue = _published_with_discarded_change(User.objects.get(username="albina"))
    discarded = Issue.objects.get(working_copy_of=issue)
    jannys = open_form(janny, issue)
    reached, release = threading.Event(), threading.Event()

    def janny_saves():
        with connection.execute_wrapper(held_after(r'^INSERT INTO "briefs_issue"', reached, release)):
            return save(janny, issue, jannys | {"title": "Janny's correction"})

    first = Editor(janny_saves)
    first.start()
    assert reached.wait(PATIENCE), "Janny's save did not start a working copy"
    url = f"/admin/briefs/issue/{issue.pk}/history/discarded/{discarded.pk}/restore/"
    second = Editor(lambda: albina.post(url, follow=True))
    second.start()
    albina_waited = another_connection_waits_for_a_lock("%FOR UPDATE%")
    release.set()

    assert first.outcome().status_code == 302
    refused = second.outcome()
    assert "has a prepared change in progress" in refused.content.decode()
    open_copies = Issue.objects.filter(working_copy_of=issue, copy_discarded_at__isnull=True)
    assert [copy.title for copy in open_copies] == ["Janny's correction"]
    discarded.refresh_from_db()
    assert discarded.copy_discarded_at is not None and discarded.title == "A discarded title"
    assert albina_waited, "the restore looked for a change in progress while Janny's was being started"
