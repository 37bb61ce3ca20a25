# The editorial team belongs to the series: its terms move here from people
# (0006 copies them; people 0004 drops the old table).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('briefs', '0004_series_programme_foreign_key'),
        ('people', '0003_person_photo_display_copy'),
    ]

    operations = [
        migrations.CreateModel(
            name='EditorialMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('publisher', 'Publisher'), ('editor', 'Editor'), ('layout', 'Layout')], help_text='The heading the person is listed under in the imprint.', max_length=20, verbose_name='role')),
                ('position', models.CharField(blank=True, help_text='Printed after the name, e.g. “Head of International Programmes, IEP”.', max_length=255, verbose_name='position')),
                ('start_date', models.DateField(blank=True, help_text="First day in this role. Leave empty if they held it from the series' start.", null=True, verbose_name='in office from')),
                ('end_date', models.DateField(blank=True, help_text="Last day in this role. Leave empty while they still hold it. A term printed in a published issue's imprint cannot be deleted, so that issue keeps its team: set this date when someone leaves.", null=True, verbose_name='in office until')),
                ('sort_order', models.PositiveIntegerField(default=0, help_text='Order within the role; lower comes first.', verbose_name='order')),
                ('person', models.ForeignKey(help_text='Start typing a name. Add the person first if they are not listed.', on_delete=django.db.models.deletion.PROTECT, related_name='editorial_memberships', to='people.person', verbose_name='person')),
                ('series', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='editorial_memberships', to='briefs.series', verbose_name='series')),
            ],
            options={
                'verbose_name': 'editorial team membership',
                'verbose_name_plural': 'editorial team',
                'ordering': ['sort_order', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('end_date__isnull', True), ('start_date__isnull', True), ('end_date__gte', models.F('start_date')), _connector='OR'), name='editorial_term_ends_after_start', violation_error_message='The term cannot end before it starts.')],
            },
        ),
    ]
