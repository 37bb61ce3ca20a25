"""IssuePdf and IssueSearch now belong to the printing and search apps.

Their tables stay where they are (printing's and search's migration 0001 take the
models over under the same table names); only Django's record of them leaves briefs.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("briefs", "0015_search_ranking_vectors"),
        ("printing", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IssuePdf"), migrations.DeleteModel(name="IssueSearch")],
            database_operations=[],
        ),
    ]
