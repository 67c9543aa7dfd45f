import datetime

from django.db import migrations, models
from django.utils import timezone


def give_write_keys_a_year(apps, schema_editor):
    """Keys that set figures made before they had to expire: a year from now (docs/api.md)."""
    ApiKey = apps.get_model("api", "ApiKey")
    ApiKey.objects.filter(kind="provider", expires_at__isnull=True).update(
        expires_at=timezone.now() + datetime.timedelta(days=365)
    )


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0006_key_replaced_by"),
    ]

    operations = [
        migrations.RunPython(give_write_keys_a_year, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="apikey",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "provider"), _negated=True) | models.Q(("expires_at__isnull", False)),
                name="api_write_key_expires",
            ),
        ),
    ]
