-- The changes feeds (ADR 013): a care home added or deleted is noted once per transaction, with its
-- council and provider, in the homes' feed; a home-care agency in the agencies' feed (ADR 019).
-- As in the database now; last applied by migrations api 0002, 0003, 0008, 0009.

CREATE OR REPLACE FUNCTION api_note_homes_carehome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT pg_current_xact_id()::text::bigint, id, local_authority_id, provider_id FROM changed
     WHERE kind = 'care_home'
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id;
    INSERT INTO api_agencychange (txid, home_id, local_authority_id, provider_id)
    SELECT pg_current_xact_id()::text::bigint, id, local_authority_id, provider_id FROM changed
     WHERE kind = 'home_care_agency'
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_change_homes_carehome_insert AFTER INSERT ON homes_carehome
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homes_carehome();

CREATE OR REPLACE TRIGGER api_change_homes_carehome_delete AFTER DELETE ON homes_carehome
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homes_carehome();
