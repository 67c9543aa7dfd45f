-- The agencies' changes feed (ADR 013, 019): a statement that changed an agency's capacity, the care
-- it gives or the districts it covers notes the agency once per transaction.
-- As in the database now; last applied by migration api 0009.

CREATE OR REPLACE FUNCTION api_note_homecare_agency() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_agencychange (txid, home_id, local_authority_id, provider_id)
    SELECT DISTINCT ON (changed.agency_id) pg_current_xact_id()::text::bigint, changed.agency_id,
           h.local_authority_id, h.provider_id
      FROM changed LEFT JOIN homes_carehome h ON h.id = changed.agency_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_change_homecare_agencycapacity_insert AFTER INSERT ON homecare_agencycapacity
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();

CREATE OR REPLACE TRIGGER api_change_homecare_agencycapacity_update AFTER UPDATE ON homecare_agencycapacity
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();

CREATE OR REPLACE TRIGGER api_change_homecare_agencycapacity_delete AFTER DELETE ON homecare_agencycapacity
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();

CREATE OR REPLACE TRIGGER api_change_homecare_covereddistrict_insert AFTER INSERT ON homecare_covereddistrict
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();

CREATE OR REPLACE TRIGGER api_change_homecare_covereddistrict_update AFTER UPDATE ON homecare_covereddistrict
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();

CREATE OR REPLACE TRIGGER api_change_homecare_covereddistrict_delete AFTER DELETE ON homecare_covereddistrict
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homecare_agency();
