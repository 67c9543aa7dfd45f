-- The changes feed (ADR 013): a statement that changed a home's figures notes the home once per
-- transaction.
-- As in the database now; last applied by migrations api 0002, 0003.

CREATE OR REPLACE FUNCTION api_note_vacancies_homevacancies() RETURNS trigger LANGUAGE plpgsql AS $$
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
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_homevacancies();

CREATE OR REPLACE TRIGGER api_change_vacancies_homevacancies_update AFTER UPDATE ON vacancies_homevacancies
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_homevacancies();

CREATE OR REPLACE TRIGGER api_change_vacancies_homevacancies_delete AFTER DELETE ON vacancies_homevacancies
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_homevacancies();
