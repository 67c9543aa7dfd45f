-- Search entries (ADR 007): a statement that changed homes refreshes their entries.
-- As in the database now; last applied by migrations vacancies 0004.

CREATE OR REPLACE FUNCTION vacancies_search_homes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_refresh_search(ARRAY(SELECT DISTINCT id FROM changed));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER search_homes_carehome_insert AFTER INSERT ON homes_carehome
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_homes_changed();

CREATE OR REPLACE TRIGGER search_homes_carehome_update AFTER UPDATE ON homes_carehome
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_homes_changed();

CREATE OR REPLACE TRIGGER search_homes_carehome_delete AFTER DELETE ON homes_carehome
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_homes_changed();
