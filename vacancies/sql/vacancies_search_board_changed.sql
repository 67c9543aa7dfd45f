-- Search entries (ADR 007): a statement that changed homes' boards. Search reads three of a
-- board's columns: whether the home is closed (every entry's "open"), its beds accepting (the
-- whole-home entry's "beds") and when it was confirmed (every entry's freshness). A home whose
-- board changed in the last two alone (a confirm: "no change today", done by thousands of homes
-- every morning; an update of its figures, whose categories' own trigger refreshes their entries)
-- has just those set; a home opened or closed is refreshed whole.
-- As in the database now; last applied by migration vacancies 0016.

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

CREATE OR REPLACE TRIGGER search_vacancies_homevacancies_update AFTER UPDATE ON vacancies_homevacancies
    REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_board_changed();
