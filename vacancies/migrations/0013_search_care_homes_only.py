"""Search entries are made for care homes only: a home-care agency is a CQC location in the
same table (ADR 019) and must never be a result of Find a bed, public search or a bed total.
The view is migration 0007's with one more condition on each of its two halves."""

from importlib import import_module

from django.db import migrations

_0007 = import_module("vacancies.migrations.0007_search_counts_holds")
BEDS_VIEW = _0007.SQL.split("CREATE OR REPLACE FUNCTION vacancies_refresh_search")[0]
CARE_HOMES_VIEW = BEDS_VIEW.replace("WHERE h.status = 'active'", "WHERE h.status = 'active' AND h.kind = 'care_home'")
assert CARE_HOMES_VIEW.count("h.kind = 'care_home'") == 2, "migration 0007's view is not the shape this one expects"


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0012_via_api_key"),
        ("homes", "0011_home_care_agencies"),
    ]

    operations = [migrations.RunSQL(CARE_HOMES_VIEW, BEDS_VIEW)]
