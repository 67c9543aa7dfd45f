-- Held beds (ADR 012): the beds search counts, those held now taken off.
-- As in the database now; last applied by migrations vacancies 0007.

CREATE OR REPLACE FUNCTION vacancies_unheld(beds integer, holds timestamptz[]) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN beds IS NULL OR cardinality(holds) = 0 THEN beds
                ELSE GREATEST(0, beds - vacancies_held(holds)) END
$$;
