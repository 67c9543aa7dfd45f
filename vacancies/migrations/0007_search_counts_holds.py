"""Held beds (vacancies.BedHold) in search (ADR 007, issue 13).

- Each search entry gains ``holds``: until when each of its held beds is held. The view
  says what it should be, the refresh keeps it, and statement triggers on the holds table
  refresh a home's entries when one of its holds starts or ends.
- ``vacancies_held(holds)``: how many of those are still held now; search counts
  ``vacancies_unheld(beds, holds)`` beds. A hold past its time frees its bed by itself:
  queries compare with the clock.
- A hold is refused by the database when every vacant bed of its category (open, in an
  open home) is held already: a row trigger locks the category's row first, so two teams
  holding the last bed at once are served one after the other and the second is refused.
"""

from django.db import migrations

RATING_RANK_SQL = """CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3
    WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END"""
HOME_COLUMNS = f"h.name, h.latitude, h.longitude, h.local_authority_id, {RATING_RANK_SQL} AS rating_rank, \
h.service_user_bands, h.funding_accepted"
COLUMNS = [
    "name", "latitude", "longitude", "local_authority_id", "rating_rank", "service_user_bands", "funding_accepted",
    "open", "beds", "last_confirmed_at", "suits_female", "suits_male", "holds",
]  # fmt: skip


def _suits(sex: str) -> str:
    return f"""EXISTS (SELECT 1 FROM vacancies_categoryvacancy c WHERE c.home_id = h.id AND c.vacant_accepting > 0
        AND NOT c.closed AND c.sex IN ('any', '{sex}'))"""


def _holds(category: str = "") -> str:
    same = f" AND b.category = {category}" if category else ""
    return f"""ARRAY(SELECT b.held_until FROM vacancies_bedhold b
                      WHERE b.home_id = h.id AND b.outcome = 'held'{same} ORDER BY b.held_until)"""


SQL = f"""
CREATE OR REPLACE VIEW vacancies_searchsource AS
    SELECT h.id AS home_id, ''::varchar(20) AS category, {HOME_COLUMNS},
           COALESCE(NOT v.closed_to_admissions, false) AS open,
           v.vacant_accepting_total AS beds, v.last_confirmed_at,
           {_suits("female")} AS suits_female, {_suits("male")} AS suits_male,
           {_holds()}::timestamptz[] AS holds
      FROM homes_carehome h LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active'
    UNION ALL
    SELECT h.id, c.category, {HOME_COLUMNS},
           COALESCE(NOT v.closed_to_admissions, false) AND NOT c.closed,
           c.vacant_accepting, v.last_confirmed_at,
           c.sex IN ('any', 'female'), c.sex IN ('any', 'male'),
           {_holds("c.category")}::timestamptz[]
      FROM homes_carehome h
      JOIN vacancies_categoryvacancy c ON c.home_id = h.id
      LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active';

CREATE OR REPLACE FUNCTION vacancies_refresh_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM homes_carehome WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    WITH wanted AS MATERIALIZED (
        SELECT * FROM vacancies_searchsource WHERE home_id = ANY(ids)
    ), gone AS (
        DELETE FROM vacancies_searchentry e
         WHERE e.home_id = ANY(ids)
           AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.home_id = e.home_id AND w.category = e.category)
    )
    INSERT INTO vacancies_searchentry AS e (home_id, category, {", ".join(COLUMNS)})
    SELECT home_id, category, {", ".join(COLUMNS)} FROM wanted ORDER BY category, home_id
    ON CONFLICT (home_id, category) DO UPDATE SET ({", ".join(COLUMNS)}) = ({", ".join(f"EXCLUDED.{c}" for c in COLUMNS)})
     WHERE ({", ".join(f"e.{c}" for c in COLUMNS)}) IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in COLUMNS)});
END $$;

CREATE FUNCTION vacancies_held(holds timestamptz[]) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(holds) = 0 THEN 0
                ELSE (SELECT count(*) FROM unnest(holds) t WHERE t > now())::integer END
$$;

CREATE FUNCTION vacancies_unheld(beds integer, holds timestamptz[]) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN beds IS NULL OR cardinality(holds) = 0 THEN beds
                ELSE GREATEST(0, beds - vacancies_held(holds)) END
$$;

CREATE FUNCTION vacancies_hold_needs_a_free_bed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER hold_needs_a_free_bed BEFORE INSERT ON vacancies_bedhold
    FOR EACH ROW EXECUTE FUNCTION vacancies_hold_needs_a_free_bed();
""" + "".join(
    f"""
CREATE TRIGGER search_vacancies_bedhold_{event} AFTER {event.upper()} ON vacancies_bedhold
    REFERENCING {"OLD" if event == "delete" else "NEW"} TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION vacancies_search_figures_changed();
"""
    for event in ["insert", "update", "delete"]
)



class Migration(migrations.Migration):
    dependencies = [("vacancies", "0006_bed_holds")]

    # Not reversible: the view and the refresh before it are in 0004.
    operations = [migrations.RunSQL(SQL)]
