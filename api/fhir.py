"""FHIR R4 (UK Core) for partner systems: homes as Locations, each home's care categories as
HealthcareServices with their capacity, providers as Organizations; each home-care agency as a
HealthcareService whose ``coverageArea`` is the postcode districts it covers, each district a
Location (an area), with its new hours a week (ADR 019; docs/api.md).

The same keys, scopes and limits as /api/v1/ (api/keys.py). Searches return ``searchset``
Bundles, ordered by id with an opaque cursor in the ``next`` link; errors are
OperationOutcomes. The two extensions the HealthcareServices carry (available beds,
capacity status) are defined by StructureDefinitions served here, and the
CapabilityStatement at /fhir/metadata says what is supported.
"""

import datetime
import re
import urllib.parse
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from api import keys
from api.agencies import agencies_in_scope
from api.read import homes_in_scope
from api.responses import json_with_etag
from homecare.models import Care, CoveredDistrict
from registers.models import CareHome, HomeCareAgency, PostcodeArea, Provider
from vacancies.models import BedHold, CareCategory, CategoryVacancy
from vacancies.search import homes_within

FHIR_JSON = "application/fhir+json"
FHIR_VERSION = "4.0.1"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/"
CQC_LOCATION = "https://www.cqc.org.uk/location"
CQC_PROVIDER = "https://www.cqc.org.uk/provider"
BED_STATUS = "http://terminology.hl7.org/CodeSystem/v2-0116"
PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"
# An agency's one HealthcareService is typed with this code of the care categories' CodeSystem.
HOME_CARE, HOME_CARE_DISPLAY = "home-care", "Home care (domiciliary care)"
DISTRICT = "district-"  # a postcode district's Location id: district-LS6
DEFAULT_COUNT, MAX_COUNT = 50, 100
NOTHING = Q(pk__in=[])
MAX_NEAR_KM = 160
# What each type is searched by: (name, type, the standard SearchParameter it is, what it
# takes). The CapabilityStatement declares exactly these, and a search reads exactly these
# (anything else: 400, so a partner's typo is never silently ignored and the whole of
# England returned). Tokens: code, system|code, |code or system|; commas for any of them.
_STANDARD = "http://hl7.org/fhir/SearchParameter/"
_COUNT = ("_count", "number", None, f"Entries a page, 1 to {MAX_COUNT} (default {DEFAULT_COUNT})")
_LAST_UPDATED = ("_lastUpdated", "date", "Resource-lastUpdated", "When its figures were last confirmed or its "
                 "details changed; prefixes gt, ge, lt, le, eq; repeat for a range")  # fmt: skip
SEARCHES = {
    "Location": [
        ("_id", "token", "Resource-id", "The CQC location ID"),
        ("identifier", "token", "Location-identifier", f"{CQC_LOCATION}|<CQC location ID>"),
        ("near", "special", "Location-near", "latitude|longitude|distance|unit (km or mi; 10 km by default)"),
        _LAST_UPDATED, _COUNT,
    ],
    "HealthcareService": [
        ("_id", "token", "Resource-id", "<CQC location ID>-<care category>"),
        ("service-type", "token", "HealthcareService-service-type", "A care category, like nursing (system: this "
         "server's CodeSystem/care-category)"),
        ("location", "reference", "HealthcareService-location", "Location/<CQC location ID>"),
        ("location.near", "special", None, "The home's Location near latitude|longitude|distance|unit (chained)"),
        ("coverage-area", "reference", "HealthcareService-coverage-area", "Location/district-<postcode district>, "
         "like Location/district-LS6: home care covering that district"),
        ("active", "token", "HealthcareService-active", "true (every service served is active) or false"),
        _LAST_UPDATED, _COUNT,
    ],
    "Organization": [
        ("_id", "token", "Resource-id", "The CQC provider ID"),
        ("identifier", "token", "Organization-identifier", f"{CQC_PROVIDER}|<CQC provider ID>"),
        _COUNT,
    ],
}  # fmt: skip
# Read beside them on every search, as FHIR's general parameters: the format, and the
# opaque cursor of a Bundle's next link.
GENERAL = {"_format", "_cursor"}
PARAMETERS = {kind: GENERAL | {name for name, *_ in searches} for kind, searches in SEARCHES.items()}


