"""The synthetic dataset's home care: agencies and a year of package requests, in two councils'
dataset built once for the module (half a minute on a busy machine) in a transaction rolled
back at its end; each test runs in a savepoint inside it, so what one test removes is back for
the next, as if built afresh. Only tests that read that dataset belong here."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from enquiries.models import Enquiry, Referral
from registers.models import CareHome
from tests.test_dataset import BRADFORD, LEEDS, build
from vacancies.models import SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leeds_and_bradford(django_db_setup, django_db_blocker) -> str:
    """What the build said (the same seed as each test built before, so the same dataset)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(councils=f"{LEEDS},{BRADFORD}", seed=3)
        transaction.set_rollback(True)


def test_the_dataset_has_home_care_agencies_in_englands_proportion(leeds_and_bradford):
    from homecare.models import AgencyCapacity, CoveredDistrict
    from registers.models import HomeCareAgency

    assert "home-care agencies" in leeds_and_bradford
    homes = CareHome.objects.filter(is_synthetic=True).count()
    agencies = HomeCareAgency.objects.filter(is_synthetic=True)
    assert 0.5 <= agencies.count() / homes <= 0.8  # about 10,000 beside 15,500
    assert AgencyCapacity.objects.filter(agency__in=agencies).count() == agencies.count()
    covered = CoveredDistrict.objects.filter(agency__in=agencies)
    assert covered.values("agency").distinct().count() == agencies.count()
    leeds_agency = agencies.filter(local_authority__gss_code=LEEDS).first()
    assert CoveredDistrict.objects.filter(agency=leeds_agency, district__code__startswith="LS").exists()
    assert not SearchEntry.objects.filter(home__in=agencies).exists()
    build(remove=True)
    assert not HomeCareAgency.objects.filter(is_synthetic=True).exists()
    assert not CoveredDistrict.objects.exists()


def test_the_dataset_has_a_year_of_package_requests_mostly_placed_within_days(leeds_and_bradford):
    from django.db.models import F

    from enquiries.models import Kind, Package, Status

    assert "home-care package requests" in leeds_and_bradford
    requests = Enquiry.objects.filter(is_synthetic=True, kind=Kind.PACKAGE)
    beds = Enquiry.objects.filter(is_synthetic=True, kind=Kind.BED).count()
    assert 0.2 <= requests.count() / beds <= 0.4  # about a quarter of delayed discharges wait for home care
    assert Package.objects.filter(enquiry__in=requests).count() == requests.count()
    closed = requests.exclude(state="open")
    placed = closed.filter(state="placed")
    assert 0.7 <= placed.count() / closed.count() <= 0.9  # some never placed: unmet
    within_days = placed.filter(closed_at__lte=F("created_at") + datetime.timedelta(days=3)).count()
    assert within_days / placed.count() > 0.8
    assert requests.filter(state="open").exists()
    assert requests.order_by("created_at").first().created_at < timezone.now() - datetime.timedelta(days=300)
    # Each went to agencies covering its district; the one placed carries its offer.
    completed = Referral.objects.filter(enquiry__in=placed, status=Status.COMPLETED)
    assert completed.count() == placed.count()
    assert not completed.filter(offered_hours__isnull=True).exists()
    sample = Referral.objects.filter(enquiry__in=requests).select_related("enquiry__package")[:200]
    for referral in sample:
        assert referral.home.is_agency
        assert referral.home.districts.filter(district=referral.enquiry.package.district_id).exists()
    build(remove=True)
    assert not Enquiry.objects.filter(kind=Kind.PACKAGE).exists()
