"""Hand-written SQL, where a measurement said the ORM cost more than the query.

Rows come back named (from the cursor's description), never unpacked by
position; table names come from the models (``table(Model)``), never typed.
"""

from django.db import connection, connections

from tracker.replicas import reading


def table(model) -> str:
    """A model's table, quoted for SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def named_rows(sql: str, params=()) -> list[dict]:
    """Run ``sql`` (a read: on the replica when this request reads from it) and return its
    rows as dicts keyed by column name."""
    with connections[reading()].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def value(sql: str, params=()):
    """The one value ``sql`` (a read) returns."""
    with connections[reading()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
