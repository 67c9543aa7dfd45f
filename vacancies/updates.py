"""Saving a home's vacancies: all categories in one transaction, every changed
value in the history, and no lost updates when two people save at once."""

import datetime

from django.db import connection, connections, transaction
from django.utils import timezone

from registers.models import CareHome
from tracker.replicas import reading
from tracker.sql import columns, instance, table
from vacancies.models import CategoryVacancy, HomeVacancies, VacancyChange, VacancyUpdate

CATEGORY_FIELDS = [
    "capacity",
    "occupied",
    "vacant_accepting",
    "vacant_unavailable",
    "unavailable_reason",
    "sex",
    "closed",
    "closed_reason",
    "reopening_date",
]
HOME_FIELDS = ["closed_to_admissions", "closed_reason", "reopening_date"]


class Conflict(Exception):
    """Someone saved since the form was loaded; ``changes`` says what they changed."""

    def __init__(self, changes: list[VacancyChange], version: int):
        super().__init__("vacancies changed since the form was loaded")
        self.changes = changes
        self.version = version


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def board_for(home: CareHome, *, lock: bool = False) -> HomeVacancies:
    """The home's HomeVacancies row, created on first use (locked with ``lock``: one
    SELECT ... FOR UPDATE when it exists; a row this transaction creates is its own)."""
    queryset = HomeVacancies.objects.select_for_update() if lock else HomeVacancies.objects
    return queryset.get_or_create(home=home)[0]


def changes_since(home: CareHome, version: int) -> list[VacancyChange]:
    return list(
        VacancyChange.objects.filter(update__home=home, update__version__gt=version)
        .select_related("update__made_by")
        .order_by("id")
    )


def locked_figures(home: CareHome) -> tuple[HomeVacancies, dict[str, CategoryVacancy]]:
    """The home's board and its categories' rows (by category), locked until the transaction
    ends: what a save reads first. A page that shows them and then saves in one transaction
    reads them once (vacancies.views.update)."""
    return figures(home, lock=True)


def figures(home: CareHome, *, lock: bool = False) -> tuple[HomeVacancies, dict[str, CategoryVacancy]]:
    """The home's board and its categories' rows (by category) in one statement, each locked
    as it is read (the board's with the first) with ``lock``; the update page's own read without."""
    using = connection.alias if lock else reading()
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(HomeVacancies, 'board')}, {columns(CategoryVacancy, 'category')} "  # noqa: S608
            f"FROM {table(HomeVacancies)} AS board "
            f"JOIN {table(CategoryVacancy)} AS category ON category.home_id = board.home_id "
            f"WHERE board.home_id = %s ORDER BY category.category{' FOR UPDATE' if lock else ''}",
            [home.pk],
        )
        rows = cursor.fetchall()
    if not rows:  # no figures yet: the board alone (made on first use)
        return board_for(home, lock=lock), {}
    board = instance(HomeVacancies, using, rows[0])
    cut = len(HomeVacancies._meta.concrete_fields)
    categories = (instance(CategoryVacancy, using, row[cut:]) for row in rows)
    return board, {row.category: row for row in categories}


def save_vacancies(
    home: CareHome,
    user,
    *,
    loaded_version: int,
    categories: dict[str, dict],
    home_values: dict,
    via: str = "",
    locked: tuple[HomeVacancies, dict[str, CategoryVacancy]] | None = None,
) -> VacancyUpdate:
    """Write the home's figures. ``categories`` maps a category to its form values
    (new categories included). Raises Conflict if the figures changed since
    ``loaded_version``; then nothing is written. ``via``: the system that sent them
    (an API key's name) when no person did. ``locked``: ``locked_figures(home)`` read
    already in the caller's transaction (not read again; the writes join that transaction).

    Only the categories that changed are written, in one statement: each statement on the
    figures runs the search entries' and the changes feed's triggers once."""
    if locked is None:
        with transaction.atomic():
            return _save(home, user, loaded_version, categories, home_values, via, locked_figures(home))
    return _save(home, user, loaded_version, categories, home_values, via, locked)


def _save(home, user, loaded_version, categories, home_values, via, locked) -> VacancyUpdate:
    board, existing = locked
    if board.version != loaded_version:
        raise Conflict(changes_since(home, loaded_version), board.version)
    now = timezone.now()
    changes: list[VacancyChange] = []
    changed: list[CategoryVacancy] = []
    for category, values in categories.items():
        row = existing.get(category)
        is_new = row is None
        if is_new:
            row = existing[category] = CategoryVacancy(home=home, category=category, capacity=0)
        before = len(changes)
        for name in CATEGORY_FIELDS:
            old, new = getattr(row, name), values[name]
            if is_new or old != new:
                changes.append(
                    VacancyChange(
                        category=category, field=name, old_value="" if is_new else _text(old), new_value=_text(new)
                    )
                )
                setattr(row, name, new)
        if is_new:
            row.save()
        elif len(changes) > before:
            changed.append(row)
    for name in HOME_FIELDS:
        old, new = getattr(board, name), home_values[name]
        if old != new:
            changes.append(VacancyChange(category="", field=name, old_value=_text(old), new_value=_text(new)))
            setattr(board, name, new)
    if changes:
        board.version += 1
    board.vacant_accepting_total = (
        0 if board.closed_to_admissions else sum(row.accepting_now for row in existing.values())
    )
    board.last_confirmed_at, board.last_confirmed_by, board.last_confirmed_from_reminder = now, user, False
    board.last_confirmed_via = via
    kind = VacancyUpdate.Kind.UPDATE if changes else VacancyUpdate.Kind.NO_CHANGE
    update = VacancyUpdate(home=home, kind=kind, made_by=user, made_at=now, version=board.version, via=via)
    update.pk = _write(board, changed, update, changes)
    for change in changes:
        change.update = update
    return update


