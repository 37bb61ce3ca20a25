"""A series now belongs to a Programme instead of naming it in two text fields.

Existing series keep what they printed: one programme is created per distinct
(name, type) pair and the series is linked to it.
"""

from django.db import migrations, models
from django.utils.text import slugify


def link_programmes(apps, schema_editor):
    Series = apps.get_model("briefs", "Series")
    Programme = apps.get_model("people", "Programme")
    for series in Series.objects.all():
        name = series.programme_name or series.name
        programme = Programme.objects.filter(name=name).first()
        if programme is None:
            base = slugify(name)[:50] or "programme"
            slug, n = base, 1
            while Programme.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            programme = Programme.objects.create(
                name=name, short_name=name[:40], slug=slug, programme_type=series.programme_type
            )
        series.programme_ref = programme
        series.save(update_fields=["programme_ref"])


def unlink_programmes(apps, schema_editor):
    Series = apps.get_model("briefs", "Series")
    for series in Series.objects.select_related("programme_ref"):
        series.programme_name = series.programme_ref.name
        series.programme_type = series.programme_ref.programme_type
        series.save(update_fields=["programme_name", "programme_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0003_series_front_matter_token"),
        ("people", "0002_programmes_fellowships_email"),
    ]

    operations = [
        migrations.RenameField("series", "programme", "programme_name"),
        migrations.AddField(
            model_name="series",
            name="programme_ref",
            field=models.ForeignKey(
                null=True, on_delete=models.PROTECT, related_name="+", to="people.programme"
            ),
        ),
        migrations.RunPython(link_programmes, unlink_programmes),
        # Defaults let the reverse re-add the columns before refilling them.
        migrations.AlterField("series", "programme_name", models.CharField(max_length=255, default="")),
        migrations.AlterField("series", "programme_type", models.CharField(max_length=120, default="")),
        migrations.RemoveField("series", "programme_name"),
        migrations.RemoveField("series", "programme_type"),
        migrations.RenameField("series", "programme_ref", "programme"),
        migrations.AlterField(
            model_name="series",
            name="programme",
            field=models.ForeignKey(
                help_text="The programme that publishes the series; its name is printed on the cover.",
                on_delete=models.PROTECT,
                related_name="series",
                to="people.programme",
                verbose_name="publishing programme",
            ),
        ),
    ]
