-- The changes feed (ADR 013): a statement that changed a home's held beds notes the home once per
-- transaction.
-- As in the database now; last applied by migrations api 0002, 0003.

CREATE OR REPLACE FUNCTION api_note_vacancies_bedhold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT DISTINCT ON (changed.home_id) pg_current_xact_id()::text::bigint, changed.home_id,
           h.local_authority_id, h.provider_id
      FROM changed LEFT JOIN homes_carehome h ON h.id = changed.home_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_insert AFTER INSERT ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_bedhold();

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_update AFTER UPDATE ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_bedhold();

CREATE OR REPLACE TRIGGER api_change_vacancies_bedhold_delete AFTER DELETE ON vacancies_bedhold
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_vacancies_bedhold();
