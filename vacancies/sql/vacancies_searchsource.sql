-- Search entries (ADR 007): what each home's entries should be, one for the home and one per care
-- category; care homes only, never a home-care agency (ADR 019). Its rating rank is filled in
-- from homes.choices.RATING_RANK (vacancies/database.py).
-- As in the database now; last applied by migrations vacancies 0007, 0013.

CREATE OR REPLACE VIEW vacancies_searchsource AS
    SELECT h.id AS home_id, ''::varchar(20) AS category,
           h.name, h.latitude, h.longitude, h.local_authority_id, {{ rating_rank }} AS rating_rank,
           h.service_user_bands, h.funding_accepted,
           COALESCE(NOT v.closed_to_admissions, false) AS open,
           v.vacant_accepting_total AS beds, v.last_confirmed_at,
           EXISTS (SELECT 1 FROM vacancies_categoryvacancy c WHERE c.home_id = h.id AND c.vacant_accepting > 0
                   AND NOT c.closed AND c.sex IN ('any', 'female')) AS suits_female,
           EXISTS (SELECT 1 FROM vacancies_categoryvacancy c WHERE c.home_id = h.id AND c.vacant_accepting > 0
                   AND NOT c.closed AND c.sex IN ('any', 'male')) AS suits_male,
           ARRAY(SELECT b.held_until FROM vacancies_bedhold b
                      WHERE b.home_id = h.id AND b.outcome = 'held' ORDER BY b.held_until)::timestamptz[] AS holds
      FROM homes_carehome h LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active' AND h.kind = 'care_home'
    UNION ALL
    SELECT h.id, c.category,
           h.name, h.latitude, h.longitude, h.local_authority_id, {{ rating_rank }} AS rating_rank,
           h.service_user_bands, h.funding_accepted,
           COALESCE(NOT v.closed_to_admissions, false) AND NOT c.closed,
           c.vacant_accepting, v.last_confirmed_at,
           c.sex IN ('any', 'female'), c.sex IN ('any', 'male'),
           ARRAY(SELECT b.held_until FROM vacancies_bedhold b
                      WHERE b.home_id = h.id AND b.outcome = 'held' AND b.category = c.category ORDER BY b.held_until)::timestamptz[]
      FROM homes_carehome h
      JOIN vacancies_categoryvacancy c ON c.home_id = h.id
      LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active' AND h.kind = 'care_home';
