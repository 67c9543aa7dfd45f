"""What every transactional test ends with (tests/reference.py): the database as the set-up left it."""

import pytest
from django.db import connection

from accounts.models import Role, User
from registers.models import CareHome, LocalAuthority
from tests import reference
from tests.factories import CareHomeFactory, MembershipFactory


def every_table() -> dict[str, str | None]:
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        return {table: reference._fingerprint(cursor, table) for table in tables}


def set_up_copies() -> dict[str, str | None]:
    with connection.cursor() as cursor:
        kept = reference._kept_tables(cursor)
        return {table: reference._fingerprint(cursor, table, reference.COPY) for table in kept}


@pytest.mark.parametrize("few_rows", [reference.FEW_ROWS, 0], ids=["deleted", "truncated"])
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_the_set_up_database_behind(few_rows, monkeypatch):
    monkeypatch.setattr(reference, "FEW_ROWS", few_rows)
    kept = set_up_copies()
    assert {"homes_localauthority", "homes_postcode", "django_content_type"} <= set(kept)
    council = LocalAuthority.objects.order_by("pk").first()
    council.name = "Changed by a test"
    council.save()
    MembershipFactory(role=Role.HOME_STAFF, home=CareHomeFactory(local_authority=council))

    assert reference.reset_to_set_up("default")

    after = every_table()
    assert {table: after[table] for table in kept} == kept  # put back as copied
    assert all(fingerprint is None for table, fingerprint in after.items() if table not in kept)  # emptied
    assert not CareHome.objects.exists()
    assert not User.objects.exists()
    assert LocalAuthority.objects.get(pk=council.pk).name != "Changed by a test"
