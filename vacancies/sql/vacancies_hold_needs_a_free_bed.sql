-- Held beds (ADR 012): a hold is refused when every vacant bed of its category is held already;
-- the category's row is locked first, so two teams holding the last bed at once are served in
-- turn.
-- As in the database now; last applied by migrations vacancies 0007.

CREATE OR REPLACE FUNCTION vacancies_hold_needs_a_free_bed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    free integer;
    held integer;
BEGIN
    IF NEW.outcome <> 'held' OR NEW.held_until <= now() THEN
        RETURN NEW;  -- a record of a hold already over (history, a restore) holds no bed
    END IF;
    SELECT CASE WHEN c.closed OR COALESCE(v.closed_to_admissions, false) THEN 0 ELSE c.vacant_accepting END
      INTO free
      FROM vacancies_categoryvacancy c LEFT JOIN vacancies_homevacancies v ON v.home_id = c.home_id
     WHERE c.home_id = NEW.home_id AND c.category = NEW.category
       FOR UPDATE OF c;
    SELECT count(*) INTO held FROM vacancies_bedhold
     WHERE home_id = NEW.home_id AND category = NEW.category AND outcome = 'held' AND held_until > now();
    IF COALESCE(free, 0) <= held THEN
        RAISE EXCEPTION 'every vacant bed of % at home % is held or taken', NEW.category, NEW.home_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hold_needs_a_free_bed';
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER hold_needs_a_free_bed BEFORE INSERT ON vacancies_bedhold
    FOR EACH ROW EXECUTE FUNCTION vacancies_hold_needs_a_free_bed();
