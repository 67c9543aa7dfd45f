-- The changes feeds (ADR 013): a care home changed is noted once per transaction in the homes' feed,
-- a home-care agency in the agencies' (ADR 019), with where it was when the transaction began (a
-- move leaves its old council's and provider's feeds told).
-- As in the database now; last applied by migrations api 0004, 0005, 0008, 0009.

CREATE OR REPLACE FUNCTION api_note_homes_carehome_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id,
                                left_local_authority_id, left_provider_id)
    SELECT pg_current_xact_id()::text::bigint, changed.id, changed.local_authority_id, changed.provider_id,
           NULLIF(before.local_authority_id, changed.local_authority_id),
           NULLIF(before.provider_id, changed.provider_id)
      FROM changed JOIN before ON before.id = changed.id
     WHERE changed.kind = 'care_home'
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id,
           left_local_authority_id = NULLIF(coalesce(api_homechange.left_local_authority_id,
               api_homechange.local_authority_id), EXCLUDED.local_authority_id),
           left_provider_id = NULLIF(coalesce(api_homechange.left_provider_id, api_homechange.provider_id),
               EXCLUDED.provider_id);
    INSERT INTO api_agencychange (txid, home_id, local_authority_id, provider_id,
                                  left_local_authority_id, left_provider_id)
    SELECT pg_current_xact_id()::text::bigint, changed.id, changed.local_authority_id, changed.provider_id,
           NULLIF(before.local_authority_id, changed.local_authority_id),
           NULLIF(before.provider_id, changed.provider_id)
      FROM changed JOIN before ON before.id = changed.id
     WHERE changed.kind = 'home_care_agency'
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id,
           left_local_authority_id = NULLIF(coalesce(api_agencychange.left_local_authority_id,
               api_agencychange.local_authority_id), EXCLUDED.local_authority_id),
           left_provider_id = NULLIF(coalesce(api_agencychange.left_provider_id, api_agencychange.provider_id),
               EXCLUDED.provider_id);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api_change_homes_carehome_update AFTER UPDATE ON homes_carehome
    REFERENCING OLD TABLE AS before NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION api_note_homes_carehome_update();
