"""IssuePdf moves here from briefs: the table (briefs_issuepdf) and its rows stay as they are.

Only Django's record of the model moves (briefs' migration 0016 forgets it), and its
content type follows, so permissions granted on issue PDFs keep working.
"""

import django.db.models.deletion
from django.db import migrations, models

import printing.models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="printing", model="issuepdf").exists():
        ContentType.objects.filter(app_label="briefs", model="issuepdf").update(app_label="printing")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="briefs", model="issuepdf").exists():
        ContentType.objects.filter(app_label="printing", model="issuepdf").update(app_label="briefs")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("briefs", "0015_search_ranking_vectors"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IssuePdf",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "version",
                            models.CharField(
                                blank=True,
                                help_text="A digest of everything the PDF shows; any change to the issue, its series' about sections and team, or the layout gives a new one.",
                                max_length=64,
                                verbose_name="content version",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True,
                                max_length=255,
                                storage=printing.models.issue_pdf_storage,
                                upload_to="",
                                verbose_name="file",
                            ),
                        ),
                        (
                            "previous_file",
                            models.CharField(blank=True, editable=False, max_length=255, verbose_name="previous file"),
                        ),
                        ("pages", models.PositiveIntegerField(blank=True, null=True, verbose_name="pages")),
                        ("build_seconds", models.FloatField(blank=True, null=True, verbose_name="build time (s)")),
                        ("built_at", models.DateTimeField(blank=True, null=True, verbose_name="built at")),
                        (
                            "missing_glyphs",
                            models.CharField(
                                blank=True,
                                help_text="Characters of the issue that the PDF's fonts cannot print; they come out in another font or as a box.",
                                max_length=200,
                                verbose_name="characters the fonts lack",
                            ),
                        ),
                        (
                            "failed_version",
                            models.CharField(blank=True, max_length=64, verbose_name="version that failed to build"),
                        ),
                        ("failure", models.TextField(blank=True, verbose_name="why the build failed")),
                        ("failed_at", models.DateTimeField(blank=True, null=True, verbose_name="failed at")),
                        (
                            "issue",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pdf",
                                to="briefs.issue",
                                verbose_name="issue",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "issue PDF",
                        "verbose_name_plural": "issue PDFs",
                        "db_table": "briefs_issuepdf",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
