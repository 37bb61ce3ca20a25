from django.db import migrations, models


def saved_by_from_the_log(apps, schema_editor):
    """Who saved into each working copy, as the admin's log told before: saves of its issue since the copy began.

    (Saves into a later copy of the same issue counted too; from now on each copy keeps its own.)
    """
    Issue = apps.get_model("briefs", "Issue")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    issue_type = ContentType.objects.filter(app_label="briefs", model="issue").first()
    if issue_type is None:
        return  # a new database: nothing was logged
    for copy in Issue.objects.filter(working_copy_of__isnull=False):
        saved = LogEntry.objects.filter(
            content_type=issue_type,
            object_id=str(copy.working_copy_of_id),
            action_flag=2,  # CHANGE
            action_time__gte=copy.created_at,
        ).values_list("user_id", flat=True)
        copy.copy_saved_by = sorted(set(saved))
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
