"""The changes feed's three functions for a home's figures, category figures and held beds were one
function written three times: now one, ``api_note_home``, called by the nine triggers (the text as
api/sql/api_note_home.sql now says, copied in: migrations are frozen)."""

from django.db import migrations

TABLES = ["vacancies_homevacancies", "vacancies_categoryvacancy", "vacancies_bedhold"]
BODY = """RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT DISTINCT ON (changed.home_id) pg_current_xact_id()::text::bigint, changed.home_id,
           h.local_authority_id, h.provider_id
      FROM changed LEFT JOIN homes_carehome h ON h.id = changed.home_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
"""


def triggers(table: str, function: str) -> str:
    return "".join(
        f"""
CREATE OR REPLACE TRIGGER api_change_{table}_{event.lower()} AFTER {event} ON {table}
    REFERENCING {rows} TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
        for event, rows in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")]
    )


ONE = (
    f"CREATE OR REPLACE FUNCTION api_note_home() {BODY}"
    + "".join(triggers(table, "api_note_home") for table in TABLES)
    + "".join(f"DROP FUNCTION api_note_{table}();\n" for table in TABLES)
)
THREE = (
    "".join(f"CREATE OR REPLACE FUNCTION api_note_{table}() {BODY}" for table in TABLES)
    + "".join(triggers(table, f"api_note_{table}") for table in TABLES)
    + "DROP FUNCTION api_note_home();\n"
)


class Migration(migrations.Migration):
    dependencies = [("api", "0009_agency_changes_feed")]

    operations = [migrations.RunSQL(ONE, THREE)]
