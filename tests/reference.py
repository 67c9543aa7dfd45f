"""Reference data for tests: councils, regions and postcode areas (a data
migration) and a few real postcodes. A transactional test's flush empties
them, so whatever needs them puts them back first."""

import importlib
from pathlib import Path

from django.apps import apps as django_apps

from homes.models import LocalAuthority, Postcode
from homes.postcodes import load_postcodes

TEST_POSTCODES = Path(__file__).resolve().parent / "data" / "postcodes.csv"


def ensure_reference_data():
    """Regions, councils and postcode areas come from a data migration; a
    transactional test's flush empties them, so put them back if needed."""
    if not LocalAuthority.objects.exists():
        migration = importlib.import_module("homes.migrations.0003_reference_data")
        migration.load(django_apps, None)
    if not Postcode.objects.exists():
        load_postcodes(TEST_POSTCODES)
