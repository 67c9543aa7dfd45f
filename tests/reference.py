"""Reference data for tests: councils, regions and postcode areas (a data
migration) and a few real postcodes, loaded once into each test database.

A transactional test (a browser test's live server, say) ends with Django's
flush, which empties every table. Rather than each later test loading the
reference data again (half a second each, and inside a rolled-back test it
never stays), a copy of every table that holds rows once the database is set
up is kept in a schema of its own, which flush does not touch, and put back
by the post_migrate signal that flush sends when it has finished: every test
then starts from the same set-up database, whatever ran before it."""

import importlib
from pathlib import Path

from django.apps import apps as django_apps
from django.db import connection, connections, transaction
from django.db.models.signals import post_migrate

from homes.models import LocalAuthority, Postcode
from homes.postcodes import load_postcodes

TEST_POSTCODES = Path(__file__).resolve().parent / "data" / "postcodes.csv"
COPY = "set_up_copy"


def ensure_reference_data():
    """Regions, councils and postcode areas come from a data migration (a database built
    without migrations lacks them); the test postcodes are ours."""
    if not LocalAuthority.objects.exists():
        migration = importlib.import_module("homes.migrations.0003_reference_data")
        migration.load(django_apps, None)
    if not Postcode.objects.exists():
        load_postcodes(TEST_POSTCODES)


def _tables_with_rows(cursor) -> list[str]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with_rows = []
    for table in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608 - our table
        if cursor.fetchone()[0]:
            with_rows.append(table)
    return with_rows


def keep_set_up_data():
    """Copy every table that holds rows now, and put the copy back after each flush."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {COPY} CASCADE")
        cursor.execute(f"CREATE SCHEMA {COPY}")
        for table in _tables_with_rows(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {COPY}.{quoted} AS TABLE {quoted}")
    post_migrate.connect(_put_back_after_flush, sender=_last_app(), dispatch_uid=COPY)


def stop_putting_back():
    post_migrate.disconnect(sender=_last_app(), dispatch_uid=COPY)


def _last_app():
    """post_migrate is sent once for each app with models, in order: the last is the end of a flush."""
    return [app for app in django_apps.get_app_configs() if app.models_module is not None][-1]


def _put_back_after_flush(sender, using, **kwargs):
    """The tables still empty take their copy back (those that post_migrate itself fills,
    content types and permissions, have been filled by then)."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django makes them deferrable), so the order is free.
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [COPY])
        for (table,) in cursor.fetchall():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"INSERT INTO {quoted} SELECT * FROM {COPY}.{quoted} "  # noqa: S608 - our tables
                f"WHERE NOT EXISTS (SELECT 1 FROM {quoted})"
            )
