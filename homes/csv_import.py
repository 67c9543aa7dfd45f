"""Onboarding and refreshing care homes from CQC's files, whatever their layout.

Three layouts are known (docs/csv-import.md): CQC's API extract, CQC's care
directory CSV, and CQC's "HSCA active locations" spreadsheet saved as CSV.
A file whose headings are none of these goes through the mapping step: the
admin matches each column to a field (pre-filled by forgiving matching), and
the choice is remembered for their council's next file.

- ``columns_for(header, remembered)``: which field each column holds;
- ``plan(text, columns, ...)``: what importing would do, writing nothing;
- ``apply(plan, user=..., filename=...)``: all of it in one transaction, or nothing.

Real files are messy: each value is cleaned where it safely can be ("NA",
phone numbers that lost their leading zero, dates as people write them,
council names instead of codes) and otherwise reported with its row number
and reason. Only the columns a file has are imported: a file without a
website column leaves every website as it was.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from homes import facts
from homes.cqc import bands_of, normalise_cqc_id, normalise_phone, rating_of, service_type_of
from homes.models import CareHomeChange
from homes.postcodes import Places, normalise_postcode
from registers.choices import (
    UNRATED,
    CqcRating,
    HomeStatus,
    LocationKind,
    ServiceType,
    ServiceUserBand,
    kind_of,
    rating_label,
)
from registers.models import CareHome, Provider


class ImportFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


EMPTY = {"", "na", "n/a", "-", "none", "null", "not applicable", "unknown"}


def heading_key(heading: str) -> str:
    """A heading as compared: lower case, letters and digits only ("Post Code" = "postcode")."""
    return re.sub(r"[^a-z0-9]", "", heading.lower())


@dataclass(frozen=True)
class Field:
    label: str
    # Headings in CQC's own layouts (a file with these needs no mapping step).
    headings: tuple[str, ...] = ()
    # Other words councils use: they pre-fill the mapping step, nothing more.
    synonyms: tuple[str, ...] = ()


KEY_QUESTION_FIELDS = {
    f"rating_{name}": Field(
        f"CQC rating: {label}",
        (f"{name}_rating", f"key_question_{name}", f"current_ratings_{name}", f"{label} rating"),
        (label, name),
    )
    for name, label in [
        ("safe", "Safe"), ("effective", "Effective"), ("caring", "Caring"), ("responsive", "Responsive"),
        ("well_led", "Well-led"),
    ]
}  # fmt: skip

# CQC's HSCA spreadsheet says "Y" in a column per service type and per service user band.
NURSING_FLAGS = {
    "flag:with_nursing": Field("Care home with nursing (Y if so)", ("Service type - Care home service with nursing",)),
    "flag:without_nursing": Field(
        "Care home without nursing (Y if so)", ("Service type - Care home service without nursing",)
    ),
    "flag:domiciliary": Field("Home-care agency (Y if so)", ("Service type - Domiciliary care service",)),
}
BAND_HEADINGS = {
    ServiceUserBand.OLDER_PEOPLE: ("Older People",),
    ServiceUserBand.YOUNGER_ADULTS: ("Younger Adults",),
    ServiceUserBand.DEMENTIA: ("Dementia",),
    ServiceUserBand.LEARNING_DISABILITIES: ("Learning disabilities or autistic spectrum disorder",),
    ServiceUserBand.MENTAL_HEALTH: ("Mental Health",),
    ServiceUserBand.PHYSICAL_DISABILITIES: ("Physical Disability",),
    ServiceUserBand.SENSORY_IMPAIRMENT: ("Sensory Impairment",),
    ServiceUserBand.SUBSTANCE_MISUSE: ("Substance misuse problems", "Drugs and alcohol"),
    ServiceUserBand.EATING_DISORDERS: ("Eating Disorders",),
    ServiceUserBand.WHOLE_POPULATION: ("Whole Population",),
}
BAND_FLAGS = {
    f"band:{band}": Field(
        f"Cares for: {ServiceUserBand(band).label} (Y if so)",
        tuple(f"Service user band - {heading}" for heading in headings),
    )
    for band, headings in BAND_HEADINGS.items()
}

FIELDS: dict[str, Field] = {
    "location_id": Field(
        "CQC location ID", ("location_id", "CQC Location ID (for office use only)", "Location ID"),
        ("id", "CQC ID", "CQC location", "location code", "CQC location number", "home id", "service id"),
    ),
    "name": Field(
        "Name of the home", ("name", "location_name", "Location Name"),
        ("home name", "home", "care home", "care home name", "service name", "establishment", "name of home"),
    ),
    "provider_id": Field(
        "CQC provider ID", ("provider_id", "CQC Provider ID (for office use only)", "Provider ID"), ("CQC provider"),
    ),
    "provider_name": Field(
        "Provider name", ("provider_name", "Provider name"),
        ("provider", "registered provider", "organisation", "owner", "company"),
    ),
    "address": Field("Address, all in one (commas between lines)", ("Address",), ("full address",)),
    "address_line_1": Field(
        "Address line 1", ("address_line_1", "postal_address_line_1", "Location Street Address"),
        ("address 1", "street", "street address", "address1"),
    ),
    "address_line_2": Field(
        "Address line 2", ("address_line_2", "postal_address_line_2", "Location Address Line 2"),
        ("address 2", "address2", "locality"),
    ),
    "town": Field(
        "Town or city", ("town", "postal_address_town_city", "Location City"),
        ("city", "town/city", "town or city", "post town"),
    ),
    "county": Field("County", ("county", "postal_address_county", "Location County")),
    "postcode": Field(
        "Postcode", ("postcode", "postal_code", "Location Postal Code"), ("post code", "postal code", "zip"),
    ),
    "local_authority": Field(
        "Local authority (a check: the postcode decides)",
        ("local_authority", "Local authority", "onspd_local_authority_code", "Location Local Authority"),
        ("la", "council", "local authority name", "authority"),
    ),
    "phone": Field(
        "Phone", ("phone", "main_phone_number", "Phone number", "Location Telephone Number"),
        ("telephone", "telephone number", "tel", "contact number", "phone no", "tel no"),
    ),
    "website": Field(
        "Website", ("website", "Service's website (if available)", "Location Web Address"),
        ("web", "web address", "url"),
    ),
    "care_home": Field(
        "Care home? (N: skipped unless a home-care agency)", ("care_home", "Care home?"), ("is care home",)
    ),
    "service_types": Field(
        "Service type (with or without nursing, or domiciliary care)", ("service_types", "Service types"),
        ("type", "service type", "home type", "type of home", "type of service"),
    ),
    "specialisms": Field(
        "Service user bands (specialisms)", ("specialisms", "Specialisms/services", "Location Specialisms"),
        ("service user bands", "specialism", "bands", "user bands"),
    ),
    "overall_rating": Field(
        "CQC rating", ("overall_rating", "Overall rating", "Location Latest Overall Rating"),
        ("rating", "CQC rating", "latest rating", "overall"),
    ),
    "overall_rating_date": Field(
        "Date of the CQC rating", ("overall_rating_date", "Date of latest check", "Publication Date"),
        ("rating date", "report date", "date of rating", "date of report", "published"),
    ),
    "registered_beds": Field(
        "Registered beds", ("number_of_beds", "Care homes beds", "registered_beds"),
        ("beds", "number of beds", "registered beds", "bed count", "places", "capacity"),
    ),
    "registration_status": Field(
        "Registration status (Deregistered: archived)", ("registration_status",), ("status", "registration"),
    ),
    "registration_date": Field(
        "Date registered", ("registration_date", "Location HSCA start date"),
        ("date registered", "registered", "HSCA start date", "registered on"),
    ),
    "deregistration_date": Field("Date deregistered", ("deregistration_date",), ("date deregistered",)),
    "last_inspection_date": Field(
        "Date of last inspection", ("last_inspection_date", "Last inspection date"),
        ("last inspection", "date of last inspection", "inspection date", "inspected"),
    ),
    **KEY_QUESTION_FIELDS,
    **NURSING_FLAGS,
    **BAND_FLAGS,
}  # fmt: skip
REQUIRED = ["location_id", "name", "postcode"]
PROVIDER_FIELDS = ["provider_id", "provider_name"]

HEADING_FIELDS = {heading_key(heading): name for name, spec in FIELDS.items() for heading in spec.headings}
SYNONYM_FIELDS = {heading_key(word): name for name, spec in FIELDS.items() for word in spec.synonyms}

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")

# A file sets a home's fields when it has their column, as CQC's register does (homes/facts.py):
# what the home keeps itself (phone, website) only when the home has none, and its email,
# funding, facilities, description, fees and visiting never.
PREVIEW_ROWS = 50
LISTED = 200  # rating and beds changes, archives and missing homes listed in the preview, at most


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
    if_empty: dict = field(default_factory=dict)  # what the home keeps itself: set only when it has none


@dataclass
class Archive:
    row: int
    home: CareHome
    reason: str


@dataclass
class Plan:
    total_rows: int = 0
    creates: list[HomeRow] = field(default_factory=list)
    updates: list[tuple[HomeRow, CareHome, list[str]]] = field(default_factory=list)
    archives: list[Archive] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    missing: list[CareHome] = field(default_factory=list)  # in the councils the file covers, not in the file

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def decode(raw: bytes) -> str:
    if not raw.strip():
        raise ImportFileError("The file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again."
        ) from None


def read_header(text: str) -> list[str]:
    try:
        header = next(csv.reader(io.StringIO(text)))
    except StopIteration:
        raise ImportFileError("The file is empty") from None
    except csv.Error as error:
        raise ImportFileError(_unreadable(1, error)) from None
    if not any(heading.strip() for heading in header):
        raise ImportFileError("The file's first row has no column headings")
    return header


def read_rows(text: str) -> list[list[str]]:
    """Every row after the header; ImportFileError, saying where, for anything the csv module
    cannot read (an unclosed quote, a cell longer than its field limit of 131,072 characters)."""
    reader = csv.reader(io.StringIO(text))
    try:
        return list(reader)[1:]
    except csv.Error as error:
        raise ImportFileError(_unreadable(reader.line_num, error)) from None


def _unreadable(line: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        problem = f"a cell longer than {csv.field_size_limit():,} characters"
    else:
        problem = f"something that is not CSV ({error})"
    return (
        f"The file cannot be read: line {line} has {problem}. Open it in your spreadsheet, check that line, "
        "save it as “CSV UTF-8” and upload it again."
    )


def sample_rows(text: str, count: int = 3) -> list[list[str]]:
    """The first few rows after the header, for the mapping step."""
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    rows = []
    for row in reader:
        if any(value.strip() for value in row):
            rows.append(row)
        if len(rows) == count:
            break
    return rows


@dataclass
class Columns:
    """Which field each column of a file holds ("" for none)."""

    fields: list[str]
    layout: str

    @property
    def missing(self) -> list[str]:
        """Required fields no column holds, in words."""
        held = set(self.fields)
        missing = [FIELDS[name].label for name in REQUIRED if name not in held]
        if not held & set(PROVIDER_FIELDS):
            missing.append("CQC provider ID or provider name")
        return missing

    @property
    def complete(self) -> bool:
        return not self.missing


def columns_for(header: list[str], remembered: dict[str, str] | None = None) -> Columns:
    """The fields of a file's columns, from CQC's layouts' headings and then what this
    council matched before (``remembered``: heading key -> field). A field held by two
    columns is read from the first."""
    remembered = remembered or {}
    fields, seen = [], set()
    from_memory = False
    for heading in header:
        key = heading_key(heading)
        name = HEADING_FIELDS.get(key, "")
        if not name and key in remembered:
            name, from_memory = remembered[key], True
        if name in seen:
            name = ""
        seen.add(name)
        fields.append(name)
    keys = {heading_key(heading) for heading in header}
    if from_memory:
        layout = "Matched as this council's earlier file"
    elif any(heading.strip().startswith("Service type - ") for heading in header) or "locationpostalcode" in keys:
        layout = "CQC HSCA active locations"
    elif "cqclocationidforofficeuseonly" in keys:
        layout = "CQC care directory"
    else:
        layout = "CQC API extract"
    return Columns(fields, layout)


def suggest(header: list[str], remembered: dict[str, str] | None = None) -> list[str]:
    """A first guess at each column's field for the mapping step: CQC's headings, this
    council's earlier choices, then common words for each field."""
    remembered = remembered or {}
    guesses, taken = [], set()
    for heading in header:
        key = heading_key(heading)
        guess = HEADING_FIELDS.get(key) or remembered.get(key) or SYNONYM_FIELDS.get(key, "")
        if guess in taken:
            guess = ""
        taken.add(guess)
        guesses.append(guess)
    return guesses


