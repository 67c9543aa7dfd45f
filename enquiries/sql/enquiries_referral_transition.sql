-- Enquiries (ADR 012): a home's answer moves only along the allowed transitions, filled in from
-- enquiries.models.TRANSITIONS (enquiries/database.py); a home's part still in play
-- (enquiries.models.LIVE) is added only to an open enquiry, read locked so that closing it waits.
-- As in the database now; last applied by migrations enquiries 0006.

CREATE OR REPLACE FUNCTION enquiries_referral_transition() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    enquiry_state text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status IN ({{ live }}) THEN
            SELECT state INTO enquiry_state FROM enquiries_enquiry WHERE id = NEW.enquiry_id FOR SHARE;
            IF enquiry_state IS DISTINCT FROM 'open' THEN
                RAISE EXCEPTION 'a home is asked only in an open enquiry'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'referral_transition';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
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

CREATE OR REPLACE TRIGGER referral_transition BEFORE INSERT OR UPDATE ON enquiries_referral
    FOR EACH ROW EXECUTE FUNCTION enquiries_referral_transition();
