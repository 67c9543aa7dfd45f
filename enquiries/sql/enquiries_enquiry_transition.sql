-- Enquiries (ADR 012): an enquiry placed or withdrawn stays so.
-- As in the database now; last applied by migrations enquiries 0002.

CREATE OR REPLACE FUNCTION enquiries_enquiry_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND OLD.state <> 'open' THEN
        RAISE EXCEPTION 'an enquiry that is % stays so', OLD.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enquiry_transition';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER enquiry_transition BEFORE UPDATE ON enquiries_enquiry
    FOR EACH ROW EXECUTE FUNCTION enquiries_enquiry_transition();
