"""One location of CQC's register, as CQC's API gives it, read into the facts a home has.

``read(document)`` gives a ``Location``: what CQC says (the values a home takes from CQC,
and the ones it takes only when it has none of its own), whether it is a care home and
still registered, and ``notes``: what was odd but could be read (a rating without a date,
a service type we do not know). A document that cannot be read as one location raises
``Unreadable`` with the reason. Nothing here reads or writes the database.

CQC's data is not tidy: any field may be missing or null, the key questions come in any
order or not at all, a rating may have no date. What CQC did not give is left out of
``values`` as None: a fact CQC does not give is not known, never made up (ADR 015).
Placing the location (its postcode, its council) is the sync's business.
"""

import datetime
from dataclasses import dataclass, field

from homes.cqc import bands_of, normalise_cqc_id, normalise_phone, rating_of, service_type_of
from homes.postcodes import normalise_postcode
from registers.choices import KEY_QUESTIONS, UNRATED, CqcRating, ServiceType

# CQC's names for the key questions ("Well-led", sometimes "Well led"), to our fields.
KEY_QUESTION_NAMES = {label.lower(): f"rating_{name}" for name, label in KEY_QUESTIONS}
KEY_QUESTION_NAMES["well led"] = "rating_well_led"


class Unreadable(ValueError):
    """The document is not one location we can read: the message says why."""


@dataclass
class Location:
    location_id: str
    care_home: bool
    registered: bool
    deregistered_on: datetime.date | None
    provider_id: str | None
    name: str
    postcode: str | None
    postcode_as_given: str
    local_authority: str  # CQC's name for the council
    latitude: float | None
    longitude: float | None
    service_type: str | None
    # CareHome fields CQC decides (None: not known).
    values: dict = field(default_factory=dict)
    # CareHome fields the home keeps itself: CQC's only fill an empty one.
    if_empty: dict = field(default_factory=dict)
    rating_note: str = ""  # "report of 2 Nov 2026"
    regulated_activities: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _text(document: dict, name: str) -> str:
    value = document.get(name)
    return value.strip() if isinstance(value, str) else ""


def _date(value, what: str, notes: list[str]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    notes.append(f"{what} “{value}” is not a date: not known")
    return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _names(document: dict, name: str) -> list[str]:
    """The ``name`` of each item of a list of objects (CQC's gacServiceTypes, specialisms...)."""
    items = document.get(name)
    if not isinstance(items, list):
        return []
    return [item["name"].strip() for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)]


