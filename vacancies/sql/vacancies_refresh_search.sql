-- Search entries (ADR 007): the given homes' entries made what the view says, writing only rows
-- that differ.
-- Its statements are planned once per connection, for any homes (plan_cache_mode): planned for
-- the ids given each time, as PostgreSQL chose to, planning cost more than running for one home
-- (0.85 against 0.25 ms a refresh that changes nothing), and the plan for any was no slower for
-- many (every care home in England 786 against 445 ms; 500, 31 against 12 ms).
-- As in the database now; last applied by migrations vacancies 0007, 0017.

CREATE OR REPLACE FUNCTION vacancies_refresh_search(ids bigint[]) RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM 1 FROM homes_carehome WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    WITH wanted AS MATERIALIZED (
        SELECT * FROM vacancies_searchsource WHERE home_id = ANY(ids)
    ), gone AS (
        DELETE FROM vacancies_searchentry e
         WHERE e.home_id = ANY(ids)
           AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.home_id = e.home_id AND w.category = e.category)
    )
    INSERT INTO vacancies_searchentry AS e (home_id, category, name, latitude, longitude, local_authority_id, rating_rank, service_user_bands, funding_accepted, open, beds, last_confirmed_at, suits_female, suits_male, holds)
    SELECT home_id, category, name, latitude, longitude, local_authority_id, rating_rank, service_user_bands, funding_accepted, open, beds, last_confirmed_at, suits_female, suits_male, holds FROM wanted ORDER BY category, home_id
    ON CONFLICT (home_id, category) DO UPDATE SET (name, latitude, longitude, local_authority_id, rating_rank, service_user_bands, funding_accepted, open, beds, last_confirmed_at, suits_female, suits_male, holds) = (EXCLUDED.name, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.local_authority_id, EXCLUDED.rating_rank, EXCLUDED.service_user_bands, EXCLUDED.funding_accepted, EXCLUDED.open, EXCLUDED.beds, EXCLUDED.last_confirmed_at, EXCLUDED.suits_female, EXCLUDED.suits_male, EXCLUDED.holds)
     WHERE (e.name, e.latitude, e.longitude, e.local_authority_id, e.rating_rank, e.service_user_bands, e.funding_accepted, e.open, e.beds, e.last_confirmed_at, e.suits_female, e.suits_male, e.holds) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.latitude, EXCLUDED.longitude, EXCLUDED.local_authority_id, EXCLUDED.rating_rank, EXCLUDED.service_user_bands, EXCLUDED.funding_accepted, EXCLUDED.open, EXCLUDED.beds, EXCLUDED.last_confirmed_at, EXCLUDED.suits_female, EXCLUDED.suits_male, EXCLUDED.holds);
END $$;
