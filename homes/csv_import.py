"""Bulk onboarding from CQC's CSV files.

Two layouts are accepted (see docs/csv-import.md): CQC's public API extract
(``location_id``, ``provider_id``, ``name``...) and CQC's care directory
(``Name``, ``Address``, ``CQC Location ID (for office use only)``...). Real
files are messy, so each row is cleaned where it safely can be (``NA``,
phone numbers that lost their leading zero, council names instead of codes,
extra columns) and otherwise reported with its row number and reason.

``plan()`` reads a file and works out what would change without writing;
``apply()`` writes a plan in one transaction (all or nothing).
"""

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from homes.choices import CqcRating, ServiceType, ServiceUserBand
from homes.cqc import normalise_cqc_id, normalise_phone
from homes.models import CareHome, CareHomeChange, LocalAuthority, Postcode, PostcodeArea, Provider
from homes.postcodes import normalise_postcode


class ImportFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


EMPTY = {"", "na", "n/a", "-", "none", "null", "not applicable", "unknown"}

# Our field -> the column names that may carry it (compared case- and space-insensitively).
COLUMNS = {
    "location_id": ["location_id", "CQC Location ID (for office use only)", "Location ID"],
    "provider_id": ["provider_id", "CQC Provider ID (for office use only)", "Provider ID"],
    "provider_name": ["provider_name", "Provider name"],
    "name": ["name", "location_name", "Name"],
    "address_line_1": ["address_line_1", "postal_address_line_1"],
    "address_line_2": ["address_line_2", "postal_address_line_2"],
    "address": ["Address"],
    "town": ["town", "postal_address_town_city"],
    "county": ["county", "postal_address_county"],
    "postcode": ["postcode", "postal_code", "Postcode"],
    "local_authority": ["local_authority", "Local authority", "onspd_local_authority_code"],
    "phone": ["phone", "main_phone_number", "Phone number"],
    "website": ["website", "Service's website (if available)"],
    "care_home": ["care_home"],
    "service_types": ["service_types", "Service types"],
    "specialisms": ["specialisms", "Specialisms/services"],
    "overall_rating": ["overall_rating", "Overall rating"],
    "overall_rating_date": ["overall_rating_date", "Date of latest check"],
}
REQUIRED = ["location_id", "name", "postcode"]

SPECIALISMS = {
    "caring for adults over 65 yrs": ServiceUserBand.OLDER_PEOPLE,
    "older people": ServiceUserBand.OLDER_PEOPLE,
    "caring for adults under 65 yrs": ServiceUserBand.YOUNGER_ADULTS,
    "younger adults": ServiceUserBand.YOUNGER_ADULTS,
    "dementia": ServiceUserBand.DEMENTIA,
    "learning disabilities": ServiceUserBand.LEARNING_DISABILITIES,
    "learning disabilities or autistic spectrum disorder": ServiceUserBand.LEARNING_DISABILITIES,
    "autism": ServiceUserBand.LEARNING_DISABILITIES,
    "mental health conditions": ServiceUserBand.MENTAL_HEALTH,
    "physical disabilities": ServiceUserBand.PHYSICAL_DISABILITIES,
    "sensory impairments": ServiceUserBand.SENSORY_IMPAIRMENT,
    "sensory impairment": ServiceUserBand.SENSORY_IMPAIRMENT,
    "substance misuse problems": ServiceUserBand.SUBSTANCE_MISUSE,
    "eating disorders": ServiceUserBand.EATING_DISORDERS,
    "caring for the whole population": ServiceUserBand.WHOLE_POPULATION,
    "whole population": ServiceUserBand.WHOLE_POPULATION,
}
RATINGS = {label.lower(): value for value, label in CqcRating.choices}

