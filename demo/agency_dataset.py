"""The national dataset's home-care agencies (ADR 019): England has about 10,000 CQC-registered
home-care agencies beside its 15,500 care homes, so the dataset has them in that proportion,
spread over councils as its homes are, each covering the postcode districts nearest its
office, with the care it gives and what it can take on now (freshness like the homes').
Not yet: a year of capacity history, agencies' staff accounts. Package requests: demo/package_requests.py."""

import datetime
import math
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from demo.bulk import copy_rows
from homecare.models import AgencyCapacity, Care, CoveredDistrict
from registers.choices import CqcRating, LocationKind, ServiceType
from registers.models import CareHome, HomeCareAgency, PostcodeArea, Provider

NATIONAL_AGENCIES = 10_000
# How often an agency gives each kind of care.
CARE_SHARES = {
    Care.PERSONAL_CARE: 0.95, Care.DEMENTIA: 0.6, Care.TWO_CARERS: 0.45, Care.COMPLEX: 0.2, Care.LIVE_IN: 0.1,
    Care.NIGHT_SITS: 0.15, Care.REABLEMENT: 0.25,
}  # fmt: skip
RATINGS = [(CqcRating.GOOD, 70), (CqcRating.OUTSTANDING, 5), (CqcRating.REQUIRES_IMPROVEMENT, 15),
           (CqcRating.INADEQUATE, 2), (CqcRating.NOT_YET_RATED, 8)]  # fmt: skip
# Hours since the capacity was last confirmed: most within a day, as the homes' freshness.
AGES = [((0, 24), 70), ((24, 72), 15), ((72, 24 * 14), 10), ((24 * 14, 24 * 90), 5)]


def _weighted(rng, pairs):
    total = sum(weight for _, weight in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def _miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 69.0
    dlng = (a[1] - b[1]) * 69.0 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlng)


def build(rng, councils, postcodes: dict[int, list], per_council: dict[int, int], email_domain: str) -> int:
    """Make the agencies (``per_council``: how many in each council; ``postcodes``: the
    council's postcodes to put their offices at); their count."""
    districts = defaultdict(list)
    for code, lat, lng, council in PostcodeArea.objects.filter(
        is_sector=False, local_authority__isnull=False
    ).values_list("code", "latitude", "longitude", "local_authority__upper_tier_id"):
        districts[council].append((code, (lat, lng)))
    for code, lat, lng, council in PostcodeArea.objects.filter(
        is_sector=False, local_authority__upper_tier__isnull=True, local_authority__isnull=False
    ).values_list("code", "latitude", "longitude", "local_authority_id"):
        districts[council].append((code, (lat, lng)))
    providers = Provider.objects.bulk_create(
        [
            Provider(name=f"Dataset Home Care {n + 1}", is_synthetic=True)
            for n in range(max(1, sum(per_council.values()) // 4))
        ]
    )
    today, now = timezone.localdate(), timezone.now()
    agencies, plans, number = [], [], 0
    for la in councils:
        pool, near = postcodes.get(la.pk) or [], districts.get(la.pk) or []
        for _ in range(per_council.get(la.pk, 0)):
            if not pool or not near:
                break
            postcode, lat, lng = rng.choice(pool)
            number += 1
            rating = _weighted(rng, RATINGS)
            agencies.append(
                HomeCareAgency(
                    kind=LocationKind.HOME_CARE_AGENCY, service_type=ServiceType.DOMICILIARY,
                    cqc_location_id=f"1-97{number:010d}", name=f"Dataset Home Care Agency {number}",
                    provider=rng.choice(providers), address_line_1=f"{number} Dataset Street",
                    town=la.name.split(",")[0], postcode=postcode, local_authority_id=la.pk, latitude=lat,
                    longitude=lng, phone="0113 496 0000", email=f"agency{number}@{email_domain}",
                    service_user_bands=["older_people"], cqc_rating=rating,
                    cqc_rating_date=None if rating == CqcRating.NOT_YET_RATED
                    else today - datetime.timedelta(days=rng.randint(30, 1800)),
                    is_synthetic=True,
                )
            )  # fmt: skip
            nearest = sorted(near, key=lambda district: _miles((lat, lng), district[1]))[: rng.randint(3, 12)]
            plans.append([code for code, _ in nearest])
    made = CareHome.locations.bulk_create(agencies, batch_size=2000)
    district_rows, capacity_rows = [], []
    for agency, covered in zip(made, plans, strict=True):
        hours = Decimal(0) if rng.random() < 0.3 else Decimal(rng.randint(8, 240)) / 4
        for code in covered:
            own = None if rng.random() < 0.85 else Decimal(rng.randint(0, 80)) / 4
            district_rows.append((agency.pk, code, own))
        care = [care for care, share in CARE_SHARES.items() if rng.random() < share]
        low, high = _weighted(rng, AGES)
        confirmed = now - datetime.timedelta(hours=rng.uniform(low, high))
        start = today + datetime.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5, 7, 14]))
        capacity_rows.append((agency.pk, care, hours, start, rng.random() < 0.5, confirmed, 1))
    copy_rows(CoveredDistrict, ["agency_id", "district_id", "hours_available"], district_rows)
    copy_rows(AgencyCapacity, ["agency_id", "care_given", "hours_available", "earliest_start",
                               "two_carer_calls_now", "last_confirmed_at", "version"], capacity_rows)  # fmt: skip
    return len(made)


def clear(email_domain: str) -> None:
    """The dataset's agencies and what hangs off them (their districts, capacity, history)."""
    HomeCareAgency.objects.filter(Q(is_synthetic=True) & Q(email__endswith="@" + email_domain)).delete()
    Provider.objects.filter(is_synthetic=True, name__startswith="Dataset Home Care ").filter(
        homes__isnull=True
    ).delete()
