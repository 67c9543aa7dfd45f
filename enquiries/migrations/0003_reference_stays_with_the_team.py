"""The team's own reference stays with the team (issue 24): records that others read name an
enquiry by its team and number ("Leeds discharge hub, enquiry 123"), never by the team's
reference. Earlier, a held bed carried "<team>, enquiry <reference>" into the home's history
(which its council reads and downloads) and the audit trail named enquiries by reference:
this rewrites those records to the number. Nothing else in them changes."""

from django.db import migrations


def name_by_number(apps, schema_editor):
    table = {name: apps.get_model(*name.split(".", 1))._meta.db_table for name in (
        "enquiries.Enquiry", "enquiries.Referral", "accounts.Team", "accounts.AuditEvent", "vacancies.BedHold",
        "vacancies.VacancyUpdate", "vacancies.VacancyChange",
    )}  # fmt: skip
    names = f"""
        SELECT e.id, r.home_id, r.hold_id,
               t.name || ', enquiry ' || e.reference AS by_reference,
               t.name || ' ' || e.reference AS audited_as,
               t.name || ', enquiry ' || e.id AS by_number
        FROM {table["enquiries.Enquiry"]} e
        JOIN {table["accounts.Team"]} t ON t.id = e.team_id
        JOIN {table["enquiries.Referral"]} r ON r.enquiry_id = e.id
    """
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE {table["vacancies.VacancyChange"]} c
            SET old_value = left(replace(c.old_value, n.by_reference, n.by_number), 100),
                new_value = left(replace(c.new_value, n.by_reference, n.by_number), 100)
            FROM ({names}) n, {table["vacancies.VacancyUpdate"]} u
            WHERE c.update_id = u.id AND u.home_id = n.home_id AND n.hold_id IS NOT NULL
              AND c.field = 'held'
              AND (strpos(c.old_value, n.by_reference) > 0 OR strpos(c.new_value, n.by_reference) > 0)
        """)  # fmt: skip
        cursor.execute(f"""
            UPDATE {table["vacancies.BedHold"]} h SET held_for = n.by_number
            FROM ({names}) n WHERE h.id = n.hold_id AND h.held_for = n.by_reference
        """)  # fmt: skip
        cursor.execute(f"""
            UPDATE {table["accounts.AuditEvent"]} a SET target = left(n.by_number, 200)
            FROM (SELECT DISTINCT audited_as, by_number FROM ({names}) named) n
            WHERE a.action IN ('enquiry_sent', 'placement_confirmed', 'enquiry_withdrawn')
              AND a.target = left(n.audited_as, 200)
        """)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0002_transitions"),
        ("accounts", "0013_two_factor_changed"),
        ("vacancies", "0012_via_api_key"),
    ]

    operations = [migrations.RunPython(name_by_number, migrations.RunPython.noop)]
