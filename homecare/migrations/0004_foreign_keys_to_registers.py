"""Its foreign keys to homes' old models point at the same models in registers
(docs/adr/021-layers-for-every-reference.md): in Django's state only. The tables and their
constraints are as they were, so the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('homecare', '0003_package_requests'),
        ('registers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='agencycapacity',
                    name='agency',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='capacity', serialize=False, to='registers.homecareagency'),
                ),
                migrations.AlterField(
                    model_name='agencyshortlistentry',
                    name='agency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.homecareagency'),
                ),
                migrations.AlterField(
                    model_name='capacitychange',
                    name='agency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='capacity_changes', to='registers.homecareagency'),
                ),
                migrations.AlterField(
                    model_name='covereddistrict',
                    name='agency',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='districts', to='registers.homecareagency'),
                ),
                migrations.AlterField(
                    model_name='covereddistrict',
                    name='district',
                    field=models.ForeignKey(limit_choices_to={'is_sector': False}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registers.postcodearea'),
                ),
            ],
            database_operations=[],
        ),
    ]
