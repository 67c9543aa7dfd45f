-- Enquiries (ADR 012): a home's answer moves only along the allowed transitions, filled in from
-- enquiries.models.TRANSITIONS (enquiries/database.py).
-- As in the database now; last applied by migrations enquiries 0002.

CREATE OR REPLACE FUNCTION enquiries_referral_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT ({{ allowed }}) THEN
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