def check_mapping(header: list[str], fields: list[str]) -> dict[int, str]:
    """Errors by column index for the fields an admin matched to a file's columns; none when it can be used."""
    errors, first = {}, {}
    for index, name in enumerate(fields):
        if not name:
            continue
        if name in first:
            other = header[first[name]].strip() or f"column {first[name] + 1}"
            errors[index] = f"{FIELDS[name].label} is already matched to “{other}”: match each field to one column"
        else:
            first[name] = index
    return errors


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.lower() in EMPTY else value


def parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _bands(text: str) -> list[str]:
    return bands_of(re.split(r"[|;,]", text))


def _split_address(address: str) -> tuple[str, str, str]:
    """CQC directory 'Address' is comma-separated: first line, ..., town."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return parts[0], "", ""
    return parts[0], ", ".join(parts[1:-1]), parts[-1]


def _yes(text: str) -> bool:
    return text.strip().upper() in {"Y", "YES", "TRUE", "1"}


class _RowError(Exception):
    """One row cannot be used: the reason is the message."""


def _rating(text: str, what: str) -> str | None:
    if not text:
        return None
    rating = rating_of(text)
    if rating is None:
        raise _RowError(f"{what} “{text}” is not one of CQC's ratings")
    return rating


def _date(text: str, what: str) -> datetime.date | None:
    if not text:
        return None
    parsed = parse_date(text)
    if parsed is None:
        raise _RowError(f"{what} “{text}” is not a date we can read (like 2024-03-01 or 01/03/2024)")
    if parsed > timezone.localdate():
        raise _RowError(f"{what} {parsed} is in the future")
    return parsed


def _beds(text: str) -> int | None:
    if not text:
        return None
    try:
        beds = int(text.replace(",", "").strip())
    except ValueError:
        raise _RowError(f"Registered beds “{text}” is not a whole number") from None
    if beds < 0 or beds > 2000:
        raise _RowError(f"Registered beds {beds} is not a number of beds a home can have (0 to 2,000)")
    return beds


def plan(
    text: str,
    columns: list[str],
    *,
    allowed_la_ids: set[int] | None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """What importing this file would do. ``columns``: the field of each column (``columns_for`` or
    the mapping step). ``allowed_la_ids`` None means anywhere (service admins)."""
    header = read_header(text)
    positions = {name: index for index, name in enumerate(columns) if name}
    rows = read_rows(text)
    result = Plan(
        total_rows=len(rows),
        ignored_columns=[
            heading.strip() for heading, name in zip(header, columns, strict=False) if not name and heading.strip()
        ],
    )
    has = set(positions)

    def cell(row, name):
        index = positions.get(name)
        return _clean(row[index]) if index is not None and index < len(row) else ""

    postcodes = {normalise_postcode(cell(row, "postcode")) for row in rows} - {None}
    places = Places(postcodes)
    ids = {normalise_cqc_id(cell(row, "location_id")) for row in rows} - {None}
    existing = {home.cqc_location_id: home for home in CareHome.locations.filter(cqc_location_id__in=ids)}
    seen: dict[str, int] = {}
    councils_covered: set[int] = set()
    # A file of care homes says nothing of the agencies in its councils, nor one of agencies of the homes.
    kinds_in_file: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        if progress and number % 500 == 0:
            progress(number - 1, len(rows))
        if not any(value.strip() for value in row):
            continue  # blank line
        raw_id = cell(row, "location_id")
        location_id = normalise_cqc_id(raw_id)
        if location_id is None:
            reason = f"CQC location ID “{raw_id}” is not like 1-101234567" if raw_id else "CQC location ID is missing"
            result.problems.append(Problem(number, raw_id, reason))
            continue
        if location_id in seen:
            result.problems.append(
                Problem(
                    number, raw_id, f"The same CQC location ID is on row {seen[location_id]}: only the first is used"
                )
            )
            continue
        seen[location_id] = number
        current = existing.get(location_id)
        if current is not None and current.is_synthetic:
            result.problems.append(
                Problem(
                    number, raw_id, "This CQC location ID is a demo home's: remove the demo data before importing it"
                )
            )
            continue
        try:
            outcome = _row(row, number, location_id, current, cell, has, places, allowed_la_ids, result)
        except _RowError as error:
            result.problems.append(Problem(number, raw_id, str(error)))
            continue
        if outcome is None:
            continue
        home_row, council_id = outcome
        councils_covered.add(council_id)
        kinds_in_file.add(home_row.values["kind"])
        if current is None:
            result.creates.append(home_row)
            continue
        changed = facts.differences(current, home_row.values, home_row.if_empty)
        if changed:
            result.updates.append((home_row, current, changed))
        else:
            result.unchanged += 1
    if allowed_la_ids is not None:
        councils_covered &= allowed_la_ids
    result.missing = list(
        CareHome.locations.active()
        .filter(local_authority__in=councils_covered, kind__in=kinds_in_file)
        .exclude(cqc_location_id__in=seen)
        .order_by("name")
        .only("name", "cqc_location_id", "postcode")
    )
    if progress:
        progress(len(rows), len(rows))
    return result


def _service_type(row, cell, has) -> str | None:
    """The row's service type from its service types' cell, else CQC's flags (a care home
    service wins over domiciliary care: a location is kept as one kind)."""
    if cell(row, "service_types"):
        return service_type_of(cell(row, "service_types"))
    for flag, service_type in (
        ("flag:with_nursing", ServiceType.WITH_NURSING),
        ("flag:without_nursing", ServiceType.WITHOUT_NURSING),
        ("flag:domiciliary", ServiceType.DOMICILIARY),
    ):
        if flag in has and _yes(cell(row, flag)):
            return service_type
    return None


def _row(row, number, location_id, current, cell, has, places, allowed_la_ids, result):
    """One row: (HomeRow, its council) to create or update; None when it is skipped or archived.
    Raises _RowError with the reason a row cannot be used."""
    service_type = _service_type(row, cell, has)
    not_a_care_home = "care_home" in has and cell(row, "care_home").upper() in {"N", "NO"}
    if not_a_care_home and service_type != ServiceType.DOMICILIARY:
        result.skip("Neither care homes nor home-care agencies")
        return None
    status = cell(row, "registration_status").lower()
    if status.startswith("deregistered") or cell(row, "deregistration_date"):
        if current is None:
            result.skip("Deregistered homes not in the portal (not added)")
        elif current.status == HomeStatus.ACTIVE:
            if allowed_la_ids is not None and current.local_authority_id not in allowed_la_ids:
                raise _RowError("This home is registered in another council's area")
            when = _date(cell(row, "deregistration_date"), "Date deregistered")
            reason = "Deregistered by CQC" + (f" on {when:%-d %B %Y}" if when else "")
            result.archives.append(Archive(number, current, reason))
        else:
            result.skip("Deregistered homes already archived")
        return None
    name = cell(row, "name")
    if not name:
        raise _RowError("Name is missing")
    postcode = normalise_postcode(cell(row, "postcode"))
    if postcode is None:
        shown = cell(row, "postcode")
        raise _RowError(f"Postcode “{shown}” is not a full UK postcode" if shown else "Postcode is missing")
    located = places.locate(postcode)
    if located is None or located[2] is None:
        raise _RowError(f"Postcode {postcode} is not a postcode we can find in England")
    latitude, longitude, council_id = located
    named = cell(row, "local_authority")
    if named and places.councils.find(named) not in (None, council_id):
        result.warnings.append(
            Problem(
                number, location_id,
                f"The local authority column says {named}, but the postcode {postcode} is in "
                f"{places.councils.names[council_id]}: the postcode's council is used",
            )
        )  # fmt: skip
    if allowed_la_ids is not None and council_id not in allowed_la_ids:
        raise _RowError(f"{places.councils.names[council_id]} is not your council area")
    if current is not None:
        if allowed_la_ids is not None and current.local_authority_id not in allowed_la_ids:
            raise _RowError("This home is registered in another council's area")
        if current.local_authority_id != council_id:
            raise _RowError("The new postcode would move this home to another council: that council must onboard it")
        if current.status != HomeStatus.ACTIVE:
            result.warnings.append(
                Problem(
                    number,
                    location_id,
                    "This home is archived in the portal: its details are updated, it stays archived",
                )
            )

    values = {"name": name[:200], "postcode": postcode, "latitude": latitude, "longitude": longitude}
    if has & {"address_line_1", "address"}:
        line1, line2, town = cell(row, "address_line_1"), cell(row, "address_line_2"), cell(row, "town")
        if not line1 and cell(row, "address"):
            line1, line2, town_from_address = _split_address(cell(row, "address"))
            town = town or town_from_address
        values |= {"address_line_1": line1[:200], "address_line_2": line2[:200], "town": town[:100]}
    elif "town" in has:
        values["town"] = cell(row, "town")[:100]
    if "county" in has:
        values["county"] = cell(row, "county")[:100]
    if_empty = {}
    if "phone" in has:
        if_empty["phone"] = normalise_phone(cell(row, "phone")) or ""
    if "website" in has:
        website = cell(row, "website")
        if website and not re.match(r"^https?://", website, re.IGNORECASE):
            website = "https://" + website if re.match(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", website, re.IGNORECASE) else ""
        if_empty["website"] = website[:300]

    if cell(row, "service_types") and service_type is None:
        raise _RowError(
            "Service type must say “Care home service with nursing”, “without nursing” or “Domiciliary care service”"
        )
    if service_type:
        values["service_type"] = service_type
    elif current is None:
        raise _RowError("The file does not say whether the home provides nursing (its service type)")
    kind = kind_of(values.get("service_type") or current.service_type)
    if current is not None and current.kind != kind:
        raise _RowError(
            f"This location is a {LocationKind(current.kind).label.lower()} in the portal; "
            f"the file says it is a {LocationKind(kind).label.lower()}"
        )
    values["kind"] = kind

    band_flags = [name for name in has if name.startswith("band:")]
    if "specialisms" in has or band_flags:
        bands = _bands(cell(row, "specialisms"))
        bands += [name.removeprefix("band:") for name in sorted(band_flags) if _yes(cell(row, name))]
        values["service_user_bands"] = list(dict.fromkeys(bands))

    if "overall_rating" in has:
        # An empty cell is a rating the file does not give: not known, never "Not yet rated".
        rating = _rating(cell(row, "overall_rating"), "CQC rating")
        rated = _date(cell(row, "overall_rating_date"), "The CQC rating's date")
        if rating and rating not in UNRATED and rated is None:
            raise _RowError("The CQC rating has no date (overall_rating_date): a rating is always shown with its date")
        values |= {
            "cqc_rating": rating,
            "cqc_rating_date": rated if rating not in (None, CqcRating.NOT_YET_RATED) else None,
        }
    for name, spec in KEY_QUESTION_FIELDS.items():
        if name in has:
            values[name] = _rating(cell(row, name), spec.label)
    if "registered_beds" in has and kind == LocationKind.CARE_HOME:  # an agency has no beds
        values["registered_beds"] = _beds(cell(row, "registered_beds"))
    for name, what in (("registration_date", "Date registered"), ("last_inspection_date", "Date of last inspection")):
        if name in has:
            values[name] = _date(cell(row, name), what)
    home_row = HomeRow(
        row=number,
        location_id=location_id,
        provider_id=normalise_cqc_id(cell(row, "provider_id")),
        provider_name=cell(row, "provider_name")[:200],
        local_authority_id=council_id,
        values=values,
        if_empty=if_empty,
    )
    if current is None and not (home_row.provider_id or home_row.provider_name):
        raise _RowError("The provider is missing (its CQC provider ID or its name)")
    return home_row, council_id


def preview(result: Plan) -> dict:
    """What the preview page lists, as plain values (kept with the job as JSON)."""
    from homes.models import field_label

    rating_changes, beds_changes = [], []
    for row, current, changed in result.updates:
        if "cqc_rating" in changed:
            rating_changes.append(
                {"row": row.row, "id": row.location_id, "name": row.values["name"],
                 "old": rating_label(current.cqc_rating), "new": rating_label(row.values["cqc_rating"])}
            )  # fmt: skip
        if "registered_beds" in changed:
            beds_changes.append(
                {"row": row.row, "id": row.location_id, "name": row.values["name"], "old": current.registered_beds,
                 "new": row.values["registered_beds"]}
            )  # fmt: skip
    return {
        "create": [
            {
                "row": r.row,
                "id": r.location_id,
                "name": r.values["name"],
                "postcode": r.values["postcode"],
                "beds": r.values.get("registered_beds"),
            }
            for r in result.creates[:PREVIEW_ROWS]
        ],
        "update": [
            {
                "row": r.row,
                "id": r.location_id,
                "name": r.values["name"],
                "fields": [field_label(name) for name in changed if name not in facts.NOT_IN_THE_HISTORY],
            }
            for r, _, changed in result.updates[:PREVIEW_ROWS]
        ],
        "rating_changes": rating_changes[:LISTED],
        "beds_changes": beds_changes[:LISTED],
        "archive": [
            {"row": a.row, "id": a.home.cqc_location_id, "name": a.home.name, "reason": a.reason}
            for a in result.archives[:LISTED]
        ],
        "missing": [{"id": h.cqc_location_id, "name": h.name, "postcode": h.postcode} for h in result.missing[:LISTED]],
        "missing_count": len(result.missing),
    }


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
def apply(result: Plan, *, user, filename: str = "") -> tuple[int, int, int]:
    """Write a plan: every create, update and archive, or (on any error) nothing.
    Returns how many homes were created, updated and archived."""
    providers = _providers_for(result.creates)
    homes = [
        CareHome(
            cqc_location_id=row.location_id,
            provider=providers[row.provider_id or f"name:{row.provider_name.lower()}"],
            local_authority_id=row.local_authority_id,
            **row.values,
            **row.if_empty,
        )
        for row in result.creates
    ]
    created = CareHome.locations.bulk_create(homes, batch_size=1000)
    changes = [
        CareHomeChange(home=home, changed_by=user, version=1, field="imported", new_value=home.name) for home in created
    ]
    # Updates and archives: lock the rows, then write only what the file changes to each as it is now.
    touched = [current.pk for _, current, _ in result.updates] + [a.home.pk for a in result.archives]
    locked = {home.pk: home for home in CareHome.locations.select_for_update().filter(pk__in=touched)}
    to_save, now = {}, timezone.now()
    written: set[str] = {"version", "updated_at"}
    for row, current, _ in result.updates:
        home = locked[current.pk]
        changed = facts.differences(home, row.values, row.if_empty)
        changes += facts.record(home, changed, user=user)
        written |= changed.keys()
        to_save[home.pk] = home
    for archive in result.archives:
        home = locked[archive.home.pk]
        if home.status != HomeStatus.ACTIVE:
            continue
        reason = f"{archive.reason} (file {filename})" if filename else archive.reason
        changes.append(facts.archive(home, reason, user=user, now=now))
        written |= set(facts.ARCHIVE_FIELDS)
        to_save[home.pk] = home
    if to_save:
        CareHome.locations.bulk_update(to_save.values(), sorted(written), batch_size=1000)
    CareHomeChange.objects.bulk_create(changes, batch_size=2000)
    return len(created), len(result.updates), len(result.archives)
