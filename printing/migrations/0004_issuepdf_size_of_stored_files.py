"""Record the size of the PDFs stored before sizes were recorded (feeds give it as the enclosure's length)."""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def record_sizes(apps, schema_editor):
    IssuePdf = apps.get_model("printing", "IssuePdf")
    for pdf in IssuePdf.objects.filter(size__isnull=True).exclude(file=""):
        try:
            size = pdf.file.size
        except Exception:  # a missing file or a storage that does not answer: the next build records it
            logger.warning("Could not read the size of the stored PDF %s", pdf.file.name)
            continue
        IssuePdf.objects.filter(pk=pdf.pk).update(size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("printing", "0003_issuepdf_size"),
    ]

    operations = [
        migrations.RunPython(record_sizes, migrations.RunPython.noop),
    ]
