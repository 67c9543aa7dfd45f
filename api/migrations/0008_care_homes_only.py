"""The changes feed notes care homes only: a home-care agency shares the homes' table (ADR 019)
and is not a home of the API's (its own place in the API is issue 26's later work). The
functions are migrations 0003's and 0005's with the agency rows left out."""

from importlib import import_module

from django.db import migrations

_0003 = import_module("api.migrations.0003_change_scope")
_0005 = import_module("api.migrations.0005_moves_from_the_start")

INSERT_DELETE = _0003.SCOPE_SQL.split("END $$;")[0] + "END $$;\n"
UPDATE = _0005.MOVES_SQL
CARE_HOMES_ONLY = INSERT_DELETE.replace(
    "FROM changed\n", "FROM changed WHERE kind = 'care_home'\n"
) + UPDATE.replace("FROM changed JOIN before ON before.id = changed.id\n",
                   "FROM changed JOIN before ON before.id = changed.id\n     WHERE changed.kind = 'care_home'\n")
assert CARE_HOMES_ONLY.count("'care_home'") == 2, "the earlier functions are not the shape this migration expects"


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0007_write_keys_expire"),
        ("homes", "0011_home_care_agencies"),
    ]

    operations = [migrations.RunSQL(CARE_HOMES_ONLY, INSERT_DELETE + UPDATE)]
