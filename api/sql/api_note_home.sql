-- The changes feed (ADR 013): a statement that changed a care home's figures, its category figures
-- or its held beds notes the home once per transaction, with its council and provider. One function
-- for the three tables: each has a home_id, and what a change of any of them means to a partner is
-- the same ("read this home again").
-- As in the database now; last applied by migration api 0010 (the three tables had a copy each,
-- from migrations api 0002 and 0003).

CREATE OR REPLACE FUNCTION api_note_home() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT DISTINCT ON (changed.home_id) pg_current_xact_id()::text::bigint, changed.home_id,
           h.local_authority_id, h.provider_id
      FROM changed LEFT JOIN homes_carehome h ON h.id = changed.home_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_change_vacancies_homevacancies_insert AFTER INSERT ON vacancies_homevacancies
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_homevacancies_update AFTER UPDATE ON vacancies_homevacancies
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_homevacancies_delete AFTER DELETE ON vacancies_homevacancies
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_categoryvacancy_insert AFTER INSERT ON vacancies_categoryvacancy
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_categoryvacancy_update AFTER UPDATE ON vacancies_categoryvacancy
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_categoryvacancy_delete AFTER DELETE ON vacancies_categoryvacancy
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_insert AFTER INSERT ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_update AFTER UPDATE ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_delete AFTER DELETE ON vacancies_bedhold
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_home();
