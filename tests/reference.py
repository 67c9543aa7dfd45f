"""Reference data for tests: councils, regions and postcode areas (a data
migration) and a few real postcodes, loaded once into each test database.

A transactional test (a browser test's live server, say) ends with Django's
flush, which empties every table. Rather than each later test loading the
reference data again (half a second each, and inside a rolled-back test it
never stays), a copy of every table that holds rows once the database is set
up is kept in a schema of its own, which flush does not touch, and put back
by the post_migrate signal that flush sends when it has finished: every test
then starts from the same set-up database, whatever ran before it.

Django's flush empties every table (sixty-odd, each a new file for PostgreSQL), fills content
types and permissions again and then this copy is put back: half a second or more after every
transactional test. On the embedded cluster `reset_to_set_up` reaches the same state directly
(docs/adr/026-test-time.md): it empties the tables that hold rows and puts back only the kept
tables a test changed."""

import importlib
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
from django.db.models.signals import post_migrate
from django.test import TransactionTestCase

from homes.postcodes import load_postcodes
from registers.models import LocalAuthority, Postcode

TEST_POSTCODES = Path(__file__).resolve().parent / "data" / "postcodes.csv"
COPY = "set_up_copy"
# Above this many rows a table is truncated rather than deleted from (a dataset test's tables).
FEW_ROWS = 5_000
BIG_FILE = 8 * 1024 * 1024  # bytes


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
        _copied.clear()
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


def _kept_tables(cursor) -> list[str]:
    cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [COPY])
    return [table for (table,) in cursor.fetchall()]


def _fingerprint(cursor, table: str, schema: str = "public") -> str | None:
    quoted = f"{schema}.{connection.ops.quote_name(table)}"
    cursor.execute(f"SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM {quoted} r")  # noqa: S608 - our table
    return cursor.fetchone()[0]


_copied: dict[tuple[str, str], str | None] = {}


def _copy_fingerprint(cursor, using: str, table: str) -> str | None:
    key = (connections[using].settings_dict["NAME"], table)
    if key not in _copied:
        _copied[key] = _fingerprint(cursor, table, COPY)
    return _copied[key]


def reset_to_set_up(using: str) -> bool:
    """The database as the set-up left it, as Django's flush followed by the put-back leaves it
    (every other table empty, the kept tables as copied), without touching a table that is as it
    should be. Rows are deleted with triggers and foreign-key checks off, as TRUNCATE (what flush
    runs) fires no row trigger either; a table with many rows is truncated. Needs a superuser (the
    embedded cluster's); False, with nothing done, for anyone else."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return False
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        kept = _kept_tables(cursor)
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608
                f"LIMIT {FEW_ROWS + 1}) few), pg_relation_size(quote_ident(%s)::regclass)"
                for table in tables
            ),
            [name for table in tables for name in (table, table)],
        )
        found = cursor.fetchall()
        rows = {table: count for table, count, _ in found if count}
        cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers, no foreign-key checks
        # Truncated, as flush would: a table of many rows, and one whose pages a rolled-back dataset
        # build left full of dead rows (every later query would read them until a vacuum).
        many = [table for table, count, size in found if (count > FEW_ROWS or size > BIG_FILE) and table not in kept]
        if many:
            cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(table) for table in many)} CASCADE")
        for table in rows.keys() - set(many) - set(kept):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table
        for table in kept:
            if _fingerprint(cursor, table) != _copy_fingerprint(cursor, using, table):
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608 - our table
                cursor.execute(f"INSERT INTO {quoted} SELECT * FROM {COPY}.{quoted}")  # noqa: S608 - our table
    ContentType.objects.clear_cache()  # a test may have made or removed content types
    return True


@contextmanager
def quicker_flush():
    """Transactional tests end with `reset_to_set_up` rather than Django's flush where it can."""
    flush = TransactionTestCase._fixture_teardown

    def teardown(test_case):
        if test_case.available_apps is not None or test_case.serialized_rollback:
            return flush(test_case)
        for alias in test_case._databases_names(include_mirrors=False):
            if not reset_to_set_up(alias):
                return flush(test_case)
        return None

    with mock.patch.object(TransactionTestCase, "_fixture_teardown", teardown):
        yield
