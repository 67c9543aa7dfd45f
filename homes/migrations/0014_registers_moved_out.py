"""Homes forgets the models that moved to registers (docs/adr/021-layers-for-every-reference.md),
after every app's foreign keys point at registers' (their migrations this depends on), and
their content types follow them, so the admin's log entries and the permissions granted on
them stay theirs. Django's state only, but for the content types: the tables are the same."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["region", "localauthority", "postcodearea", "postcode", "provider", "carehome", "homecareagency"]


def relabel(apps, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects
    # A content type made under the new label before this ran (a `migrate` that stopped
    # between registers 0001 and here) holds nothing yet: the old one's rows win.
    content_types.filter(app_label=new, model__in=MOVED).delete()
    content_types.filter(app_label=old, model__in=MOVED).update(app_label=new)


def to_registers(apps, schema_editor):
    relabel(apps, "homes", "registers")


def back_to_homes(apps, schema_editor):
    relabel(apps, "registers", "homes")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("homes", "0013_cqc_register_agencies"),
        ("registers", "0001_initial"),
        ("accounts", "0017_foreign_keys_to_registers"),
        ("api", "0011_foreign_keys_to_registers"),
        ("enquiries", "0005_foreign_keys_to_registers"),
        ("homecare", "0004_foreign_keys_to_registers"),
        ("returns", "0002_foreign_keys_to_registers"),
        ("vacancies", "0014_foreign_keys_to_registers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="carehomechange",
                    name="home",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="changes", to="registers.carehome"),
                ),
                migrations.AlterField(
                    model_name="importcolumnmapping",
                    name="local_authority",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="registers.localauthority"),
                ),
                migrations.AlterField(
                    model_name="importjob",
                    name="local_authority",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registers.localauthority"),
                ),
                migrations.AlterField(
                    model_name="cqclocation",
                    name="local_authority",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registers.localauthority"),
                ),
                # Those that point at others first.
                migrations.DeleteModel(name="HomeCareAgency"),
                migrations.DeleteModel(name="CareHome"),
                migrations.DeleteModel(name="PostcodeArea"),
                migrations.DeleteModel(name="Postcode"),
                migrations.DeleteModel(name="Provider"),
                migrations.DeleteModel(name="LocalAuthority"),
                migrations.DeleteModel(name="Region"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_registers, back_to_homes),
    ]
