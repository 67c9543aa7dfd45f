"""Hand-written SQL, where a measurement said the ORM cost more than the query.

Rows come back named (from the cursor's description), never unpacked by
position; table names come from the models (``table(Model)``), never typed.
"""

from dataclasses import dataclass
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


def one_related(model, where: str, params=(), *, using: str, related: tuple[str, ...]):
    """``one`` with the rows ``related`` names read in the same statement and set on it, as
    ``select_related(*related)`` sets them ("provider", "local_authority__region", a reverse
    one-to-one such as "vacancies"): the ORM compiled such a query in 0.65 ms for a home's page
    (docs/adr/023-everyday-pages-speed.md). None if no row matches; a related row that is not
    there is None, as the ORM's."""
    steps = _related_steps(model, tuple(related))
    select = ", ".join([columns(model, "t0"), *(columns(step.model, step.alias) for step in steps)])
    joins = " ".join(step.join for step in steps)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT {select} FROM (SELECT * FROM {table(model)} WHERE {where} LIMIT 1) AS t0 {joins}",  # noqa: S608
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    found = [instance(model, using, row)]
    start = len(_chosen(model, None))
    for step in steps:
        values = row[start : start + step.width]
        start += step.width
        made = None if values[step.pk_index] is None else instance(step.model, using, values)
        if (parent := found[step.parent]) is not None:
            step.set(parent, made)
        found.append(made)
    return found[0]


@dataclass(frozen=True)
class _Step:
    """One related row of ``one_related``: its model, the alias and join it is read by, whose
    row (an index into the rows read before it) it hangs from, and how it is set there."""

    model: type
    alias: str
    join: str
    parent: int
    width: int
    pk_index: int
    field: object  # the forward field, or the reverse one-to-one relation

    def set(self, parent, made) -> None:
        self.field.set_cached_value(parent, made)
        if made is not None and self.field.one_to_one:
            self.field.remote_field.set_cached_value(made, parent)


@cache
def _related_steps(model, related: tuple[str, ...]) -> list[_Step]:
    quote = connection.ops.quote_name
    _read_as_stored(model)
    steps, index_of = [], {(): 0}
    for path in related:
        parts = tuple(path.split("__"))
        for depth in range(1, len(parts) + 1):
            if parts[:depth] in index_of:
                continue
            parent = index_of[parts[: depth - 1]]
            owner = model if parent == 0 else steps[parent - 1].model
            field = owner._meta.get_field(parts[depth - 1])
            reverse = field.auto_created and not field.concrete  # a reverse one-to-one ("vacancies")
            if not (field.one_to_one or (field.many_to_one and not reverse)):
                raise ValueError(f"{path}: only forward relations and reverse one-to-ones are read")
            target, alias = _read_as_stored(field.related_model), f"t{len(steps) + 1}"
            if reverse:
                on = f"{alias}.{quote(field.field.column)} = t{parent}.{quote(field.field.target_field.column)}"
            else:
                on = f"{alias}.{quote(field.target_field.column)} = t{parent}.{quote(field.column)}"
            chosen = _chosen(target, None)
            steps.append(_Step(target, alias, f"LEFT JOIN {table(target)} AS {alias} ON {on}", parent, len(chosen),
                               chosen.index(target._meta.pk), field))  # fmt: skip
            index_of[parts[:depth]] = len(steps)
    return steps


def _read_as_stored(model):
    """``model``, if the values its columns hold are its fields' values (no field the ORM converts
    when it reads, which ``instance`` does not do)."""
    if any(field.get_db_converters(connection) for field in model._meta.concrete_fields):
        raise ValueError(f"{model.__name__} has fields the ORM converts: read it through the ORM")
    return model


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
