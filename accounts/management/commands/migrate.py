"""Django's ``migrate`` (then ``createcachetable``), after first moving a database made before accounts had
an app of its own (docs/adr/008-layout.md).

Until November 2026 the accounts models lived in the project package, app
label ``tracker``: tables ``tracker_user`` and friends, migrations recorded
as app ``tracker``. Django would refuse such a database (its migration
history names an app that no longer exists), so this renames them to
``accounts`` once, in one transaction, before Django reads the history. A
database made since has nothing to rename and is left alone.
"""

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections, transaction

OLD_LABEL, NEW_LABEL = "tracker", "accounts"
TABLES = ["user", "user_groups", "user_user_permissions", "membership", "invitation", "auditevent"]


def move_accounts_label(connection) -> bool:
    """Rename the old ``tracker_*`` accounts tables and records to ``accounts``; True if it did."""
    existing = set(connection.introspection.table_names())
    if f"{OLD_LABEL}_user" not in existing or f"{NEW_LABEL}_user" in existing:
        return False
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in TABLES:
            if f"{OLD_LABEL}_{table}" in existing:
                cursor.execute(f'ALTER TABLE "{OLD_LABEL}_{table}" RENAME TO "{NEW_LABEL}_{table}"')
        cursor.execute("UPDATE django_migrations SET app = %s WHERE app = %s", [NEW_LABEL, OLD_LABEL])
        if "django_content_type" in existing:
            cursor.execute("UPDATE django_content_type SET app_label = %s WHERE app_label = %s", [NEW_LABEL, OLD_LABEL])
    return True


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        if move_accounts_label(connections[options["database"]]) and options["verbosity"]:
            self.stdout.write("Moved the accounts tables from the old app label 'tracker' to 'accounts'.")
        result = super().handle(*args, **options)
        if not options["plan"] and not options["check_unapplied"]:
            # The shared cache's table (settings.CACHES "default"): made here, so every
            # release and every test database has it.
            call_command("createcachetable", database=options["database"], verbosity=0)
        return result
