"""Its foreign keys to homes' old models point at the same models in registers
(docs/adr/021-layers-for-every-reference.md): in Django's state only. The tables and their
constraints are as they were, so the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registers', '0001_initial'),
        ('returns', '0001_monthly_returns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='monthlyreturn',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='monthly_returns', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='returnreminder',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.carehome'),
                ),
            ],
            database_operations=[],
        ),
    ]
