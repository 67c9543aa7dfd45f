"""A board's update that kept the home open or closed as it was sets the search entries' freshness
and the whole-home entry's beds alone, instead of refreshing them whole: an update of the figures
refreshed the home's entries twice, once for its categories and once for its board (the text as
vacancies/sql/vacancies_search_board_changed.sql says, copied in: migrations are frozen)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION vacancies_search_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kept bigint[] := ARRAY(
        SELECT changed.home_id FROM changed JOIN previous ON previous.home_id = changed.home_id
         WHERE changed.closed_to_admissions IS NOT DISTINCT FROM previous.closed_to_admissions);
    others bigint[] := ARRAY(SELECT home_id FROM changed WHERE NOT home_id = ANY(kept));
BEGIN
    IF cardinality(kept) > 0 THEN
        -- The homes locked as vacancies_refresh_search locks them, so the two never interleave on a
        -- home: the statement after the lock sees every refresh committed before it.
        PERFORM 1 FROM homes_carehome WHERE id = ANY(kept) ORDER BY id FOR NO KEY UPDATE;
        UPDATE vacancies_searchentry e
           SET last_confirmed_at = changed.last_confirmed_at,
               beds = CASE WHEN e.category = '' THEN changed.vacant_accepting_total ELSE e.beds END
          FROM changed
         WHERE e.home_id = changed.home_id AND changed.home_id = ANY(kept)
           AND (e.last_confirmed_at IS DISTINCT FROM changed.last_confirmed_at
                OR (e.category = '' AND e.beds IS DISTINCT FROM changed.vacant_accepting_total));
    END IF;
    IF cardinality(others) > 0 THEN
        PERFORM vacancies_refresh_search(others);
    END IF;
    RETURN NULL;
END $$;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION vacancies_search_board_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    confirmed bigint[] := ARRAY(
        SELECT changed.home_id FROM changed JOIN previous ON previous.home_id = changed.home_id
         WHERE (changed.closed_to_admissions, changed.vacant_accepting_total)
               IS NOT DISTINCT FROM (previous.closed_to_admissions, previous.vacant_accepting_total));
    others bigint[] := ARRAY(SELECT home_id FROM changed WHERE NOT home_id = ANY(confirmed));
BEGIN
    IF cardinality(confirmed) > 0 THEN
        -- The homes locked as vacancies_refresh_search locks them, so the two never interleave on a
        -- home: the statement after the lock sees every refresh committed before it.
        PERFORM 1 FROM homes_carehome WHERE id = ANY(confirmed) ORDER BY id FOR NO KEY UPDATE;
        UPDATE vacancies_searchentry e SET last_confirmed_at = changed.last_confirmed_at
          FROM changed
         WHERE e.home_id = changed.home_id AND changed.home_id = ANY(confirmed)
           AND e.last_confirmed_at IS DISTINCT FROM changed.last_confirmed_at;
    END IF;
    IF cardinality(others) > 0 THEN
        PERFORM vacancies_refresh_search(others);
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0015_search_confirm_sets_freshness")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
