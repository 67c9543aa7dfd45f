-- Held beds (ADR 012): how many of an entry's holds are still held now (a hold past its time frees
-- its bed by itself).
-- As in the database now; last applied by migrations vacancies 0007.

CREATE OR REPLACE FUNCTION vacancies_held(holds timestamptz[]) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(holds) = 0 THEN 0
                ELSE (SELECT count(*) FROM unnest(holds) t WHERE t > now())::integer END
$$;