def canonical(path: str) -> str:
    """Our own definitions' canonical URLs (served at the same place)."""
    return f"{settings.SITE_URL.rstrip('/')}/fhir/{path}"


def available_beds_url() -> str:
    return canonical("StructureDefinition/available-beds")


def capacity_status_url() -> str:
    return canonical("StructureDefinition/capacity-status")


def care_category_system() -> str:
    return canonical("CodeSystem/care-category")


def available_hours_url() -> str:
    return canonical("StructureDefinition/available-hours")


def earliest_start_url() -> str:
    return canonical("StructureDefinition/earliest-start")


def home_care_system() -> str:
    """The care a home-care agency gives (homecare.models.Care), as its service's characteristics."""
    return canonical("CodeSystem/home-care")


def postcode_district_system() -> str:
    return canonical("Id/postcode-district")


class Outcome(Exception):
    """An error answered as an OperationOutcome."""

    def __init__(self, status: int, code: str, diagnostics: str, **headers):
        self.status, self.code, self.diagnostics, self.headers = status, code, diagnostics, headers


def outcome(status: int, code: str, diagnostics: str, **headers) -> JsonResponse:
    body = {"resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]}  # fmt: skip
    response = JsonResponse(body, status=status, content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name] = value
    return response


def _answer(request, resource: dict) -> JsonResponse:
    return json_with_etag(request, resource, content_type=FHIR_JSON)


def fhir_view(*, needs_key: bool = True):
    """A FHIR endpoint: GET only, no sign-in (a key instead, when ``needs_key``), every error
    (405 for another method included) an OperationOutcome."""

    def decorate(view):
        @csrf_exempt  # read only, and a key (never a cookie) says who asks
        @login_not_required
        def wrapped(request: HttpRequest, *args, **kwargs):
            try:
                if request.method not in {"GET", "HEAD"}:
                    raise Outcome(405, "not-supported", "This server only reads: GET.", Allow="GET, HEAD")
                if needs_key:
                    request.api_key = _key(request)
                return view(request, *args, **kwargs)
            except Outcome as error:
                return outcome(error.status, error.code, error.diagnostics, **error.headers)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _key(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        key = keys.authorise(request, token.strip()) if scheme.lower() == "bearer" else None
    except keys.TooMany as too_many:
        raise Outcome(429, "throttled", f"This key may make {settings.API_REQUESTS_PER_MINUTE} requests a minute.",
                      **{"Retry-After": str(too_many.wait)}) from None  # fmt: skip
    except keys.TooLarge:
        raise Outcome(413, "too-long", "A GET has no body.") from None
    except keys.Stopped as stopped:
        raise Outcome(
            401, stopped.code, stopped.reason, **{"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from None
    if key is None:
        raise Outcome(401, "login", "Send a current API key: Authorization: Bearer <key>.", **{
            "WWW-Authenticate": "Bearer"})  # fmt: skip
    return key


# --- resources ---------------------------------------------------------------


def _instant(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def _telecom(home: CareHome) -> list[dict]:
    found = [("phone", home.phone), ("email", home.email), ("url", home.website)]
    return [{"system": system, "value": value, "use": "work"} for system, value in found if value]


def _organization_id(provider: Provider) -> str:
    return provider.cqc_provider_id or f"provider-{provider.pk}"


def _organization_reference(provider: Provider) -> dict:
    return {"reference": f"Organization/{_organization_id(provider)}", "display": provider.name}


def location(home: CareHome) -> dict:
    board = getattr(home, "vacancies", None)
    resource = {
        "resourceType": "Location",
        "id": home.cqc_location_id,
        "meta": {"profile": [UK_CORE + "UKCore-Location"], "lastUpdated": _instant(home.last_updated)},
        "identifier": [{"system": CQC_LOCATION, "value": home.cqc_location_id}],
        "status": "active",
        "name": home.name,
        "mode": "instance",
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                        "code": "NCCF",
                        "display": "Nursing or custodial care facility",
                    }
                ]
            }
        ],
        "telecom": _telecom(home),
        "address": {
            "use": "work",
            "type": "physical",
            "line": [line for line in (home.address_line_1, home.address_line_2) if line],
            "city": home.town,
            **({"district": home.county} if home.county else {}),
            "postalCode": home.postcode,
            "country": "GB",
        },
        "position": {"longitude": home.longitude, "latitude": home.latitude},
        "managingOrganization": _organization_reference(home.provider),
    }
    if board and board.closed_to_admissions:
        resource["operationalStatus"] = {"system": BED_STATUS, "code": "C", "display": "Closed"}
    if not resource["telecom"]:
        del resource["telecom"]
    return resource


def service_id(home: CareHome, category: str) -> str:
    return f"{home.cqc_location_id}-{category.replace('_', '-')}"


def capacity(row: CategoryVacancy, held: int) -> tuple[int, str]:
    """(beds a discharge team could be offered now, and the capacity status code)."""
    board = getattr(row.home, "vacancies", None)
    if row.closed or (board and board.closed_to_admissions):
        return 0, "closed"
    free = max(0, row.vacant_accepting - held)
    return free, "available" if free else "full"


def healthcare_service(row: CategoryVacancy, held: int) -> dict:
    home = row.home
    free, status = capacity(row, held)
    label = CareCategory(row.category).label
    resource = {
        "resourceType": "HealthcareService",
        "id": service_id(home, row.category),
        "meta": {"profile": [UK_CORE + "UKCore-HealthcareService"], "lastUpdated": _instant(row.last_updated)},
        "extension": [
            {"url": available_beds_url(), "valueUnsignedInt": free},
            {"url": capacity_status_url(), "valueCode": status},
        ],
        "identifier": [{"system": canonical("Id/healthcare-service"), "value": service_id(home, row.category)}],
        "active": True,
        "providedBy": _organization_reference(home.provider),
        "type": [{"coding": [{"system": care_category_system(), "code": row.category, "display": label}]}],
        "location": [{"reference": f"Location/{home.cqc_location_id}", "display": home.name}],
        "name": f"{label} at {home.name}",
        "telecom": _telecom(home),
    }
    if not resource["telecom"]:
        del resource["telecom"]
    return resource


def _hours(hours) -> list[dict]:
    return [{"url": available_hours_url(), "valueDecimal": float(hours)}] if hours is not None else []


def district_location(area: PostcodeArea) -> dict:
    """A postcode district an agency covers, as the area a Location may be (physicalType area)."""
    return {
        "resourceType": "Location",
        "id": f"{DISTRICT}{area.code}",
        "meta": {"profile": [UK_CORE + "UKCore-Location"]},
        "identifier": [{"system": postcode_district_system(), "value": area.code}],
        "status": "active",
        "name": area.code,
        "description": f"Postcode district {area.code}",
        "mode": "instance",
        "physicalType": {"coding": [{"system": PHYSICAL_TYPE, "code": "area", "display": "Area"}]},
        "address": {"postalCode": area.code, "country": "GB"},
        "position": {"longitude": area.longitude, "latitude": area.latitude},
    }


def agency_service_id(agency: CareHome) -> str:
    return f"{agency.cqc_location_id}-{HOME_CARE}"


def home_care_service(agency: HomeCareAgency) -> dict:
    """An agency's home care: the districts it covers (``coverageArea``), the new hours a week it
    can take on now (an extension; a district's own figure on its coverageArea), its earliest
    start, and the care it gives (``characteristic``)."""
    capacity = getattr(agency, "capacity", None)
    hours = capacity.hours_available if capacity else None
    extension = _hours(hours)
    if capacity and capacity.earliest_start:
        extension.append({"url": earliest_start_url(), "valueDate": capacity.earliest_start.isoformat()})
    resource = {
        "resourceType": "HealthcareService",
        "id": agency_service_id(agency),
        "meta": {"profile": [UK_CORE + "UKCore-HealthcareService"], "lastUpdated": _instant(agency.last_updated)},
        "extension": extension,
        "identifier": [{"system": canonical("Id/healthcare-service"), "value": agency_service_id(agency)}],
        "active": True,
        "providedBy": _organization_reference(agency.provider),
        "type": [{"coding": [{"system": care_category_system(), "code": HOME_CARE, "display": HOME_CARE_DISPLAY}]}],
        "name": f"Home care from {agency.name}",
        "telecom": _telecom(agency),
        "characteristic": [
            {"coding": [{"system": home_care_system(), "code": care, "display": Care(care).label}]}
            for care in (capacity.care_given if capacity else [])
        ],
        "coverageArea": [
            {
                "reference": f"Location/{DISTRICT}{district.district_id}",
                "display": district.district_id,
                **({"extension": _hours(district.hours_available)} if district.hours_available is not None else {}),
            }
            for district in sorted(agency.districts.all(), key=lambda district: district.district_id)
        ],
    }
    return {name: value for name, value in resource.items() if value != []}


def organization(provider: Provider) -> dict:
    resource = {
        "resourceType": "Organization",
        "id": _organization_id(provider),
        "meta": {"profile": [UK_CORE + "UKCore-Organization"], "lastUpdated": _instant(provider.updated_at)},
        "active": True,
        "name": provider.name,
    }
    if provider.cqc_provider_id:
        resource["identifier"] = [{"system": CQC_PROVIDER, "value": provider.cqc_provider_id}]
    return resource


# --- searching ---------------------------------------------------------------


def _check_parameters(request, resource_type: str) -> None:
    unknown = sorted(set(request.GET) - PARAMETERS[resource_type])
    if unknown:
        raise Outcome(400, "not-supported", f"Search parameter not supported on {resource_type}: {', '.join(unknown)}")
    if request.GET.get("_format", "json") not in {"json", FHIR_JSON, "application/json"}:
        raise Outcome(400, "not-supported", "_format: only json is served")


def _count(request) -> int:
    text = request.GET.get("_count", str(DEFAULT_COUNT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise Outcome(400, "invalid", f"_count: a whole number from 1 to {MAX_COUNT}")
    return int(text)


def _after(request) -> int:
    text = request.GET.get("_cursor", "0")
    if not text.isdigit() or len(text) > 18:
        raise Outcome(400, "invalid", "_cursor: not one this server gave")
    return int(text)


_DATE_PREFIX = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)$")
_COMPARE = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte", "sa": "gt", "eb": "lt"}


def _last_updated(request, field: str) -> Q:
    """``_lastUpdated=ge2026-11-01`` (repeatable for a range) as a condition on ``field``."""
    found = Q()
    for text in request.GET.getlist("_lastUpdated"):
        prefix, when = _DATE_PREFIX.match(text).groups() if _DATE_PREFIX.match(text) else (None, "")
        moment = _parse_moment(when)
        if moment is None or prefix in {"ne", "ap"}:
            raise Outcome(400, "invalid", "_lastUpdated: a date or time with an optional prefix, like ge2026-11-01")
        if prefix in _COMPARE:
            found &= Q(**{f"{field}__{_COMPARE[prefix]}": moment})
        else:  # eq (the default): within the second (or the day) given
            span = datetime.timedelta(days=1) if len(when) == 10 else datetime.timedelta(seconds=1)
            found &= Q(**{f"{field}__gte": moment, f"{field}__lt": moment + span})
    return found


def _parse_moment(text: str) -> datetime.datetime | None:
    try:
        if len(text) == 10 and (day := parse_date(text)):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        moment = parse_datetime(text)
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _near(request, name: str = "near") -> tuple[float, float, float] | None:
    """``near=latitude|longitude|distance|unit`` (km or mi; 10 km when left out): a point and
    miles. ``name`` "location.near" for a HealthcareService's Location, chained."""
    text = request.GET.get(name)
    if not text:
        return None
    parts = text.split("|")
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
        distance = float(parts[2]) if len(parts) > 2 and parts[2] else 10.0
        unit = parts[3] if len(parts) > 3 else "km"
        if len(parts) > 4 or unit not in {"km", "mi"} or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError
    except (ValueError, IndexError):
        raise Outcome(400, "invalid", f"{name}: latitude|longitude|distance|unit, like 53.80|-1.55|10|km") from None
    miles = distance if unit == "mi" else distance / 1.609344
    if not 0 < miles <= MAX_NEAR_KM / 1.609344:
        raise Outcome(400, "invalid", f"{name}: a distance above 0 and at most {MAX_NEAR_KM} km")
    return latitude, longitude, miles


class Token(NamedTuple):
    """One value of a token search: ``system`` None for any system ("code"), "" for none
    ("|code"); ``code`` None for any code in the system ("system|")."""

    system: str | None
    code: str | None


def tokens(text: str, name: str) -> list[Token]:
    """A token search's value: its alternatives (a comma between them: any may match), each
    ``code``, ``system|code``, ``|code`` or ``system|``; a backslash escapes a ``\\``, ``|``,
    ``,`` or ``$`` inside a system or code. 400 naming ``name`` for anything else: an empty
    alternative, more than one unescaped bar, another escape."""
    alternatives, parts, current, escaped = [], [], [], False
    for character in text:
        if escaped:
            if character not in "\\|,$":
                raise Outcome(400, "invalid", f"{name}: a backslash escapes only \\, |, a comma or $")
            current.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in "|,":
            parts.append("".join(current))
            current = []
            if character == ",":
                alternatives.append(parts)
                parts = []
        else:
            current.append(character)
    if escaped:
        raise Outcome(400, "invalid", f"{name}: a backslash escapes only \\, |, a comma or $")
    alternatives.append([*parts, "".join(current)])
    found = []
    for parts in alternatives:
        if len(parts) > 2:
            raise Outcome(400, "invalid", f"{name}: system|code with one | (escape a | in either as \\|)")
        if not any(parts):
            raise Outcome(400, "invalid", f"{name}: a code, system|code, |code or system|")
        found.append(Token(None, parts[0]) if len(parts) == 1 else Token(parts[0], parts[1] or None))
    return found


def token_filter(request, name: str, system: str, match) -> Q:
    """Every ``name`` parameter as a condition: each repeat must match (AND), each of its
    alternatives may (OR). A value matches ours when it names our ``system`` ("" for values
    that have none, like ids) or no system; ``match(code)`` is the condition for a code.
    Another system matches nothing, as FHIR says: an empty searchset, never an error."""
    found = Q()
    for text in request.GET.getlist(name):
        codes = [token.code for token in tokens(text, name) if token.system in {None, system}]
        if None in codes:  # "system|": any code of ours
            continue
        either = NOTHING
        for code in codes:  # (an empty Q() would vanish from an OR: match gives real conditions)
            either = match(code) if either is NOTHING else either | match(code)
        found &= either
    return found


def bundle(request, resources: list[dict], next_after: int | None) -> JsonResponse:
    base = request.build_absolute_uri("/fhir/")
    query = {name: request.GET.getlist(name) for name in request.GET if name != "_cursor"}
    self_url = request.build_absolute_uri(request.path) + (
        "?" + urllib.parse.urlencode(query, doseq=True) if query else ""
    )
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if next_after is not None:
        links.append({"relation": "next",
                      "url": self_url + ("&" if query else "?") + f"_cursor={next_after}"})  # fmt: skip
    return _answer(request, {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": _instant(timezone.now())},
        "type": "searchset",
        "link": links,
        "entry": [
            {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ],
    })  # fmt: skip


def _page(queryset, request):
    """One page by id after the cursor: (items, the cursor for the next page or None)."""
    count = _count(request)
    items = list(queryset.filter(pk__gt=_after(request)).order_by("pk")[: count + 1])
    more = len(items) > count
    items = items[:count]
    return items, (items[-1].pk if more else None)


def _homes(key):
    last_updated = Greatest("updated_at", Coalesce("vacancies__last_confirmed_at", "updated_at"))
    return homes_in_scope(key).select_related("provider", "vacancies").annotate(last_updated=last_updated)


def _locations(request):
    homes = _homes(request.api_key).filter(
        _last_updated(request, "last_updated"),
        token_filter(request, "_id", "", lambda code: Q(cqc_location_id=code)),
        token_filter(request, "identifier", CQC_LOCATION, lambda code: Q(cqc_location_id=code)),
    )
    if near := _near(request):
        homes = homes.filter(pk__in=homes_within(*near))
    return homes


@fhir_view()
def location_search(request):
    _check_parameters(request, "Location")
    homes, after = _page(_locations(request), request)
    return bundle(request, [location(home) for home in homes], after)


@fhir_view()
def location_read(request, resource_id: str):
    if resource_id.startswith(DISTRICT):  # a postcode district an agency covers: England's, any key's
        area = PostcodeArea.objects.filter(code=resource_id.removeprefix(DISTRICT), is_sector=False).first()
        if area is None:
            raise Outcome(404, "not-found", f"Location/{resource_id} is not a postcode district")
        return _answer(request, district_location(area))
    home = _homes(request.api_key).filter(cqc_location_id=resource_id).first()
    if home is None:
        raise Outcome(404, "not-found", f"Location/{resource_id} is not known in this key's scope")
    return _answer(request, location(home))


def _services(key):
    last_updated = Coalesce("home__vacancies__last_confirmed_at", "home__updated_at")
    return (
        CategoryVacancy.objects.filter(home__in=homes_in_scope(key))
        .select_related("home", "home__provider", "home__vacancies")
        .annotate(last_updated=last_updated)
    )


def _held(rows: list[CategoryVacancy]) -> dict[tuple[int, str], int]:
    """Beds held now, per (home, category), for these rows: one query."""
    held = (
        BedHold.objects.filter(home_id__in={row.home_id for row in rows}, outcome=BedHold.Outcome.HELD,
                               held_until__gt=timezone.now())
        .values("home_id", "category").annotate(n=Count("id"))
    )  # fmt: skip
    return {(row["home_id"], row["category"]): row["n"] for row in held}


_SERVICE_ID = re.compile(r"^(1-\d{1,12})-([a-z0-9-]{1,30})$")


def _service_filter(resource_id: str) -> Q:
    match = _SERVICE_ID.match(resource_id)
    if not match:
        return Q(pk__in=[])
    return Q(home__cqc_location_id=match[1], category=match[2].replace("-", "_"))


def _active(code: str) -> Q:
    if code not in {"true", "false"}:
        raise Outcome(400, "invalid", "active: true or false")
    return Q(pk__isnull=code == "false")  # every service served is active


def _location_filter(request) -> Q:
    """``location=Location/<CQC location ID>`` (or the ID alone, or a full URL to it); a
    comma between them for any of them, repeated for all."""
    found = Q()
    for text in request.GET.getlist("location"):
        ids = []
        for reference in text.split(","):
            *kind, resource_id = reference.split("/")
            if not resource_id or (kind and kind[-1] != "Location"):
                raise Outcome(400, "invalid", "location: a Location, like Location/1-101234567")
            ids.append(resource_id)
        found &= Q(home__cqc_location_id__in=ids)
    return found


def _agencies(key):
    last_updated = Greatest("updated_at", Coalesce("capacity__last_confirmed_at", "updated_at"))
    return (
        agencies_in_scope(key)
        .select_related("provider", "capacity")
        .prefetch_related("districts")
        .annotate(last_updated=last_updated)
    )


EVERY = Q(pk__isnull=False)  # (a condition that is true: an empty Q() would vanish from an OR)
_AGENCY_SERVICE_ID = re.compile(rf"^(1-\d{{1,12}})-{HOME_CARE}$")


def _agency_service_filter(resource_id: str) -> Q:
    match = _AGENCY_SERVICE_ID.match(resource_id)
    return Q(cqc_location_id=match[1]) if match else NOTHING


def _coverage_filter(request, of_agencies: bool) -> Q:
    """``coverage-area=Location/district-LS6`` (a comma for any of them, repeated for all): the
    agencies covering it. A home's bed services cover no area: none of them matches."""
    found = Q()
    for text in request.GET.getlist("coverage-area"):
        codes = []
        for reference in text.split(","):
            *kind, resource_id = reference.split("/")
            if not resource_id.startswith(DISTRICT) or (kind and kind[-1] != "Location"):
                raise Outcome(400, "invalid", "coverage-area: a postcode district's Location, like "
                                              "Location/district-LS6")  # fmt: skip
            codes.append(resource_id.removeprefix(DISTRICT).upper())
        covering = CoveredDistrict.objects.filter(district_id__in=codes).values("agency_id")
        found &= Q(pk__in=covering) if of_agencies else NOTHING
    return found


def _services_page(request, rows, agencies) -> tuple[list, list, str | None]:
    """One page of the homes' bed services by id, then the agencies' home care by id: (rows,
    agencies, the cursor for the next page or None). An agency's cursor is ``a<id>``: the
    homes' services are done by then."""
    count, cursor = _count(request), request.GET.get("_cursor", "")
    if cursor.startswith("a"):
        if not cursor[1:].isdigit() or len(cursor) > 19:
            raise Outcome(400, "invalid", "_cursor: not one this server gave")
        found, after_agency = [], int(cursor[1:])
    else:
        found, after_agency = list(rows.filter(pk__gt=_after(request)).order_by("pk")[: count + 1]), 0
        if len(found) > count:
            return found[:count], [], str(found[count - 1].pk)
    room = count - len(found)
    more = list(agencies.filter(pk__gt=after_agency).order_by("pk")[: room + 1]) if agencies is not None else []
    if len(more) > room:
        return found, more[:room], f"a{more[room - 1].pk if room else after_agency}"
    return found, more, None


@fhir_view()
def service_search(request):
    _check_parameters(request, "HealthcareService")
    rows = _services(request.api_key).filter(
        _last_updated(request, "last_updated"),
        token_filter(request, "_id", "", _service_filter),
        token_filter(request, "service-type", care_category_system(), lambda code: Q(category=code)),
        token_filter(request, "active", "", _active),
        _location_filter(request),
        _coverage_filter(request, of_agencies=False),
    )
    near = _near(request, "location.near")
    if near:  # beds of a kind near a hospital, in one search
        rows = rows.filter(home__in=homes_within(*near))
    # An agency's home care has no Location of its own (it comes to the patient): a search by
    # location finds none; by coverage-area, the agencies covering the district.
    agencies = None
    if not near and not request.GET.getlist("location"):
        agencies = _agencies(request.api_key).filter(
            _last_updated(request, "last_updated"),
            token_filter(request, "_id", "", _agency_service_filter),
            token_filter(request, "service-type", care_category_system(),
                         lambda code: EVERY if code == HOME_CARE else NOTHING),
            token_filter(request, "active", "", _active),
            _coverage_filter(request, of_agencies=True),
        )  # fmt: skip
    page, agency_page, after = _services_page(request, rows, agencies)
    held = _held(page)
    resources = [healthcare_service(row, held.get((row.home_id, row.category), 0)) for row in page]
    return bundle(request, resources + [home_care_service(agency) for agency in agency_page], after)


@fhir_view()
def service_read(request, resource_id: str):
    if match := _AGENCY_SERVICE_ID.match(resource_id):
        agency = _agencies(request.api_key).filter(cqc_location_id=match[1]).first()
        if agency is None:
            raise Outcome(404, "not-found", f"HealthcareService/{resource_id} is not known in this key's scope")
        return _answer(request, home_care_service(agency))
    row = _services(request.api_key).filter(_service_filter(resource_id)).first()
    if row is None:
        raise Outcome(404, "not-found", f"HealthcareService/{resource_id} is not known in this key's scope")
    return _answer(request, healthcare_service(row, _held([row]).get((row.home_id, row.category), 0)))


def _providers(key):
    """The providers of the homes and home-care agencies in the key's scope."""
    return Provider.objects.filter(
        Q(pk__in=homes_in_scope(key).values("provider_id")) | Q(pk__in=agencies_in_scope(key).values("provider_id"))
    )


def _provider_filter(resource_id: str) -> Q:
    if resource_id.startswith("provider-") and resource_id[9:].isdigit():
        return Q(pk=int(resource_id[9:]), cqc_provider_id__isnull=True)
    return Q(cqc_provider_id=resource_id)


@fhir_view()
def organization_search(request):
    _check_parameters(request, "Organization")
    providers = _providers(request.api_key).filter(
        token_filter(request, "_id", "", _provider_filter),
        token_filter(request, "identifier", CQC_PROVIDER, lambda code: Q(cqc_provider_id=code)),
    )
    page, after = _page(providers, request)
    return bundle(request, [organization(provider) for provider in page], after)


@fhir_view()
def organization_read(request, resource_id: str):
    provider = _providers(request.api_key).filter(_provider_filter(resource_id)).first()
    if provider is None:
        raise Outcome(404, "not-found", f"Organization/{resource_id} is not known in this key's scope")
    return _answer(request, organization(provider))


# --- definitions (no key needed) ------------------------------------------------

PUBLISHER = "Care Capacity Tracker"
DEFINED = datetime.date(2026, 11, 30).isoformat()


def _extension(ident: str, name: str, title: str, definition: str, value_type: str,
               contexts: tuple[str, ...] = ("HealthcareService",)) -> dict:  # fmt: skip
    url = canonical(f"StructureDefinition/{ident}")
    return {
        "resourceType": "StructureDefinition", "id": ident, "url": url, "version": "1", "name": name,
        "title": title, "status": "active", "date": DEFINED, "publisher": PUBLISHER, "description": definition,
        "fhirVersion": FHIR_VERSION, "kind": "complex-type", "abstract": False,
        "context": [{"type": "element", "expression": context} for context in contexts],
        "type": "Extension", "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {"element": [
            {"id": "Extension", "path": "Extension", "short": title, "definition": definition, "min": 0, "max": "1"},
            {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
            {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1, "type": [{"code": value_type}]},
        ]},
    }  # fmt: skip


def structure_definitions() -> dict[str, dict]:
    return {
        "available-beds": _extension(
            "available-beds", "AvailableBeds", "Available beds",
            "Vacant beds of this care category a discharge team could be offered now: vacant and accepting "
            "admissions, less beds held for a team; 0 when the category or the home is closed to admissions.",
            "unsignedInt",
        ),
        "capacity-status": _extension(
            "capacity-status", "CapacityStatus", "Capacity status",
            "available: at least one available bed; full: open to admissions with no available bed; closed: "
            "the category or the whole home is closed to admissions.",
            "code",
        ),
        "available-hours": _extension(
            "available-hours", "AvailableHours", "New hours a week available",
            "The new hours of home care a week the agency can take on now (0 to 168, in quarter-hours): on its "
            "HealthcareService the agency's figure, on a coverageArea that district's own where it differs.",
            "decimal", ("HealthcareService", "HealthcareService.coverageArea"),
        ),
        "earliest-start": _extension(
            "earliest-start", "EarliestStart", "Earliest start",
            "The earliest date the agency can start a new package of home care.",
            "date",
        ),
    }  # fmt: skip


@fhir_view(needs_key=False)
def structure_definition(request, resource_id: str):
    found = structure_definitions().get(resource_id)
    if found is None:
        raise Outcome(404, "not-found", f"StructureDefinition/{resource_id} is not defined here")
    return _answer(request, found)


def capability_statement() -> dict:
    def resource(kind: str, profile: str) -> dict:
        return {
            "type": kind, "profile": UK_CORE + profile,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": name, "type": type_, **({"definition": _STANDARD + definition} if definition
                                                             else {}), "documentation": text}
                            for name, type_, definition, text in SEARCHES[kind]],
        }  # fmt: skip

    return {
        "resourceType": "CapabilityStatement", "id": "care-capacity-tracker",
        "url": canonical("metadata"), "version": "1", "name": "CareCapacityTracker",
        "title": "Care Capacity Tracker FHIR API", "status": "active", "date": DEFINED, "publisher": PUBLISHER,
        "description": "Care homes (Location), their care categories with capacity (HealthcareService), home-care "
                       "agencies' home care with the postcode districts it covers (HealthcareService.coverageArea, "
                       "each district a Location) and their providers (Organization), read with an API key in its "
                       "scope.",
        "kind": "instance",
        "implementation": {"description": "Care Capacity Tracker", "url": canonical("")},
        "fhirVersion": FHIR_VERSION, "format": [FHIR_JSON, "json"],
        "rest": [{
            "mode": "server",
            "documentation": "Searches page by _count with an opaque cursor in each Bundle's next link; every "
                             "error is an OperationOutcome. A search parameter not listed here is refused (400).",
            "security": {"description": "Send an API key (made under API keys in the portal) as "
                                        "Authorization: Bearer <key>. A key reads only its scope; "
                                        f"{settings.API_REQUESTS_PER_MINUTE} requests a minute. This statement "
                                        "and the StructureDefinitions need none."},
            "resource": [
                resource("Location", "UKCore-Location"),
                resource("HealthcareService", "UKCore-HealthcareService"),
                resource("Organization", "UKCore-Organization"),
                # The extensions' definitions: read only, by id, no key needed.
                {"type": "StructureDefinition", "interaction": [{"code": "read"}]},
            ],
        }],
    }  # fmt: skip


@fhir_view(needs_key=False)
def not_found(request, rest: str):
    raise Outcome(404, "not-found", f"Nothing is served at /fhir/{rest}: see /fhir/metadata")


@fhir_view(needs_key=False)
def metadata(request):
    return _answer(request, capability_statement())
