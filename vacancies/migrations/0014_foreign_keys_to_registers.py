"""Its foreign keys to homes' old models point at the same models in registers
(docs/adr/021-layers-for-every-reference.md): in Django's state only. The tables and their
constraints are as they were, so the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registers', '0001_initial'),
        ('vacancies', '0013_search_care_homes_only'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='bedhold',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='holds', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='capacitysnapshot',
                    name='local_authority',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.localauthority'),
                ),
                migrations.AlterField(
                    model_name='categoryvacancy',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='categories', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='figurereport',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='figure_reports', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='freshnesssnapshot',
                    name='local_authority',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.localauthority'),
                ),
                migrations.AlterField(
                    model_name='homevacancies',
                    name='home',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='vacancies', serialize=False, to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='reminder',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='searchentry',
                    name='home',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='searchentry',
                    name='local_authority',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registers.localauthority'),
                ),
                migrations.AlterField(
                    model_name='shortlistentry',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='vacancyupdate',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='vacancy_updates', to='registers.carehome'),
                ),
            ],
            database_operations=[],
        ),
    ]
