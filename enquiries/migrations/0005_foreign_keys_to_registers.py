"""Its foreign keys to homes' old models point at the same models in registers
(docs/adr/021-layers-for-every-reference.md): in Django's state only. The tables and their
constraints are as they were, so the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enquiries', '0004_package_requests'),
        ('registers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='package',
                    name='district',
                    field=models.ForeignKey(limit_choices_to={'is_sector': False}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registers.postcodearea'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='home',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='registers.carehome'),
                ),
            ],
            database_operations=[],
        ),
    ]
