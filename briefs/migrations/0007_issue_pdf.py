# The built PDF of each published issue (briefs/pdf_files.py).

import django.db.models.deletion
from django.db import migrations, models


# The file field's storage (a callable that has since moved to printing.models) is no
# part of the table; printing's migration 0001 records it with the model.
class Migration(migrations.Migration):

    dependencies = [
        ('briefs', '0006_copy_editorial_memberships'),
    ]

    operations = [
        migrations.CreateModel(
            name='IssuePdf',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(blank=True, help_text="A digest of everything the PDF shows; any change to the issue, its series' about sections and team, or the layout gives a new one.", max_length=64, verbose_name='content version')),
                ('file', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='file')),
                ('previous_file', models.CharField(blank=True, editable=False, max_length=255, verbose_name='previous file')),
                ('pages', models.PositiveIntegerField(blank=True, null=True, verbose_name='pages')),
                ('build_seconds', models.FloatField(blank=True, null=True, verbose_name='build time (s)')),
                ('built_at', models.DateTimeField(blank=True, null=True, verbose_name='built at')),
                ('missing_glyphs', models.CharField(blank=True, help_text="Characters of the issue that the PDF's fonts cannot print; they come out in another font or as a box.", max_length=200, verbose_name='characters the fonts lack')),
                ('failed_version', models.CharField(blank=True, max_length=64, verbose_name='version that failed to build')),
                ('failure', models.TextField(blank=True, verbose_name='why the build failed')),
                ('failed_at', models.DateTimeField(blank=True, null=True, verbose_name='failed at')),
            ],
            options={
                'verbose_name': 'issue PDF',
                'verbose_name_plural': 'issue PDFs',
            },
        ),
        migrations.AddField(
            model_name='issuepdf',
            name='issue',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='pdf', to='briefs.issue', verbose_name='issue'),
        ),
    ]
