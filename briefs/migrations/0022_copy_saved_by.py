from django.db import migrations, models


def saved_by_from_the_log(apps, schema_editor):
    """Who saved into each working copy, from the admin's log of saves of its issue.

    A save belongs to the copy of its issue started last before it, if that copy
    was not yet discarded (a later copy takes the saves over; restores were not
    recorded, so a restored copy gets the saves of its first time open only).
    The one who started a copy counted as its author before, and still does.
    """
    Issue = apps.get_model("briefs", "Issue")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    issue_type = ContentType.objects.filter(app_label="briefs", model="issue").first()
    copies_of = {}
    for copy in Issue.objects.filter(working_copy_of__isnull=False).order_by("created_at", "pk"):
        copies_of.setdefault(copy.working_copy_of_id, []).append(copy)
    for issue_id, copies in copies_of.items():
        saved = {copy.pk: {copy.copy_started_by_id} - {None} for copy in copies}
        if issue_type is not None:
            log = LogEntry.objects.filter(
                content_type=issue_type,
                object_id=str(issue_id),
                action_flag=2,  # CHANGE
                action_time__gte=copies[0].created_at,
            ).values_list("action_time", "user_id")
            for at, user_id in log:
                started = [copy for copy in copies if copy.created_at <= at]
                if started and (started[-1].copy_discarded_at is None or at <= started[-1].copy_discarded_at):
                    saved[started[-1].pk].add(user_id)
        for copy in copies:
            copy.copy_saved_by = sorted(saved[copy.pk])
            copy.save(update_fields=["copy_saved_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0021_publication_date_help"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="copy_saved_by",
            field=models.JSONField(blank=True, default=list, editable=False, verbose_name="saved by"),
        ),
        # Last in this migration: on PostgreSQL no table may be altered after rows are written.
        migrations.RunPython(saved_by_from_the_log, migrations.RunPython.noop),
    ]
