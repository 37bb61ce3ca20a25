"""Each prepared change (PendingChange) becomes a working copy, and back.

A migration of its own: on PostgreSQL, rows written or deleted here leave deferred
foreign-key checks pending, and a table cannot be altered in the same transaction
(0018 adds the columns, 0020 drops the old table).
"""

import json

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

PARTS = (("contributions", "Contribution"), ("questions", "Question"), ("footnotes", "Footnote"))
CONTENT = ("series_id", "number", "title", "slug", "kind", "publication_date", "introduction", "body", "edit_version")


def prepared_changes_to_working_copies(apps, schema_editor):
    """Each PendingChange (the prepared version as JSON) becomes a working copy with rows of its own."""
    Issue = apps.get_model("briefs", "Issue")
    PendingChange = apps.get_model("briefs", "PendingChange")
    Person = apps.get_model("people", "Person")
    for pending in PendingChange.objects.select_related("issue").order_by("pk"):
        data = pending.data
        copy = Issue(
            working_copy_of_id=pending.issue_id,
            status="draft",
            copy_started_by_id=pending.by_id,
            **{name: data["issue"][name] for name in CONTENT},
        )
        copy.edit_version = max(int(copy.edit_version), pending.issue.edit_version)
        copy.save(force_insert=True)
        for name in ("topics", "places"):
            # A topic or place deleted since the change was prepared is left out, as publishing it did.
            field = getattr(copy, name)
            field.set(field.model.objects.filter(pk__in=data["issue"].get(name, [])))
        people = set(Person.objects.values_list("pk", flat=True))
        copied_rows = {}
        for prefix, model_name in PARTS:
            model = apps.get_model("briefs", model_name)
            live_rows = set(model.objects.filter(issue_id=pending.issue_id).values_list("pk", flat=True))
            copied_rows[prefix] = {}
            for row in data[prefix]:
                fields = {
                    (key + "_id" if model._meta.get_field(key).is_relation else key): value
                    for key, value in row["fields"].items()
                    if key != "issue"
                }
                # A person deleted since: their contribution is left out; a question they answered keeps no speaker.
                if "person_id" in fields and fields["person_id"] not in people:
                    continue
                if fields.get("speaker_id") is not None and fields["speaker_id"] not in people:
                    fields["speaker_id"] = None
                created = model.objects.create(issue_id=copy.pk, **fields)
                if row["pk"] in live_rows:  # an edit of one of the issue's rows, not a new one
                    copied_rows[prefix][str(row["pk"])] = created.pk
        copy.copied_rows = copied_rows
        copy.save(update_fields=["copied_rows"])
        # Started when the change was last saved, not when the site was migrated (auto_now_add set it to now).
        Issue.objects.filter(pk=copy.pk).update(created_at=pending.at)


def working_copies_to_prepared_changes(apps, schema_editor):
    """Back to 0017: an open working copy becomes a PendingChange again, in the old design's JSON.

    Its rows take the id of the issue's row they copy (the old design updated those) and a
    negative id when new (the old design created those). A discarded copy has no place in
    0017's schema and is deleted; the old design deleted a discarded change too.
    """
    Issue = apps.get_model("briefs", "Issue")
    PendingChange = apps.get_model("briefs", "PendingChange")
    copies = Issue.objects.filter(working_copy_of__isnull=False)
    for copy in copies.filter(copy_discarded_at__isnull=True).order_by("pk"):
        data = {"issue": {name: getattr(copy, name) for name in CONTENT}}
        data["issue"]["publication_date"] = copy.publication_date.isoformat()
        for name in ("topics", "places"):
            data["issue"][name] = sorted(getattr(copy, name).values_list("pk", flat=True))
        for prefix, model_name in PARTS:
            model = apps.get_model("briefs", model_name)
            originals = {copy_pk: int(pk) for pk, copy_pk in copy.copied_rows.get(prefix, {}).items()}
            rows = serializers.serialize("python", model.objects.filter(issue_id=copy.pk).order_by("pk"))
            for new_id, row in enumerate(rows, start=1):
                row["pk"] = originals.get(row["pk"], -new_id)
                row["fields"]["issue"] = copy.working_copy_of_id
            data[prefix] = rows
        PendingChange.objects.create(
            issue_id=copy.working_copy_of_id,
            by_id=copy.copy_started_by_id,
            data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            at=copy.updated_at,
        )
    copies.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0018_working_copies"),
    ]

    operations = [
        migrations.RunPython(prepared_changes_to_working_copies, working_copies_to_prepared_changes),
    ]
