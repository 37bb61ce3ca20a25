# The editorial team moved to briefs (briefs 0005 and 0006 copied the terms there).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_person_photo_display_copy'),
        ('briefs', '0006_copy_editorial_memberships'),
    ]

    operations = [
        migrations.DeleteModel(
            name='EditorialMembership',
        ),
    ]
