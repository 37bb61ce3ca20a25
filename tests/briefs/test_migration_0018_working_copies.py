"""Migrations 0018-0020 turn a prepared change (PendingChange) into a working copy, leaving out what was deleted since, and back.

A prepared change of the old design (``git show 2e3d845:briefs/pending.py``) was JSON: the
issue's fields, topic and place ids, and serialised rows. Nothing kept a topic, a place or a
person it named from being deleted (the old ``apply`` left deleted topics out). The data
migration must not abort the deploy on such a change.
Made by hand from a real capture too: tests/review/make_pending_change.py (run with 2e3d845's code).
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

PREPARED_AT = datetime.datetime(2026, 3, 2, 10, 32, tzinfo=datetime.UTC)
BEFORE = [("briefs", "0017_former_address")]
AFTER = [("briefs", "0020_remove_pendingchange")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_site():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _pending(apps, *, topic_ids, person_id):
    Programme = apps.get_model("people", "Programme")
    Series = apps.get_model("briefs", "Series")
    Issue = apps.get_model("briefs", "Issue")
    Person = apps.get_model("people", "Person")
    PendingChange = apps.get_model("briefs", "PendingChange")
    programme = Programme.objects.create(name="P", short_name="P", slug="p")
    series = Series.objects.create(name="S", slug="s", programme=programme)
    issue = Issue.objects.create(
        series=series,
        number=1,
        title="Published",
        slug="published",
        kind="article",
        publication_date=datetime.date(2019, 2, 1),
        body="<p>Body.</p>",
        status="published",
        edit_version=3,
    )
    author = Person.objects.create(given_name="A", family_name="B", slug="a-b")
    data = {
        "issue": {
            "series_id": series.pk,
            "number": 1,
            "title": "Prepared",
            "slug": "published",
            "kind": "article",
            "publication_date": "2019-02-01",
            "introduction": "",
            "body": "<p>Prepared body.</p>",
            "edit_version": 4,
            "topics": topic_ids,
            "places": [],
        },
        "contributions": [
            {
                "model": "briefs.contribution",
                "pk": -1,
                "fields": {
                    "issue": issue.pk,
                    "person": person_id or author.pk,
                    "role": "author",
                    "speaker_label": "",
                    "printed_biography": "",
                    "sort_order": 0,
                },
            }
        ],
        "questions": [],
        "footnotes": [],
    }
    PendingChange.objects.create(issue=issue, data=data, by=None, at=PREPARED_AT)
    return issue


def test_a_prepared_change_naming_a_topic_deleted_since_migrates_without_it(old_site):
    Topic = old_site.get_model("briefs", "Topic")
    kept = Topic.objects.create(name="Kept", slug="kept")
    gone = Topic.objects.create(name="Gone", slug="gone")
    issue = _pending(old_site, topic_ids=[kept.pk, gone.pk], person_id=None)
    gone.delete()
    apps = _migrate(AFTER)  # IntegrityError (FOREIGN KEY) here aborts the deploy
    copy = apps.get_model("briefs", "Issue").objects.get(working_copy_of=issue.pk)
    assert copy.title == "Prepared" and list(copy.topics.values_list("pk", flat=True)) == [kept.pk]
    assert copy.created_at == PREPARED_AT  # “started on” the day it was prepared, not the day of the migration


def test_a_prepared_change_naming_a_person_deleted_since_migrates(old_site):
    Person = old_site.get_model("people", "Person")
    only_here = Person.objects.create(given_name="Only", family_name="Prepared", slug="only-prepared")
    issue = _pending(old_site, topic_ids=[], person_id=only_here.pk)
    with connection.cursor() as cursor:  # nothing protected them: the prepared change was JSON
        cursor.execute("DELETE FROM people_person WHERE id = %s", [only_here.pk])
    apps = _migrate(AFTER)
    assert apps.get_model("briefs", "Issue").objects.filter(working_copy_of=issue.pk).exists()


def test_back_to_0017_an_open_working_copy_becomes_its_prepared_change_again_and_a_discarded_one_goes(old_site):
    """Rolling a deploy back keeps the editor's unpublished work: round trip 0017 -> 0020 -> 0017 -> 0020."""
    Contribution = old_site.get_model("briefs", "Contribution")
    issue = _pending(old_site, topic_ids=[], person_id=None)
    PendingChange = old_site.get_model("briefs", "PendingChange")
    pending = PendingChange.objects.get(issue=issue.pk)
    live = Contribution.objects.create(
        issue_id=issue.pk, person_id=pending.data["contributions"][0]["fields"]["person"], role="author", sort_order=0
    )
    edited = dict(pending.data["contributions"][0], pk=live.pk)  # the prepared change edits the live row...
    edited["fields"] = dict(edited["fields"], printed_biography="Edited biography.")
    second = old_site.get_model("people", "Person").objects.create(given_name="C", family_name="D", slug="c-d")
    added = dict(pending.data["contributions"][0], pk=-1)
    added["fields"] = dict(added["fields"], person=second.pk, sort_order=1)
    pending.data["contributions"] = [edited, added]  # ...and adds one
    pending.save()

    apps = _migrate(AFTER)
    Issue = apps.get_model("briefs", "Issue")
    copy = Issue.objects.get(working_copy_of=issue.pk)
    assert list(copy.copied_rows["contributions"]) == [str(live.pk)]
    Issue.objects.create(
        series_id=copy.series_id, number=1, title="Discarded", slug="published", kind="article",
        publication_date=datetime.date(2019, 2, 1), working_copy_of_id=issue.pk, copy_discarded_at=timezone.now(),
    )  # fmt: skip

    old = _migrate(BEFORE)
    back = old.get_model("briefs", "PendingChange").objects.get(issue=issue.pk)
    assert back.data["issue"]["title"] == "Prepared" and back.data["issue"]["body"] == "<p>Prepared body.</p>"
    rows = back.data["contributions"]
    assert [row["pk"] for row in rows][0] == live.pk and rows[1]["pk"] < 0  # the edit updates, the new row is created
    assert rows[0]["fields"]["printed_biography"] == "Edited biography." and rows[0]["fields"]["issue"] == issue.pk
    assert list(old.get_model("briefs", "Issue").objects.values_list("title", flat=True)) == ["Published"]

    again = _migrate(AFTER).get_model("briefs", "Issue")
    restored = again.objects.get(working_copy_of=issue.pk)
    assert restored.title == "Prepared" and restored.copy_discarded_at is None
    assert again.objects.filter(working_copy_of=issue.pk).count() == 1  # the discarded copy did not come back


