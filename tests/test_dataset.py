"""The synthetic dataset: deterministic from its seed, and idempotent."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Membership, User
from homes.models import CareHome
from vacancies.models import CapacitySnapshot, CategoryVacancy, HomeVacancies, SearchEntry, VacancyChange

pytestmark = pytest.mark.django_db


def build(**options) -> str:
    out = io.StringIO()
    call_command("build_dataset", scale="region", stdout=out, **options)
    return out.getvalue()


def fingerprint():
    return list(CareHome.objects.filter(cqc_location_id__startswith="1-5").order_by("cqc_location_id")
                .values_list("cqc_location_id", "postcode", "provider__name", "cqc_rating"))  # fmt: skip


def test_region_dataset_is_deterministic_idempotent_and_consistent():
    build(seed=7)
    first = fingerprint()
    assert first  # homes at the test postcodes of Yorkshire's councils
    assert "already built" in build(seed=7)
    assert fingerprint() == first
    build(seed=7, force=True)
    assert fingerprint() == first
    # The current position matches the end of each home's history.
    for row in CategoryVacancy.objects.filter(home__cqc_location_id__startswith="1-5")[:20]:
        last = (
            VacancyChange.objects.filter(update__home=row.home, category=row.category, field="vacant_accepting")
            .order_by("-update__made_at", "-id")
            .first()
        )
        assert int(last.new_value) == row.vacant_accepting
        assert row.occupied + row.vacant_accepting + row.vacant_unavailable <= row.capacity
    assert HomeVacancies.objects.exists()
    assert CapacitySnapshot.objects.exists()
    # Each home's town is its council's name, and search has an entry for every home.
    home = CareHome.objects.filter(cqc_location_id__startswith="1-5").select_related("local_authority").first()
    assert home.town == home.local_authority.name.split(",")[0]
    assert SearchEntry.objects.filter(category="").count() == CareHome.objects.active().count()
    assert (
        User.objects.filter(email__endswith="@dataset.example").count()
        == Membership.objects.filter(user__email__endswith="@dataset.example").count()
    )
    build(seed=8)
    assert fingerprint() != first
