from django.db import migrations


class Migration(migrations.Migration):
    """PendingChange goes once 0019 has made its rows working copies, in a transaction of its own."""

    dependencies = [
        ("briefs", "0019_prepared_changes_to_working_copies"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="pendingchange",
            name="by",
        ),
        migrations.RemoveField(
            model_name="pendingchange",
            name="issue",
        ),
        migrations.DeleteModel(
            name="PendingChange",
        ),
    ]
