from django.db import migrations

# A home moved twice in one transaction (A to B to C, as a reorganisation of councils may)
# left only B's feed told: the change now remembers where the home was when the
# transaction began (its first row's council and provider), whatever the moves between.
MOVES_SQL = """
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

# Changes of homes deleted before migration 0003 have no council or provider to be found by
# (their homes are gone): a cursor from before then would never learn of those deletions in
# a council's or provider's feed. Where there are any, the feed starts afresh here: older
# cursors get 410 and partners list the homes again (docs/api.md).
FRESH_START_SQL = """
INSERT INTO api_changefeedstart (txid, pruned_at)
SELECT pg_current_xact_id()::text::bigint, now()
 WHERE EXISTS (SELECT 1 FROM api_homechange WHERE local_authority_id IS NULL);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0004_moves"),
    ]

    operations = [
        # Reversed, the better function stays: migration 0004's reversal drops it.
        migrations.RunSQL(MOVES_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(FRESH_START_SQL, migrations.RunSQL.noop),
    ]
