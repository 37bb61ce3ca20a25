from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                (
                    "worker_id",
                    models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name="worker id"),
                ),
                ("seen_at", models.DateTimeField(db_index=True, verbose_name="last seen")),
            ],
            options={"verbose_name": "worker heartbeat"},
        ),
    ]
