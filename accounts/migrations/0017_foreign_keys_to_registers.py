"""Its foreign keys to homes' old models point at the same models in registers
(docs/adr/021-layers-for-every-reference.md): in Django's state only. The tables and their
constraints are as they were, so the database is not touched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0016_audit_actions_registered_by_apps'),
        ('registers', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='invitation',
                    name='home',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='invitation',
                    name='local_authority',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.localauthority'),
                ),
                migrations.AlterField(
                    model_name='invitation',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.provider'),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='home',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='registers.carehome'),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='local_authority',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.localauthority'),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='provider',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='registers.provider'),
                ),
                migrations.AlterField(
                    model_name='team',
                    name='local_authority',
                    field=models.ForeignKey(blank=True, help_text="A brokerage team's council", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registers.localauthority'),
                ),
            ],
            database_operations=[],
        ),
    ]
