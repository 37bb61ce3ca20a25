"""Fellowships recorded before the consent field were all public: they stay listed.

New fellowships are not listed until an editor ticks the box (or an import says so).
Going back leaves the field as it is; 0007's reversal removes it.
"""

from django.db import migrations


def keep_existing_fellowships_listed(apps, schema_editor):
    apps.get_model("people", "Fellowship").objects.update(listed_publicly=True)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0007_fellowship_listed_publicly"),
    ]

    operations = [
        migrations.RunPython(keep_existing_fellowships_listed, migrations.RunPython.noop, elidable=True),
    ]
