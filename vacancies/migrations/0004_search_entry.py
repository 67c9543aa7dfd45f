"""Search entries, kept by PostgreSQL (see vacancies.models.SearchEntry and ADR 007).

- ``vacancies_searchsource``: a view saying what the entries should be, from
  the homes, their vacancies and their categories;
- ``vacancies_refresh_search(ids)``: makes those homes' entries match the view
  (an upsert that skips unchanged rows, and a delete of rows that went);
- statement triggers on the three source tables call it once per statement
  with the homes the statement touched (transition tables), so a COPY of
  15,500 homes is one set-based refresh, and a save is a refresh of one home.

The refresh first locks the homes' rows, so two transactions changing one
home at once (say, its details and its beds) refresh one after the other,
each reading what the other committed: the entries cannot miss either write.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models


# The rating order is homes.choices.RATING_RANK (a test checks they agree).
RATING_RANK_SQL = """CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3
    WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END"""
HOME_COLUMNS = f"h.name, h.latitude, h.longitude, h.local_authority_id, {RATING_RANK_SQL} AS rating_rank, \
h.service_user_bands, h.funding_accepted"
COLUMNS = [
    "name", "latitude", "longitude", "local_authority_id", "rating_rank", "service_user_bands", "funding_accepted",
    "open", "beds", "last_confirmed_at", "suits_female", "suits_male",
]  # fmt: skip


def _suits(sex: str) -> str:
    return f"""EXISTS (SELECT 1 FROM vacancies_categoryvacancy c WHERE c.home_id = h.id AND c.vacant_accepting > 0
        AND NOT c.closed AND c.sex IN ('any', '{sex}'))"""


SQL = (
    f"""
CREATE VIEW vacancies_searchsource AS
    SELECT h.id AS home_id, ''::varchar(20) AS category, {HOME_COLUMNS},
           COALESCE(NOT v.closed_to_admissions, false) AS open,
           v.vacant_accepting_total AS beds, v.last_confirmed_at,
           {_suits("female")} AS suits_female, {_suits("male")} AS suits_male
      FROM homes_carehome h LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active'
    UNION ALL
    SELECT h.id, c.category, {HOME_COLUMNS},
           COALESCE(NOT v.closed_to_admissions, false) AND NOT c.closed,
           c.vacant_accepting, v.last_confirmed_at,
           c.sex IN ('any', 'female'), c.sex IN ('any', 'male')
      FROM homes_carehome h
      JOIN vacancies_categoryvacancy c ON c.home_id = h.id
      LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active';

CREATE FUNCTION vacancies_refresh_search(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM homes_carehome WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    -- What the homes' entries should be, worked out once (a plan that re-read
    -- the view for each entry took minutes on a large COPY into new tables).
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

CREATE FUNCTION vacancies_search_homes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_refresh_search(ARRAY(SELECT DISTINCT id FROM changed));
    RETURN NULL;
END $$;

CREATE FUNCTION vacancies_search_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM vacancies_refresh_search(ARRAY(SELECT DISTINCT home_id FROM changed));
    RETURN NULL;
END $$;
"""
    + "".join(
        f"""
CREATE TRIGGER search_{table}_{event} AFTER {event.upper()} ON {table}
    REFERENCING {"OLD" if event == "delete" else "NEW"} TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
        for table, function in [
            ("homes_carehome", "vacancies_search_homes_changed"),
            ("vacancies_homevacancies", "vacancies_search_figures_changed"),
            ("vacancies_categoryvacancy", "vacancies_search_figures_changed"),
        ]
        for event in ["insert", "update", "delete"]
    )
    + """
SELECT vacancies_refresh_search(ARRAY(SELECT id FROM homes_carehome));
"""
)

REVERSE_SQL = """
DROP TRIGGER search_homes_carehome_insert ON homes_carehome;
DROP TRIGGER search_homes_carehome_update ON homes_carehome;
DROP TRIGGER search_homes_carehome_delete ON homes_carehome;
DROP TRIGGER search_vacancies_homevacancies_insert ON vacancies_homevacancies;
DROP TRIGGER search_vacancies_homevacancies_update ON vacancies_homevacancies;
DROP TRIGGER search_vacancies_homevacancies_delete ON vacancies_homevacancies;
DROP TRIGGER search_vacancies_categoryvacancy_insert ON vacancies_categoryvacancy;
DROP TRIGGER search_vacancies_categoryvacancy_update ON vacancies_categoryvacancy;
DROP TRIGGER search_vacancies_categoryvacancy_delete ON vacancies_categoryvacancy;
DROP FUNCTION vacancies_search_figures_changed();
DROP FUNCTION vacancies_search_homes_changed();
DROP FUNCTION vacancies_refresh_search(bigint[]);
DROP VIEW vacancies_searchsource;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("homes", "0005_carehome_home_location_carehome_home_name_trigram"),
        ("vacancies", "0003_capacitysnapshot_freshnesssnapshot_reminder_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "home_id", "category", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("category", models.CharField(blank=True, max_length=20)),
                ("name", models.CharField(max_length=200)),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                ("rating_rank", models.SmallIntegerField()),
                (
                    "service_user_bands",
                    django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=30), default=list),
                ),
                (
                    "funding_accepted",
                    django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=30), default=list),
                ),
                ("open", models.BooleanField()),
                ("beds", models.IntegerField(null=True)),
                ("last_confirmed_at", models.DateTimeField(null=True)),
                ("suits_female", models.BooleanField()),
                ("suits_male", models.BooleanField()),
                (
                    "home",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="homes.carehome",
                    ),
                ),
                (
                    "local_authority",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="homes.localauthority",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["category", "latitude", "longitude"], name="search_entry_location")],
            },
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
