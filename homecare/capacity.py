"""Changing an agency's capacity, districts and care: each change one transaction on the
agency's locked capacity row, its version moved on, a line in its history (ADR 003, 004)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from homecare.models import AgencyCapacity, CapacityChange, Care, CoveredDistrict, hours_words
from registers.models import HomeCareAgency


def _sentence(parts: list[str]) -> str:
    text = "; ".join(part for part in parts if part)
    return text[:1].upper() + text[1:]


def _locked(agency: HomeCareAgency) -> AgencyCapacity:
    AgencyCapacity.objects.get_or_create(agency=agency)
    return AgencyCapacity.objects.select_for_update().get(agency=agency)


def _record(capacity: AgencyCapacity, user, kind: str, summary: str) -> CapacityChange:
    return CapacityChange.objects.create(
        agency_id=capacity.agency_id, made_by=user, kind=kind, version=capacity.version, summary=summary[:1000]
    )


class Conflict(Exception):
    """Someone saved the capacity since the form was loaded: their changes, newest first."""

    def __init__(self, changes: list[CapacityChange]):
        super().__init__("capacity changed meanwhile")
        self.changes = changes


def update(
    agency: HomeCareAgency,
    user,
    *,
    loaded_version: int,
    hours: Decimal,
    earliest_start: datetime.date,
    two_carer_calls_now: bool,
    district_hours: dict[str, Decimal | None],
) -> CapacityChange:
    """Save the capacity as the form says, unless it changed since ``loaded_version`` (Conflict).
    Saving the same figures confirms them (a new version, "no change" in the history)."""
    with transaction.atomic():
        capacity = _locked(agency)
        if capacity.version != loaded_version:
            newer = list(agency.capacity_changes.filter(version__gt=loaded_version).select_related("made_by"))
            raise Conflict(newer)
        said = []
        if capacity.hours_available != hours:
            said.append(f"new hours a week {hours_words(capacity.hours_available)} → {hours_words(hours)}")
        if capacity.earliest_start != earliest_start:
            was = f"{capacity.earliest_start:%-d %b %Y}" if capacity.earliest_start else "not said"
            said.append(f"earliest start {was} → {earliest_start:%-d %b %Y}")
        if capacity.two_carer_calls_now != two_carer_calls_now:
            said.append(f"two-carer calls now {'yes' if two_carer_calls_now else 'no'}")
        districts = {row.district_id: row for row in CoveredDistrict.objects.filter(agency=agency)}
        for code, district_hours_now in district_hours.items():
            row = districts.get(code)
            if row is not None and row.hours_available != district_hours_now:
                said.append(f"{code} {hours_words(row.hours_available)} → {hours_words(district_hours_now)}")
                row.hours_available = district_hours_now
                row.save(update_fields=["hours_available"])
        capacity.hours_available, capacity.earliest_start = hours, earliest_start
        capacity.two_carer_calls_now = two_carer_calls_now
        capacity.last_confirmed_at = timezone.now()
        capacity.version += 1
        capacity.save()
        if said:
            return _record(capacity, user, CapacityChange.Kind.UPDATE, _sentence(said))
        return _record(capacity, user, CapacityChange.Kind.NO_CHANGE, "Figures saved unchanged")


def confirm_no_change(
    agency: HomeCareAgency, user, *, kind: str = CapacityChange.Kind.NO_CHANGE, version: int | None = None
) -> CapacityChange | None:
    """The figures are as they were: a fresh confirmation. None when there are no figures to
    confirm, or (``version``, a reminder's) when they have moved on since."""
    with transaction.atomic():
        capacity = _locked(agency)
        if capacity.hours_available is None or (version is not None and capacity.version != version):
            return None
        capacity.last_confirmed_at = timezone.now()
        capacity.save(update_fields=["last_confirmed_at"])
        return _record(capacity, user, kind, f"Confirmed: {hours_words(capacity.hours_available)} a week")


def set_care(agency: HomeCareAgency, user, care: list[str]) -> CapacityChange | None:
    with transaction.atomic():
        capacity = _locked(agency)
        care = [value for value, _ in Care.choices if value in care]  # in the list's order, once each
        if capacity.care_given == care:
            return None
        added = [Care(value).label for value in care if value not in capacity.care_given]
        removed = [Care(value).label for value in capacity.care_given if value not in care]
        capacity.care_given = care  # the capacity form does not show it: no new version to conflict with
        capacity.save(update_fields=["care_given"])
        words = _sentence(
            [f"added {', '.join(added)}" if added else "", f"removed {', '.join(removed)}" if removed else ""]
        )
        return _record(capacity, user, CapacityChange.Kind.CARE, words)


def cover(agency: HomeCareAgency, user, code: str) -> bool:
    """Add a postcode district; False when it was covered already."""
    with transaction.atomic():
        capacity = _locked(agency)
        _, made = CoveredDistrict.objects.get_or_create(agency=agency, district_id=code)
        if made:
            capacity.version += 1
            capacity.save(update_fields=["version"])
            _record(capacity, user, CapacityChange.Kind.DISTRICTS, f"Added {code}")
        return made


def uncover(agency: HomeCareAgency, user, code: str) -> bool:
    with transaction.atomic():
        capacity = _locked(agency)
        removed, _ = CoveredDistrict.objects.filter(agency=agency, district_id=code).delete()
        if removed:
            capacity.version += 1
            capacity.save(update_fields=["version"])
            _record(capacity, user, CapacityChange.Kind.DISTRICTS, f"Removed {code}")
        return bool(removed)


def take_on(agency: HomeCareAgency, user, *, hours: Decimal, district: str, placed_for: str) -> CapacityChange:
    """A package placed with the agency (enquiries.flows.confirm_placement): its hours come off
    the new hours a week it can take on, and off the district's own figure where it has one,
    as a placement fills a bed through the vacancy history. A new version, so a capacity form
    loaded before is told it changed (ADR 003); never below 0 (the agency offered the hours,
    whatever its figure said). Not a confirmation: the figures' age stays as it was."""
    with transaction.atomic():
        capacity = _locked(agency)
        said = [f"{hours_words(hours)} a week for {placed_for}"]
        if capacity.hours_available is not None:
            left = max(capacity.hours_available - hours, Decimal(0))
            said.append(f"new hours a week {hours_words(capacity.hours_available)} → {hours_words(left)}")
            capacity.hours_available = left
        row = CoveredDistrict.objects.select_for_update().filter(agency=agency, district_id=district).first()
        if row is not None and row.hours_available is not None:
            left = max(row.hours_available - hours, Decimal(0))
            said.append(f"{district} {hours_words(row.hours_available)} → {hours_words(left)}")
            row.hours_available = left
            row.save(update_fields=["hours_available"])
        capacity.version += 1
        capacity.save(update_fields=["hours_available", "version"])
        return _record(capacity, user, CapacityChange.Kind.PACKAGE, _sentence(said))
