"""Hand-written SQL, where a measurement said the ORM cost more than the query.

Rows come back named (from the cursor's description), never unpacked by
position; table names come from the models (``table(Model)``), never typed.
"""

from functools import cache

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


# ``one`` and ``row_values`` serve the API's per-request bookkeeping (api/keys.py): a key
# looked up and an audit event written without the ORM's query building, measured at
# 1.2 against 0.4 ms and 1.3 against 0.9 ms a request. Elsewhere, the ORM.


def one(model, where: str, params=(), *, using: str, also: dict[str, str] | None = None, fields=None):
    """The first ``model`` row matching ``where`` (SQL over its table), from the database
    ``using``, as an instance; or None. ``fields``: only these (and the primary key) read, the
    rest deferred, as ``.only(*fields)`` reads them. ``also`` names SQL expressions over the
    row, read in the same statement and set on the instance as attributes."""
    also = also or {}
    fields = tuple(fields) if fields else None
    names = ", ".join([columns(model, fields=fields), *also.values()])
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {table(model)} WHERE {where} LIMIT 1", params)  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return None
    found = instance(model, using, row, fields=fields)
    width = len(_chosen(model, fields))
    for name, found_value in zip(also, row[width:], strict=True):
        setattr(found, name, found_value)
    return found


@cache  # a model's fields do not change while the app runs
def _chosen(model, fields: tuple[str, ...] | None) -> tuple:
    """``model``'s concrete fields, or only those named and the primary key: in the model's
    order either way, which is the order ``from_db`` takes values in."""
    every = model._meta.concrete_fields
    if fields is None:
        return tuple(every)
    wanted = {model._meta.pk.attname, *(model._meta.get_field(name).attname for name in fields)}
    return tuple(field for field in every if field.attname in wanted)


@cache
def columns(model, prefix: str = "", fields: tuple[str, ...] | None = None) -> str:
    """``model``'s columns in its fields' order (only ``fields`` and the primary key, if named),
    for a SELECT (each as ``prefix.column`` when given); ``instance`` makes the row read back
    into the model."""
    quoted = (connection.ops.quote_name(field.column) for field in _chosen(model, fields))
    return ", ".join(f"{prefix}.{column}" if prefix else column for column in quoted)


def instance(model, using: str, values, fields: tuple[str, ...] | None = None):
    """A ``model`` instance from the first values of a row that selected ``columns(model)``
    (with the same ``fields``: the rest deferred)."""
    chosen = _chosen(model, fields)
    return model.from_db(using, [field.attname for field in chosen], values[: len(chosen)])


def row_values(model, values: dict) -> tuple[str, str, list]:
    """To insert one ``model`` row from ``values`` (by field or attribute name) in hand-written
    SQL: its columns, its placeholders (cast to the columns' types) and their parameters."""
    fields, names, placeholders = _insert_shape(model, tuple(values))
    return (
        names,
        placeholders,
        [field.get_db_prep_save(values[name], connection) for name, field in zip(values, fields, strict=True)],
    )


@cache  # the same few inserts, every request
def _insert_shape(model, names: tuple[str, ...]) -> tuple[list, str, str]:
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return fields, columns, ", ".join(f"%s::{field.db_type(connection)}" for field in fields)


def from_json(model, objects: list[dict] | None, using: str | None = None) -> list:
    """``model`` instances from its rows as JSON objects (``to_jsonb`` of the table's row, keyed
    by column; other keys are left for the caller): each value made its field's Python type again
    (JSON has no dates). ``using``: the database they were read from (where reads go now)."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    using = using or reading()
    return [
        model.from_db(using, names, [field.to_python(row[field.column]) for field in fields]) for row in objects or ()
    ]