def test_0022_gives_each_copy_the_saves_made_while_it_was_the_one_open():
    apps = _migrate([("briefs", "0021_publication_date_help")])
    try:
        from django.contrib.admin.models import LogEntry  # their tables are as they are now
        from django.contrib.auth.models import User
        from django.contrib.contenttypes.models import ContentType

        Issue = apps.get_model("briefs", "Issue")
        Programme, Series = apps.get_model("people", "Programme"), apps.get_model("briefs", "Series")
        a, b = User.objects.create(username="a"), User.objects.create(username="b")
        series = Series.objects.create(
            name="S", slug="s22", programme=Programme.objects.create(name="P", short_name="P", slug="p22")
        )
        fields = {"series": series, "number": 1, "title": "T", "slug": "t", "kind": "article"}
        issue = Issue.objects.create(**fields, publication_date=datetime.date(2019, 2, 1), status="published")
        t0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
        hour = datetime.timedelta(hours=1)
        first = Issue.objects.create(
            **fields, publication_date=datetime.date(2019, 2, 1), working_copy_of=issue, copy_started_by_id=a.pk,
            copy_discarded_at=t0 + hour,
        )  # fmt: skip
        second = Issue.objects.create(
            **fields, publication_date=datetime.date(2019, 2, 1), working_copy_of=issue, copy_started_by_id=b.pk
        )
        Issue.objects.filter(pk=first.pk).update(created_at=t0)
        Issue.objects.filter(pk=second.pk).update(created_at=t0 + 2 * hour)
        issue_type, _ = ContentType.objects.get_or_create(app_label="briefs", model="issue")
        for user, at in ((a, t0 + hour / 12), (b, t0 + 3 * hour), (a, t0 + hour / 2)):
            LogEntry.objects.create(
                action_time=at, user_id=user.pk, content_type=issue_type, object_id=str(issue.pk), object_repr="T",
                action_flag=2, change_message="[]",
            )  # fmt: skip

        ContentType.objects.clear_cache()
        after = _migrate([("briefs", "0022_copy_saved_by")]).get_model("briefs", "Issue")
        assert after.objects.get(pk=first.pk).copy_saved_by == [a.pk]  # not b, who saved only the later copy
        assert after.objects.get(pk=second.pk).copy_saved_by == [b.pk]
    finally:
        _migrate(executor_leaf())