# The fields an import may set on a home; staff-kept fields (email, funding,
# facilities, description) are never overwritten by a file.
IMPORTED_FIELDS = [
    "name",
    "address_line_1",
    "address_line_2",
    "town",
    "county",
    "postcode",
    "latitude",
    "longitude",
    "phone",
    "website",
    "service_type",
    "service_user_bands",
    "cqc_rating",
    "cqc_rating_date",
]
HISTORY_FIELDS = [f for f in IMPORTED_FIELDS if f not in {"latitude", "longitude"}]


@dataclass
class Problem:
    row: int
    location_id: str
    reason: str


@dataclass
class HomeRow:
    row: int
    location_id: str
    provider_id: str | None
    provider_name: str
    local_authority_id: int
    values: dict


@dataclass
class Plan:
    total_rows: int = 0
    creates: list[HomeRow] = field(default_factory=list)
    updates: list[tuple[HomeRow, CareHome, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    if not raw.strip():
        raise ImportFileError("The file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        ) from None


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def read_header(text: str) -> tuple[dict[str, int], list[str]]:
    """Which column holds each field; the columns we do not use."""
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error) as error:
        raise ImportFileError(f"The file is not a CSV file we can read ({error})") from None
    lookup = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
    positions, ignored = {}, []
    for index, heading in enumerate(header):
        name = lookup.get(_key(heading))
        if name and name not in positions:
            positions[name] = index
        elif heading.strip():
            ignored.append(heading.strip())
    missing = [name for name in REQUIRED if name not in positions]
    if "provider_id" not in positions and "provider_name" not in positions:
        missing.append("provider_id or Provider name")
    if missing:
        raise ImportFileError(
            "The file is missing these columns: " + ", ".join(missing) + ". See the accepted columns below."
        )
    return positions, ignored


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() in EMPTY else value


def _parse_date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _service_type(text: str) -> str | None:
    lowered = text.lower()
    if "with nursing" in lowered.replace("without nursing", "") or "nursing home" in lowered:
        return ServiceType.WITH_NURSING
    if "without nursing" in lowered or "residential" in lowered:
        return ServiceType.WITHOUT_NURSING
    return None


def _bands(text: str) -> list[str]:
    bands = []
    for part in re.split(r"[|;,]", text):
        band = SPECIALISMS.get(part.strip().lower())
        if band and band not in bands:
            bands.append(band)
    return bands


def _split_address(address: str) -> tuple[str, str, str]:
    """CQC directory 'Address' is comma-separated: first line, ..., town."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return parts[0], "", ""
    return parts[0], ", ".join(parts[1:-1]), parts[-1]


class _Places:
    """Every postcode, sector and council the file mentions, fetched in a few queries."""

    def __init__(self, postcodes: set[str]):
        self.postcodes = {
            p.postcode: p
            for p in Postcode.objects.filter(postcode__in=postcodes).only("latitude", "longitude", "lad_code")
        }
        sectors = {pc[:-2] for pc in postcodes if pc not in self.postcodes}
        self.sectors = {a.code: a for a in PostcodeArea.objects.filter(code__in=sectors, is_sector=True)}
        lad_codes = {p.lad_code for p in self.postcodes.values()}
        self.council_of_lad = {
            code: upper or own
            for code, upper, own in LocalAuthority.objects.filter(gss_code__in=lad_codes).values_list(
                "gss_code", "upper_tier_id", "id"
            )
        }
        self.council_names = {}
        for la in LocalAuthority.objects.councils().only("name", "gss_code", "alt_names"):
            for name in [la.name, la.gss_code, *la.alt_names]:
                self.council_names[name.strip().lower()] = la.pk
        self.names = dict(LocalAuthority.objects.values_list("pk", "name"))

    def locate(self, postcode: str):
        found = self.postcodes.get(postcode)
        if found:
            return found.latitude, found.longitude, self.council_of_lad.get(found.lad_code)
        sector = self.sectors.get(postcode[:-2])
        if sector:  # a postcode newer (or retired longer ago) than our list: its sector's centre
            return sector.latitude, sector.longitude, sector.local_authority_id
        return None


def plan(text: str, *, allowed_la_ids: set[int] | None, progress: Callable[[int, int], None] | None = None) -> Plan:
    """What importing this file would do. ``allowed_la_ids`` None means anywhere (service admins)."""
    positions, ignored = read_header(text)
    rows = list(csv.reader(io.StringIO(text)))[1:]
    result = Plan(total_rows=len(rows), ignored_columns=ignored)

    def cell(row, name):
        index = positions.get(name)
        return _clean(row[index]) if index is not None and index < len(row) else ""

    postcodes = {normalise_postcode(cell(row, "postcode")) for row in rows} - {None}
    places = _Places(postcodes)
    ids = {normalise_cqc_id(cell(row, "location_id")) for row in rows} - {None}
    existing = {home.cqc_location_id: home for home in CareHome.objects.filter(cqc_location_id__in=ids)}

    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if progress and number % 500 == 0:
            progress(number - 1, len(rows))
        raw_id = cell(row, "location_id")

        def problem(reason, raw_id=raw_id, number=number):
            result.problems.append(Problem(number, raw_id, reason))

        if not any(value.strip() for value in row):
            continue  # blank line
        location_id = normalise_cqc_id(raw_id)
        if location_id is None:
            problem(f"CQC location ID “{raw_id}” is not like 1-101234567" if raw_id else "CQC location ID is missing")
            continue
        if location_id in seen:
            problem(f"The same CQC location ID is on row {seen[location_id]}: only the first is used")
            continue
        seen[location_id] = number
        if cell(row, "care_home").upper() == "N":
            problem("Not a care home (care_home is N)")
            continue
        name = cell(row, "name")
        if not name:
            problem("Name is missing")
            continue
        postcode = normalise_postcode(cell(row, "postcode"))
        if postcode is None:
            problem(
                f"Postcode “{cell(row, 'postcode')}” is not a full UK postcode"
                if cell(row, "postcode")
                else "Postcode is missing"
            )
            continue
        located = places.locate(postcode)
        if located is None or located[2] is None:
            problem(f"Postcode {postcode} is not a postcode we can find in England")
            continue
        latitude, longitude, council_id = located
        named_council = cell(row, "local_authority").lower()
        if named_council and places.council_names.get(named_council) not in (None, council_id):
            problem(
                f"The postcode {postcode} is in {places.names[council_id]}, "
                f"but the local authority column says {cell(row, 'local_authority')}"
            )
            continue
        if allowed_la_ids is not None and council_id not in allowed_la_ids:
            problem(f"{places.names[council_id]} is not your council area")
            continue
        service_type = _service_type(cell(row, "service_types"))
        if service_type is None:
            problem("Service type must say “Care home service with nursing” or “without nursing”")
            continue
        rating = RATINGS.get(cell(row, "overall_rating").lower(), CqcRating.NOT_YET_RATED)
        rating_date = _parse_date(cell(row, "overall_rating_date"))
        if cell(row, "overall_rating") and cell(row, "overall_rating").lower() not in RATINGS:
            problem(f"CQC rating “{cell(row, 'overall_rating')}” is not one of CQC's ratings")
            continue
        if rating != CqcRating.NOT_YET_RATED and rating_date is None:
            problem("The CQC rating has no date (overall_rating_date): a rating is always shown with its date")
            continue
        if rating_date and rating_date > datetime.date.today():
            problem(f"The CQC rating date {rating_date} is in the future")
            continue
        if rating == CqcRating.NOT_YET_RATED:
            rating_date = None
        line1, line2 = cell(row, "address_line_1"), cell(row, "address_line_2")
        town = cell(row, "town")
        if not line1 and cell(row, "address"):
            line1, line2, town_from_address = _split_address(cell(row, "address"))
            town = town or town_from_address
        website = cell(row, "website")
        if website and not re.match(r"^https?://", website, re.I):
            website = "https://" + website if re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", website, re.I) else ""
        values = {
            "name": name[:200],
            "address_line_1": line1[:200],
            "address_line_2": line2[:200],
            "town": town[:100],
            "county": cell(row, "county")[:100],
            "postcode": postcode,
            "latitude": latitude,
            "longitude": longitude,
            "phone": normalise_phone(cell(row, "phone")) or "",
            "website": website[:300],
            "service_type": service_type,
            "service_user_bands": _bands(cell(row, "specialisms")),
            "cqc_rating": rating,
            "cqc_rating_date": rating_date,
        }
        home_row = HomeRow(
            row=number,
            location_id=location_id,
            provider_id=normalise_cqc_id(cell(row, "provider_id")),
            provider_name=cell(row, "provider_name")[:200],
            local_authority_id=council_id,
            values=values,
        )
        current = existing.get(location_id)
        if current is None:
            result.creates.append(home_row)
            continue
        if allowed_la_ids is not None and current.local_authority_id not in allowed_la_ids:
            problem("This home is registered in another council's area")
            continue
        if current.local_authority_id != council_id:
            problem("The new postcode would move this home to another council: that council must onboard it")
            continue
        changed = [name for name in IMPORTED_FIELDS if getattr(current, name) != values[name]]
        if changed:
            result.updates.append((home_row, current, changed))
        else:
            result.unchanged += 1
    if progress:
        progress(len(rows), len(rows))
    return result


def _providers_for(rows: list[HomeRow]) -> dict[str, Provider]:
    """Existing providers by CQC ID, and new ones created in bulk. Keyed by ID or by 'name:'+name."""
    wanted_ids = {row.provider_id for row in rows if row.provider_id}
    providers: dict[str, Provider] = {
        p.cqc_provider_id: p for p in Provider.objects.filter(cqc_provider_id__in=wanted_ids)
    }
    new = {}
    for row in rows:
        key = row.provider_id or f"name:{row.provider_name.lower()}"
        if key in providers or key in new:
            continue
        name = row.provider_name or f"CQC provider {row.provider_id}"
        new[key] = Provider(name=name, cqc_provider_id=row.provider_id)
    for key, provider in zip(new, Provider.objects.bulk_create(new.values()), strict=True):
        providers[key] = provider
    return providers


@transaction.atomic
def apply(result: Plan, *, user) -> tuple[int, int]:
    """Write a plan: every create and update, or (on any error) nothing."""
    from homes.forms import display_value

    providers = _providers_for(result.creates)
    homes = [
        CareHome(
            cqc_location_id=row.location_id,
            provider=providers[row.provider_id or f"name:{row.provider_name.lower()}"],
            local_authority_id=row.local_authority_id,
            **row.values,
        )
        for row in result.creates
    ]
    created = CareHome.objects.bulk_create(homes, batch_size=1000)
    changes = [
        CareHomeChange(home=home, changed_by=user, version=1, field="imported", new_value=home.name) for home in created
    ]
    # Updates: lock the rows, then write only what the file changes.
    locked = {
        home.pk: home
        for home in CareHome.objects.select_for_update().filter(pk__in=[current.pk for _, current, _ in result.updates])
    }
    to_save, now = [], timezone.now()
    for row, current, changed in result.updates:
        home = locked[current.pk]
        home.version += 1
        home.updated_at = now
        for name in changed:
            old = getattr(home, name)
            setattr(home, name, row.values[name])
            if name in HISTORY_FIELDS:
                changes.append(
                    CareHomeChange(
                        home=home,
                        changed_by=user,
                        version=home.version,
                        field=name,
                        old_value=display_value(home, name, old),
                        new_value=display_value(home, name, row.values[name]),
                    )
                )
        to_save.append(home)
    if to_save:
        CareHome.objects.bulk_update(to_save, [*IMPORTED_FIELDS, "version", "updated_at"], batch_size=1000)
    CareHomeChange.objects.bulk_create(changes, batch_size=2000)
    return len(created), len(to_save)
