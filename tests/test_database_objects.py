"""The database's functions, triggers and views are exactly those declared in the apps' sql/
folders (docs/adr/022-database-objects.md): none missing, none extra, none different. Each
declared file is run over the migrated database inside a savepoint; PostgreSQL's own account of
every object must be the same before and after."""

import pytest
from django.db import connection, transaction

from api.database import OBJECTS as API
from enquiries.database import OBJECTS as ENQUIRIES
from registers.choices import RATING_RANK, CqcRating
from tracker.database_objects import statements
from vacancies.database import OBJECTS as VACANCIES
from vacancies.database import rating_rank

pytestmark = pytest.mark.django_db

DECLARED = [*VACANCIES.values(), *API.values(), *ENQUIRIES.values()]

# PostgreSQL's definition of each of our objects (an extension's own are not ours).
DEFINITIONS = """
SELECT 'FUNCTION ' || p.proname, pg_get_functiondef(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'TRIGGER ' || t.tgname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND NOT t.tgisinternal
UNION ALL
SELECT 'VIEW ' || c.relname, pg_get_viewdef(c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm')
"""


def definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(DEFINITIONS)
        return dict(cursor.fetchall())


def after_running(sql_statements) -> dict[str, str]:
    """The definitions once ``sql_statements`` have run, the database then put back."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in sql_statements:
                cursor.execute(statement)
        found = definitions()
        transaction.set_rollback(True)
    return found


def test_every_function_trigger_and_view_is_declared_once():
    declared = [f"{kind} {name}" for file in DECLARED for kind, name in file.objects()]
    assert len(declared) == len(set(declared)), "an object declared in two files"
    assert set(definitions()) == set(declared)


def test_the_database_holds_what_the_files_declare():
    before = definitions()
    after = after_running(statement for file in DECLARED for statement in file.statements())
    changed = sorted(name for name in before if before[name] != after[name])
    assert not changed, f"the database differs from the files for: {', '.join(changed)}"


def test_a_function_changed_behind_the_files_back_would_be_found():
    """The check can fail: an object the database holds differently from its file is named."""
    behind_their_back = "CREATE OR REPLACE FUNCTION vacancies_held(holds timestamptz[]) RETURNS integer " \
        "LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT 0 $$"  # fmt: skip
    drifted = after_running([behind_their_back])
    redeclared = after_running([behind_their_back, *VACANCIES["vacancies_held"].statements()])
    assert drifted["FUNCTION vacancies_held"] != definitions()["FUNCTION vacancies_held"]
    assert redeclared == definitions()


def test_the_rating_order_is_written_once_in_python():
    """The search entries rank ratings by registers.choices.RATING_RANK, filled into the view's SQL."""
    assert rating_rank("h.cqc_rating") == (
        "CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3 WHEN 'requires_improvement' THEN 2 "
        "WHEN 'inadequate' THEN 1 ELSE 0 END"
    )
    assert RATING_RANK[CqcRating.OUTSTANDING] > RATING_RANK[CqcRating.GOOD]
    assert "{{" not in VACANCIES["vacancies_searchsource"].sql
    assert VACANCIES["vacancies_searchsource"].sql.count(rating_rank("h.cqc_rating")) == 2


def test_statements_split_outside_function_bodies_and_comments():
    sql = "-- a comment; not a statement\nCREATE FUNCTION f() AS $$\nBEGIN\n  x;\nEND $$;\nCREATE VIEW v AS SELECT 1;\n"
    assert statements(sql) == ["CREATE FUNCTION f() AS $$\nBEGIN\n  x;\nEND $$;", "CREATE VIEW v AS SELECT 1;"]
