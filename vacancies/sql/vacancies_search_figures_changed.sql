-- Search entries (ADR 007): a statement that changed homes' figures or held beds refreshes those
-- homes' entries. A board's update has a trigger of its own (vacancies_search_board_changed.sql).
-- As in the database now; last applied by migrations vacancies 0004, 0007 (0015 moved the board's
-- update trigger out).

CREATE OR REPLACE FUNCTION vacancies_search_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_refresh_search(ARRAY(SELECT DISTINCT home_id FROM changed));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER search_vacancies_homevacancies_insert AFTER INSERT ON vacancies_homevacancies
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_homevacancies_delete AFTER DELETE ON vacancies_homevacancies
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_categoryvacancy_insert AFTER INSERT ON vacancies_categoryvacancy
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_categoryvacancy_update AFTER UPDATE ON vacancies_categoryvacancy
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_categoryvacancy_delete AFTER DELETE ON vacancies_categoryvacancy
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_bedhold_insert AFTER INSERT ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_bedhold_update AFTER UPDATE ON vacancies_bedhold
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();

CREATE OR REPLACE TRIGGER search_vacancies_bedhold_delete AFTER DELETE ON vacancies_bedhold
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();
