"""Search: the index table, and on PostgreSQL the text search configuration and GIN index it needs.

On PostgreSQL: the ``unaccent`` extension (trusted since PostgreSQL 13, so the
database's owner may create it), a configuration ``english_unaccent`` (English,
with accents removed before stemming: "Müller" and "Muller" are one word), and
a GIN index on the stored vector. On SQLite those steps do nothing: its search
compares folded words (``briefs.search``). Fill the index with
``manage.py rebuild_search_index`` after migrating a site that has issues.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

CONFIG = "english_unaccent"
INDEX = "briefs_issuesearch_vector_gin"


class UnaccentOnPostgres(UnaccentExtension):
    """Django's operation, whose forwards step already does nothing on other databases; its backwards step too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
          END IF;
        END $$;
        """
    )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON briefs_issuesearch USING gin (vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0013_issue_public_index"),
    ]

    operations = [
        UnaccentOnPostgres(),
        migrations.RunPython(create_configuration, drop_configuration, elidable=False),
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
                ("folded", models.TextField(blank=True, editable=False, verbose_name="folded words")),
                (
                    "folded_title",
                    models.TextField(blank=True, editable=False, verbose_name="folded words of the title and names"),
                ),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index",
            },
        ),
        # Not in the model's Meta.indexes: a GinIndex there would be created on SQLite too, where it is an error.
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