def _beds(value, notes: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2000:
        return value
    notes.append(f"Registered beds “{value}” is not a number of beds: not known")
    return None


def _ratings(document: dict, location: Location) -> None:
    """The overall rating with its report date, and the five key questions (any order, any missing)."""
    values, notes = location.values, location.notes
    values.update(dict.fromkeys(["cqc_rating", "cqc_rating_date", *KEY_QUESTION_NAMES.values()]))
    current = document.get("currentRatings")
    overall = current.get("overall") if isinstance(current, dict) else None
    if not isinstance(overall, dict):
        return
    words = overall.get("rating")
    rating = rating_of(words) if isinstance(words, str) else None
    if words and rating is None:
        notes.append(f"Overall rating “{words}” is not one of CQC's ratings: not known")
    reported = _date(overall.get("reportDate"), "The rating's report date", notes)
    if rating and rating not in UNRATED and reported is None:
        notes.append(f"Overall rating “{words}” has no report date: not known")
        rating = None
    if rating:
        values["cqc_rating"] = rating
        values["cqc_rating_date"] = None if rating == CqcRating.NOT_YET_RATED else reported
        if reported and rating != CqcRating.NOT_YET_RATED:
            location.rating_note = f"report of {reported:%-d %b %Y}"
    questions = overall.get("keyQuestionRatings")
    for question in questions if isinstance(questions, list) else []:
        if not isinstance(question, dict):
            continue
        name = KEY_QUESTION_NAMES.get(str(question.get("name", "")).strip().lower())
        if name is None:
            notes.append(f"Key question “{question.get('name')}” is not one of CQC's five: left out")
            continue
        words = question.get("rating")
        value = rating_of(words) if isinstance(words, str) else None
        if words and value is None:
            notes.append(f"{question.get('name')} rating “{words}” is not one of CQC's ratings: not known")
        values[name] = value


def _inspected(document: dict):
    inspection = document.get("lastInspection")
    return inspection.get("date") if isinstance(inspection, dict) else None


def read(document) -> Location:
    if not isinstance(document, dict):
        raise Unreadable("The answer is not a location")
    location_id = normalise_cqc_id(_text(document, "locationId"))
    if location_id is None:
        raise Unreadable(f"locationId “{document.get('locationId')}” is not a CQC location ID")
    notes: list[str] = []
    status = _text(document, "registrationStatus").lower()
    if status not in {"registered", "deregistered"}:
        said = document.get("registrationStatus")
        raise Unreadable(f"registrationStatus “{said}” is neither Registered nor Deregistered")
    service_types = [*_names(document, "gacServiceTypes")]
    described = [
        item["description"].strip()
        for item in document.get("gacServiceTypes") or []
        if isinstance(item, dict) and isinstance(item.get("description"), str)
    ]
    kinds = {kind for text in [*service_types, *described] if (kind := service_type_of(text))}
    care_home = _text(document, "careHome").upper() == "Y"
    # A location is kept as one kind: a care home's nursing service first, never its home care.
    wanted = [ServiceType.WITH_NURSING, ServiceType.WITHOUT_NURSING] if care_home else [ServiceType.DOMICILIARY]
    service_type = next((kind for kind in wanted if kind in kinds), None)
    if care_home and service_type is None:
        shown = ", ".join(service_types) or "none given"
        notes.append(f"Service type ({shown}) is neither a care home with nursing nor one without")
    given_postcode = _text(document, "postalCode")
    latitude, longitude = _number(document.get("onspdLatitude")), _number(document.get("onspdLongitude"))
    if latitude is None or longitude is None or not (49.0 <= latitude <= 61.0 and -8.7 <= longitude <= 2.0):
        latitude = longitude = None
    registered = status == "registered"
    location = Location(
        location_id=location_id,
        care_home=care_home,
        registered=registered,
        deregistered_on=None if registered else _date(document.get("deregistrationDate"), "Deregistered on", notes),
        provider_id=normalise_cqc_id(_text(document, "providerId")),
        name=_text(document, "name")[:200],
        postcode=normalise_postcode(given_postcode),
        postcode_as_given=given_postcode,
        local_authority=_text(document, "localAuthority"),
        latitude=latitude,
        longitude=longitude,
        service_type=service_type,
        regulated_activities=_names(document, "regulatedActivities"),
        notes=notes,
    )
    if not location.name:
        raise Unreadable("The location has no name")
    dormancy = _text(document, "dormancy").upper()
    location.values = {
        "name": location.name,
        "address_line_1": _text(document, "postalAddressLine1")[:200],
        "address_line_2": _text(document, "postalAddressLine2")[:200],
        "town": _text(document, "postalAddressTownCity")[:100],
        "county": _text(document, "postalAddressCounty")[:100],
        "registration_date": _date(document.get("registrationDate"), "Registered on", notes),
        "dormant": {"Y": True, "N": False}.get(dormancy),
        "registered_beds": _beds(document.get("numberOfBeds"), notes),
        "last_inspection_date": _date(_inspected(document), "Last inspection", notes),
    }
    if service_type:
        location.values["service_type"] = service_type
    if "specialisms" in document:  # absent: CQC said nothing about them; [] : none
        location.values["service_user_bands"] = bands_of(_names(document, "specialisms"))
    _ratings(document, location)
    phone = normalise_phone(_text(document, "mainPhoneNumber"))
    website = _text(document, "website")
    if website and not website.lower().startswith(("http://", "https://")):
        website = "https://" + website
    location.if_empty = {"phone": phone or "", "website": website[:300]}
    return location
