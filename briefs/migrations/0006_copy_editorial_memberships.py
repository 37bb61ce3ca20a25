"""Copy the editorial team's terms from people to briefs, in their order; and back."""

from django.db import migrations

FIELDS = ["series_id", "person_id", "role", "position", "start_date", "end_date", "sort_order"]


def _copy(source, target):
    target.objects.bulk_create(
        target(**{field: getattr(row, field) for field in FIELDS}) for row in source.objects.order_by("pk")
    )


def forwards(apps, schema_editor):
    _copy(apps.get_model("people", "EditorialMembership"), apps.get_model("briefs", "EditorialMembership"))


def backwards(apps, schema_editor):
    _copy(apps.get_model("briefs", "EditorialMembership"), apps.get_model("people", "EditorialMembership"))


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0005_editorial_membership"),
        ("people", "0003_person_photo_display_copy"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
