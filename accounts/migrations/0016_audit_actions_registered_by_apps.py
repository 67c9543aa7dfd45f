# The audit trail's actions are registered by the apps that record them (ADR 021): the
# column keeps its values and loses the list of choices that named every app's actions.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0015_cqc_facts_corrected'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(max_length=30),
        ),
    ]
