"""The demo's home-care agencies (ADR 019): a few in Leeds and one in Bradford, with the
districts they cover, the care they give and what they can take on now, so `make run` shows
Find home care and an agency's pages. Synthetic like the demo's homes."""

import datetime
from decimal import Decimal

from django.utils import timezone

from homecare.models import AgencyCapacity, CapacityChange, Care, CoveredDistrict
from homes.postcodes import locate_postcode
from registers.choices import CqcRating, LocationKind, ServiceType
from registers.models import CareHome, HomeCareAgency, Provider

# (CQC location ID, name, provider, address, postcode, rating and date, districts (own hours or None),
#  hours a week, days to the earliest start, two-carer calls now, care, hours since confirmed)
AGENCIES = [
    ("1-998000000401", "Kirkstall Home Care", "Aire Valley Care Ltd", "2 Abbey Road", "LS5 3AB",
     (CqcRating.GOOD, "2024-02-14"), {"LS5": None, "LS6": Decimal(12), "LS4": None, "LS16": None},
     Decimal(20), 1, True, [Care.PERSONAL_CARE, Care.DEMENTIA, Care.TWO_CARERS, Care.REABLEMENT], 3),
    ("1-998000000402", "Chapel Allerton Care at Home", "Rosewood Homes", "8 Harrogate Road", "LS7 4AB",
     (CqcRating.OUTSTANDING, "2023-07-03"), {"LS7": None, "LS8": None, "LS6": None, "LS17": None},
     Decimal("7.5"), 5, False, [Care.PERSONAL_CARE, Care.NIGHT_SITS, Care.LIVE_IN], 30),
    ("1-998000000403", "Leeds Reablement Partnership", "Moorside Care Partnership", "1 Wellington Street",
     "LS1 4AB", (CqcRating.REQUIRES_IMPROVEMENT, "2024-10-01"), {"LS1": None, "LS2": None, "LS6": None,
     "LS11": Decimal(0)}, Decimal(35), 0, True, [Care.PERSONAL_CARE, Care.COMPLEX, Care.REABLEMENT], 80),
    ("1-998000000404", "Bradford Community Care", "Moorside Care Partnership", "12 Manningham Lane",
     "BD8 7AB", (CqcRating.GOOD, "2024-04-22"), {"BD8": None, "BD9": None}, Decimal(16), 2, True,
     [Care.PERSONAL_CARE, Care.DEMENTIA], 2),
]  # fmt: skip


def seed_agencies(providers: dict[str, Provider]) -> list[HomeCareAgency]:
    """Make the demo agencies that are missing (idempotent); return them all."""
    made = []
    for cqc_id, name, provider, address, postcode, (rating, rated), districts, hours, days, two, care, age in AGENCIES:
        agency = HomeCareAgency.objects.filter(cqc_location_id=cqc_id).first()
        if agency is None:
            if CareHome.locations.filter(cqc_location_id=cqc_id).exists():
                continue  # not ours to change
            place = locate_postcode(postcode)
            agency = HomeCareAgency.objects.create(
                kind=LocationKind.HOME_CARE_AGENCY, cqc_location_id=cqc_id, name=name, provider=providers[provider],
                address_line_1=address, town="Leeds" if postcode.startswith("LS") else "Bradford",
                postcode=postcode, local_authority_id=place.local_authority_id, latitude=place.latitude,
                longitude=place.longitude, phone="0113 496 1" + cqc_id[-3:], email=f"office.{cqc_id[-3:]}@example.org",
                service_type=ServiceType.DOMICILIARY, service_user_bands=["older_people"], cqc_rating=rating,
                cqc_rating_date=datetime.date.fromisoformat(rated), is_synthetic=True,
            )  # fmt: skip
            for code, own in districts.items():
                CoveredDistrict.objects.create(agency=agency, district_id=code, hours_available=own)
            confirmed = timezone.now() - datetime.timedelta(hours=age)
            AgencyCapacity.objects.create(
                agency=agency, care_given=list(care), hours_available=hours, two_carer_calls_now=two,
                earliest_start=timezone.localdate() + datetime.timedelta(days=days), last_confirmed_at=confirmed,
                version=1,
            )  # fmt: skip
            change = CapacityChange.objects.create(
                agency=agency, kind=CapacityChange.Kind.UPDATE, version=1,
                summary=f"New hours a week not said → {hours.normalize():f} hours",
            )  # fmt: skip
            CapacityChange.objects.filter(pk=change.pk).update(made_at=confirmed)
        made.append(agency)
    return made
