"""The changes feed notes care homes only: a home-care agency shares the homes' table (ADR 019)
and is not a home of the API's. The functions as api/sql/api_note_homes_carehome.sql and
api_note_homes_carehome_update.sql now say (copied in: migrations are frozen)."""

from django.db import migrations

CARE_HOMES_ONLY = """
CREATE OR REPLACE FUNCTION api_note_homes_carehome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT pg_current_xact_id()::text::bigint, id, local_authority_id, provider_id FROM changed
     WHERE kind = 'care_home'
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id;
    RETURN NULL;
END $$;

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
    RETURN NULL;
END $$;
"""

EVERY_LOCATION = """
CREATE OR REPLACE FUNCTION api_note_homes_carehome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id)
    SELECT pg_current_xact_id()::text::bigint, id, local_authority_id, provider_id FROM changed
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION api_note_homes_carehome_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO api_homechange (txid, home_id, local_authority_id, provider_id,
                                left_local_authority_id, left_provider_id)
    SELECT pg_current_xact_id()::text::bigint, changed.id, changed.local_authority_id, changed.provider_id,
           NULLIF(before.local_authority_id, changed.local_authority_id),
           NULLIF(before.provider_id, changed.provider_id)
      FROM changed JOIN before ON before.id = changed.id
    ON CONFLICT (txid, home_id) DO UPDATE
       SET local_authority_id = EXCLUDED.local_authority_id, provider_id = EXCLUDED.provider_id,
           left_local_authority_id = NULLIF(coalesce(api_homechange.left_local_authority_id,
               api_homechange.local_authority_id), EXCLUDED.local_authority_id),
           left_provider_id = NULLIF(coalesce(api_homechange.left_provider_id, api_homechange.provider_id),
               EXCLUDED.provider_id);
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0007_write_keys_expire"),
        ("homes", "0011_home_care_agencies"),
    ]

    operations = [migrations.RunSQL(CARE_HOMES_ONLY, EVERY_LOCATION)]
