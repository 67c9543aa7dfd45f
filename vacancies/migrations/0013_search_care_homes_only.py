"""Search entries are made for care homes only: a home-care agency is a CQC location in the
same table (ADR 019) and must never be a result of Find a bed, public search or a bed total.
The view as vacancies/sql/vacancies_searchsource.sql now says (copied in: migrations are frozen)."""

from django.db import migrations

CARE_HOMES_VIEW = """
CREATE OR REPLACE VIEW vacancies_searchsource AS
    SELECT h.id AS home_id, ''::varchar(20) AS category,
           h.name, h.latitude, h.longitude, h.local_authority_id, CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3 WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END AS rating_rank,
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
           h.name, h.latitude, h.longitude, h.local_authority_id, CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3 WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END AS rating_rank,
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
"""

BEDS_VIEW = """
CREATE OR REPLACE VIEW vacancies_searchsource AS
    SELECT h.id AS home_id, ''::varchar(20) AS category,
           h.name, h.latitude, h.longitude, h.local_authority_id, CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3 WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END AS rating_rank,
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
     WHERE h.status = 'active'
    UNION ALL
    SELECT h.id, c.category,
           h.name, h.latitude, h.longitude, h.local_authority_id, CASE h.cqc_rating WHEN 'outstanding' THEN 4 WHEN 'good' THEN 3 WHEN 'requires_improvement' THEN 2 WHEN 'inadequate' THEN 1 ELSE 0 END AS rating_rank,
           h.service_user_bands, h.funding_accepted,
           COALESCE(NOT v.closed_to_admissions, false) AND NOT c.closed,
           c.vacant_accepting, v.last_confirmed_at,
           c.sex IN ('any', 'female'), c.sex IN ('any', 'male'),
           ARRAY(SELECT b.held_until FROM vacancies_bedhold b
                      WHERE b.home_id = h.id AND b.outcome = 'held' AND b.category = c.category ORDER BY b.held_until)::timestamptz[]
      FROM homes_carehome h
      JOIN vacancies_categoryvacancy c ON c.home_id = h.id
      LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
     WHERE h.status = 'active';
"""


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0012_via_api_key"),
        ("homes", "0011_home_care_agencies"),
    ]

    operations = [migrations.RunSQL(CARE_HOMES_VIEW, BEDS_VIEW)]
