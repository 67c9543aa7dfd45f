-- Enquiries (ADR 012): an enquiry placed or withdrawn stays so, and closes only once no home's
-- part in it is still in play (enquiries.models.LIVE: the flows end each first), so a referral
-- waiting for its home's answer always belongs to an open enquiry (the inbox counts on it).
-- As in the database now; last applied by migrations enquiries 0006.

CREATE OR REPLACE FUNCTION enquiries_enquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'open' THEN
        RAISE EXCEPTION 'an enquiry that is % stays so', OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    IF NEW.state <> 'open' AND OLD.state = 'open'
       AND EXISTS (SELECT FROM enquiries_referral WHERE enquiry_id = NEW.id AND status IN ({{ live }})) THEN
        RAISE EXCEPTION 'an enquiry closes once no home''s part in it is still in play'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER enquiry_transition BEFORE UPDATE ON enquiries_enquiry
    FOR EACH ROW EXECUTE FUNCTION enquiries_enquiry_transition();
