"""The search entries' refresh plans its statements once per connection, for any homes
(``plan_cache_mode``), as vacancies/sql/vacancies_refresh_search.sql says: planning them for the
ids given each time cost more than running them for one home."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0016_search_board_sets_beds")]

    operations = [
        migrations.RunSQL(
            "ALTER FUNCTION vacancies_refresh_search(bigint[]) SET plan_cache_mode = force_generic_plan",
            "ALTER FUNCTION vacancies_refresh_search(bigint[]) RESET plan_cache_mode",
        )
    ]
