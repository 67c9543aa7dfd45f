"""The agencies' changes feed (issue 26, ADR 019): a table of its own, written by the homes' table's
triggers for agencies and by triggers on homecare's capacity and districts tables. The objects as
api/sql/api_note_homes_carehome.sql, api_note_homes_carehome_update.sql and
api_note_homecare_agency.sql now say (copied in: migrations are frozen)."""

import django.db.models.functions.datetime
from django.db import migrations, models

EVERY_KIND = """
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
"""

AGENCIES = """
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
"""

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

NO_AGENCIES = """
DROP TRIGGER api_change_homecare_agencycapacity_insert ON homecare_agencycapacity;
DROP TRIGGER api_change_homecare_agencycapacity_update ON homecare_agencycapacity;
DROP TRIGGER api_change_homecare_agencycapacity_delete ON homecare_agencycapacity;
DROP TRIGGER api_change_homecare_covereddistrict_insert ON homecare_covereddistrict;
DROP TRIGGER api_change_homecare_covereddistrict_update ON homecare_covereddistrict;
DROP TRIGGER api_change_homecare_covereddistrict_delete ON homecare_covereddistrict;
DROP FUNCTION api_note_homecare_agency();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0008_care_homes_only"),
        ("homecare", "0002_agency_shortlist"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgencyChange",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "txid", "home_id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("txid", models.BigIntegerField()),
                ("home_id", models.BigIntegerField()),
                ("changed_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ("local_authority_id", models.BigIntegerField(null=True)),
                ("provider_id", models.BigIntegerField(null=True)),
                ("left_local_authority_id", models.BigIntegerField(null=True)),
                ("left_provider_id", models.BigIntegerField(null=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["changed_at"], name="agency_change_time"),
                    models.Index(fields=["local_authority_id", "txid", "home_id"], name="agency_change_council"),
                    models.Index(fields=["provider_id", "txid", "home_id"], name="agency_change_provider"),
                    models.Index(
                        condition=models.Q(("left_local_authority_id__isnull", False)),
                        fields=["left_local_authority_id", "txid", "home_id"],
                        name="agency_change_left_council",
                    ),
                    models.Index(
                        condition=models.Q(("left_provider_id__isnull", False)),
                        fields=["left_provider_id", "txid", "home_id"],
                        name="agency_change_left_provider",
                    ),
                ],
            },
        ),
        migrations.RunSQL(EVERY_KIND + AGENCIES, NO_AGENCIES + CARE_HOMES_ONLY),
    ]
