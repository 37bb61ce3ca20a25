"""IssueSearch moves here from briefs: the table (briefs_issuesearch), its rows and its
GIN index (made by briefs' migration 0014) stay as they are.

Only Django's record of the model moves (briefs' migration 0016 forgets it), and its
content type follows.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="search", model="issuesearch").exists():
        ContentType.objects.filter(app_label="briefs", model="issuesearch").update(app_label="search")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="briefs", model="issuesearch").exists():
        ContentType.objects.filter(app_label="search", model="issuesearch").update(app_label="briefs")


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
                    name="IssueSearch",
                    fields=[
                        (
                            "issue",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="search",
                                serialize=False,
                                to="briefs.issue",
                                verbose_name="issue",
                            ),
                        ),
                        ("text", models.TextField(blank=True, verbose_name="readable text")),
                        (
                            "vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, null=True, verbose_name="search vector"
                            ),
                        ),
                        (
                            "rank_vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, null=True, verbose_name="ranking vector"
                            ),
                        ),
                        (
                            "notes_vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, null=True, verbose_name="footnotes vector"
                            ),
                        ),
                        ("folded", models.TextField(blank=True, editable=False, verbose_name="folded words")),
                        (
                            "folded_title",
                            models.TextField(
                                blank=True, editable=False, verbose_name="folded words of the title and names"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "search index entry",
                        "verbose_name_plural": "search index",
                        "db_table": "briefs_issuesearch",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
