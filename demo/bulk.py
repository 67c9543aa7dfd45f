"""Loading many rows at once for the synthetic dataset: PostgreSQL's COPY."""

from django.db import connection


def copy_rows(model, fields: list[str], rows, *, keep_existing: bool = False) -> int:
    """COPY ``rows`` (tuples in the order of ``fields``, the model's field names) into ``model``'s table.
    ``keep_existing``: rows that clash with one already there (a unique constraint) are left out."""
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    columns = ", ".join(by_attname[name] for name in fields)  # a KeyError names a field the model lacks
    table = model._meta.db_table
    target = f"{table}_incoming" if keep_existing else table
    count = 0
    with connection.cursor() as cursor:
        if keep_existing:
            cursor.execute(f"CREATE TEMPORARY TABLE {target} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY)")
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if keep_existing:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {target} ON CONFLICT DO NOTHING"  # noqa: S608
            )
            cursor.execute(f"DROP TABLE {target}")
        if "id" in fields:  # explicit ids were given: the next one made normally follows them
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))")  # noqa: S608
    return count
