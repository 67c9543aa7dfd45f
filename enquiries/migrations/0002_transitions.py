"""Every change of a referral's or an enquiry's state is checked by the database, whatever
makes it (a form, a replayed request, the admin, psql): only the transitions in
enquiries.models.TRANSITIONS, and nothing once an enquiry is placed or withdrawn."""

from django.db import migrations

# Kept here as they were when written (a migration must not change with the code).
TRANSITIONS = [
    ("requested", "received"),
    ("requested", "accepted"), ("requested", "rejected"), ("requested", "cancelled"),
    ("received", "accepted"), ("received", "rejected"), ("received", "cancelled"),
    ("accepted", "completed"), ("accepted", "cancelled"),
]  # fmt: skip
ALLOWED = " OR ".join(f"(OLD.status = '{old}' AND NEW.status = '{new}')" for old, new in TRANSITIONS)

SQL = f"""
CREATE FUNCTION enquiries_referral_transition() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER referral_transition BEFORE UPDATE ON enquiries_referral
    FOR EACH ROW EXECUTE FUNCTION enquiries_referral_transition();

CREATE FUNCTION enquiries_enquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'open' THEN
        RAISE EXCEPTION 'an enquiry that is % stays so', OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER enquiry_transition BEFORE UPDATE ON enquiries_enquiry
    FOR EACH ROW EXECUTE FUNCTION enquiries_enquiry_transition();
"""

REVERSE_SQL = """
DROP TRIGGER enquiry_transition ON enquiries_enquiry;
DROP FUNCTION enquiries_enquiry_transition();
DROP TRIGGER referral_transition ON enquiries_referral;
DROP FUNCTION enquiries_referral_transition();
"""


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