def _columns(model, names: list[str]) -> dict[str, str]:
    """Each field's column and its SQL type."""
    fields = [model._meta.get_field(name) for name in names]
    return {field.column: field.db_type(connection) for field in fields}


CATEGORY_COLUMNS = _columns(CategoryVacancy, CATEGORY_FIELDS)
BOARD_COLUMNS = _columns(HomeVacancies, [*HOME_FIELDS, "last_confirmed_at", "last_confirmed_by",
                                         "last_confirmed_from_reminder", "last_confirmed_via",
                                         "vacant_accepting_total", "version"])  # fmt: skip
CHANGE_COLUMNS = _columns(VacancyChange, ["category", "field", "old_value", "new_value"])


def _unnest(prefix: str, columns: dict[str, str]) -> str:
    return "UNNEST(" + ", ".join(f"%({prefix}{column})s::{kind}[]" for column, kind in columns.items()) + ")"


def _write(board: HomeVacancies, changed: list[CategoryVacancy], update: VacancyUpdate, changes) -> int:
    """One statement writes a save: the changed categories, the board, the update and its
    changes (the ORM's bulk update, save and two inserts cost about three times as much:
    docs/adr/023-everyday-pages-speed.md). Each table's triggers still run once, after it,
    and see the whole save. Returns the update's id."""
    params = {f"board_{column}": getattr(board, column) for column in BOARD_COLUMNS}
    params |= {f"change_{column}": [getattr(change, column) for change in changes] for column in CHANGE_COLUMNS}
    params |= {"home": board.home_id, "kind": update.kind, "made_by": update.made_by_id, "made_at": update.made_at,
               "via": update.via}  # fmt: skip
    categories = ""
    if changed:
        given = {"id": "bigint", **CATEGORY_COLUMNS}
        params |= {f"category_{column}": [getattr(row, column) for row in changed] for column in given}
        categories = f"""
            categories AS (
                UPDATE {table(CategoryVacancy)} AS category
                   SET {", ".join(f"{column} = given.{column}" for column in CATEGORY_COLUMNS)}
                  FROM {_unnest("category_", given)} AS given({", ".join(given)})
                 WHERE category.id = given.id
            ),"""  # noqa: S608 - as below
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {categories}
            board AS (
                UPDATE {table(HomeVacancies)}
                   SET {", ".join(f"{column} = %(board_{column})s" for column in BOARD_COLUMNS)}
                 WHERE home_id = %(home)s
            ),
            made AS (
                INSERT INTO {table(VacancyUpdate)} (home_id, kind, made_by_id, made_at, version, via)
                VALUES (%(home)s, %(kind)s, %(made_by)s, %(made_at)s, %(board_version)s, %(via)s)
                RETURNING id
            ),
            changes AS (
                INSERT INTO {table(VacancyChange)} (update_id, {", ".join(CHANGE_COLUMNS)})
                SELECT made.id, given.* FROM made, {_unnest("change_", CHANGE_COLUMNS)} AS given
            )
            SELECT id FROM made
            """,  # noqa: S608 - table and column names from the models, every value a parameter
            params,
        )
        return cursor.fetchone()[0]


def confirm_no_change(homes: list[CareHome], user, kind=VacancyUpdate.Kind.NO_CHANGE, *, via: str = "") -> int:
    """ "No change today" for each home that has figures: freshness only. Returns how many.
    ``kind``: how it was confirmed (signed in, or from a reminder's link with nobody signed in);
    ``via``: the system that confirmed (an API key's name) when no person did.

    One statement: the UPDATE locks each board as a SELECT ... FOR UPDATE did (a save under
    way is waited for, and the version it wrote is the one the history records), and the
    history's rows are made from what it returns (docs/adr/023-everyday-pages-speed.md)."""
    now = timezone.now()
    made_by = user.pk if user is not None else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH confirmed AS (
                UPDATE {table(HomeVacancies)} AS board
                   SET last_confirmed_at = %(now)s, last_confirmed_by_id = %(made_by)s,
                       last_confirmed_from_reminder = %(from_reminder)s, last_confirmed_via = %(via)s
                 WHERE board.home_id = ANY(%(homes)s)
                   AND EXISTS (SELECT 1 FROM {table(CategoryVacancy)} AS row WHERE row.home_id = board.home_id)
             RETURNING board.home_id, board.version
            )
            INSERT INTO {table(VacancyUpdate)} (home_id, kind, made_by_id, made_at, version, via)
            SELECT home_id, %(kind)s, %(made_by)s, %(now)s, version, %(via)s FROM confirmed
            """,  # noqa: S608 - table names from the models, every value a parameter
            {
                "now": now,
                "made_by": made_by,
                "from_reminder": kind == VacancyUpdate.Kind.FROM_REMINDER,
                "via": via,
                "homes": [home.pk for home in homes],
                "kind": str(kind),
            },
        )
        return cursor.rowcount
