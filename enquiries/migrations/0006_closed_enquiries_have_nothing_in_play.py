"""An enquiry closes only once no home's part in it is still in play, and a home's part in play
is added only to an open enquiry (the text as enquiries/sql/ says, copied in: migrations are
frozen). The flows already ended each part first; the database now holds them to it, so the
inbox's "waiting" needs no look at the enquiry. A database that broke the rule before (a close
made by hand) stops the migration, saying so, rather than show a closed enquiry as waiting."""

from django.db import migrations

LIVE = "'requested', 'received', 'accepted'"
ALLOWED = " OR ".join(
    f"(OLD.status = '{old}' AND NEW.status = '{new}')"
    for old, new in [
        ("requested", "received"),
        ("requested", "accepted"), ("requested", "rejected"), ("requested", "cancelled"),
        ("received", "accepted"), ("received", "rejected"), ("received", "cancelled"),
        ("accepted", "completed"), ("accepted", "cancelled"),
    ]
)  # fmt: skip

FORWARD = f"""
DO $$ BEGIN
    IF EXISTS (SELECT FROM enquiries_referral r JOIN enquiries_enquiry e ON e.id = r.enquiry_id
                WHERE e.state <> 'open' AND r.status IN ({LIVE})) THEN
        RAISE EXCEPTION 'a closed enquiry has a home''s part still in play: end it first (enquiries.flows)';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION enquiries_enquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'open' THEN
        RAISE EXCEPTION 'an enquiry that is % stays so', OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    IF NEW.state <> 'open' AND OLD.state = 'open'
       AND EXISTS (SELECT FROM enquiries_referral WHERE enquiry_id = NEW.id AND status IN ({LIVE})) THEN
        RAISE EXCEPTION 'an enquiry closes once no home''s part in it is still in play'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION enquiries_referral_transition() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    enquiry_state text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IN ({LIVE}) THEN
            SELECT state INTO enquiry_state FROM enquiries_enquiry WHERE id = NEW.enquiry_id FOR SHARE;
            IF enquiry_state IS DISTINCT FROM 'open' THEN
                RAISE EXCEPTION 'a home is asked only in an open enquiry'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT ({ALLOWED}) THEN
        RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
    END IF;
    IF NEW.enquiry_id IS DISTINCT FROM OLD.enquiry_id OR NEW.home_id IS DISTINCT FROM OLD.home_id THEN
        RAISE EXCEPTION 'a referral keeps its enquiry and home'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER referral_transition BEFORE INSERT OR UPDATE ON enquiries_referral
    FOR EACH ROW EXECUTE FUNCTION enquiries_referral_transition();
"""

BACKWARD = f"""
CREATE OR REPLACE FUNCTION enquiries_enquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'open' THEN
        RAISE EXCEPTION 'an enquiry that is % stays so', OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION enquiries_referral_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT ({ALLOWED}) THEN
        RAISE EXCEPTION 'a referral cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
    END IF;
    IF NEW.enquiry_id IS DISTINCT FROM OLD.enquiry_id OR NEW.home_id IS DISTINCT FROM OLD.home_id THEN
        RAISE EXCEPTION 'a referral keeps its enquiry and home'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER referral_transition BEFORE UPDATE ON enquiries_referral
    FOR EACH ROW EXECUTE FUNCTION enquiries_referral_transition();
"""


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0005_foreign_keys_to_registers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
