"""The read API for partner systems, version 1 (django-ninja; docs/adr/013-api.md).

Every request carries ``Authorization: Bearer <key>``. A key sees only its scope (a
council's homes, a provider's, or England's), at most API_REQUESTS_PER_MINUTE requests a
minute (shared by every app server: accounts/throttle.py), and every use is in the audit
trail. Errors are RFC 9457 problem details. Lists are ordered by id with an opaque cursor,
so a partner pages through a stable order however the data changes between requests.
"""

import base64
import datetime
import hashlib

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field

from accounts import audit
from accounts.throttle import count
from api import keys
from api.models import ApiKey
from homes.models import CareHome
from vacancies.models import BedHold, CareCategory, CategoryVacancy, in_category_order

MAX_LIMIT = 100


class TooMany(Exception):
    def __init__(self, wait: int):
        self.wait = wait


class KeyAuth(HttpBearer):
    """A usable key, counted against its limit and recorded in the audit trail."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = keys.check(token)
        if key is None:
            return None
        wait = count(f"api:{key.pk}", settings.API_REQUESTS_PER_MINUTE)
        if wait is not None:
            raise TooMany(wait)
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > datetime.timedelta(seconds=60):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        audit.record(audit.Action.API_USED, user=None, request=request, target=str(key),
                     detail=f"{request.method} {request.get_full_path()}"[:500])  # fmt: skip
        return key


api = NinjaAPI(
    title="Care Capacity Tracker API",
    version="1",
    description="Care homes and their vacancies, for councils', providers' and NHS partners' systems.",
    auth=KeyAuth(),
    urls_namespace="api-v1",
    docs_url=None,  # our own accessible page: api/views.py
)


def problem(request, status: int, title: str, detail: str, **headers) -> JsonResponse:
    """An RFC 9457 problem details response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return problem(request, 401, "Unauthorised", "Send a current API key: Authorization: Bearer <key>.",
                   WWW_Authenticate="Bearer")  # fmt: skip


@api.exception_handler(TooMany)
def _too_many(request, exc):
    limit = settings.API_REQUESTS_PER_MINUTE
    return problem(request, 429, "Too many requests", f"This key may make {limit} requests a minute.",
                   Retry_After=str(exc.wait))  # fmt: skip


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg')}" for e in exc.errors)
    return problem(request, 400, "Bad request", where or "The request is not valid.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, "Not found" if exc.status_code == 404 else "Error", str(exc))


class Vacancy(Schema):
    category: str
    label: str
    capacity: int
    occupied: int
    vacant_accepting: int
    vacant_unavailable: int
    held: int = Field(description="Vacant beds held for a discharge team now (not offered to others)")
    closed: bool


class Home(Schema):
    id: int
    cqc_location_id: str
    name: str
    provider: str
    town: str
    postcode: str
    latitude: float
    longitude: float
    local_authority: str = Field(description="The council's ONS code")
    cqc_rating: str
    closed_to_admissions: bool
    last_confirmed_at: datetime.datetime | None = Field(description="When the home last confirmed its figures")
    version: int = Field(description="The figures' version: it goes up with every change")
    vacancies: list[Vacancy]


class HomePage(Schema):
    homes: list[Home]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null on the last")


class HomeFilters(Schema):
    council: str | None = Field(None, description="A council's ONS code, like E08000035")
    category: CareCategory | None = Field(None, description="Only homes offering this care category")
    updated_since: datetime.datetime | None = Field(None, description="Only homes that confirmed since (ISO 8601)")
    cursor: str | None = None
    limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT)


def _scope(key: ApiKey):
    homes = CareHome.objects.active()
    if key.kind == ApiKey.Kind.COUNCIL:
        return homes.filter(local_authority_id=key.local_authority_id)
    if key.kind == ApiKey.Kind.PROVIDER:
        return homes.filter(provider_id=key.provider_id)
    return homes


def _with_figures(homes):
    now = timezone.now()
    return homes.select_related("provider", "local_authority", "vacancies").prefetch_related(
        Prefetch("categories", queryset=CategoryVacancy.objects.all()),
        Prefetch("holds", queryset=BedHold.objects.filter(outcome=BedHold.Outcome.HELD, held_until__gt=now),
                 to_attr="current_holds"),
    )  # fmt: skip


def _home(home: CareHome) -> dict:
    board = getattr(home, "vacancies", None)
    held: dict[str, int] = {}
    for hold in home.current_holds:
        held[hold.category] = held.get(hold.category, 0) + 1
    return {
        "id": home.pk, "cqc_location_id": home.cqc_location_id, "name": home.name, "provider": home.provider.name,
        "town": home.town, "postcode": home.postcode, "latitude": home.latitude, "longitude": home.longitude,
        "local_authority": home.local_authority.gss_code, "cqc_rating": home.cqc_rating,
        "closed_to_admissions": bool(board and board.closed_to_admissions),
        "last_confirmed_at": board.last_confirmed_at if board else None, "version": board.version if board else 0,
        "vacancies": [
            {"category": row.category, "label": row.get_category_display(), "capacity": row.capacity,
             "occupied": row.occupied, "vacant_accepting": row.vacant_accepting,
             "vacant_unavailable": row.vacant_unavailable, "held": held.get(row.category, 0), "closed": row.closed}
            for row in in_category_order(home.categories.all())
        ],
    }  # fmt: skip


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id":
            raise ValueError
        return int(value)
    except ValueError:
        raise HttpError(400, "The cursor is not one this API gave") from None


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _json(request, data: dict) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"separators": (",", ":")})
    etag = _etag(response.content)
    if request.headers.get("If-None-Match") == etag:
        response = JsonResponse({}, status=304)
        response.content = b""
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@api.get("/homes", response=HomePage, summary="Care homes in the key's scope, with their vacancies")
def list_homes(request, filters: Query[HomeFilters]):
    homes = _scope(request.auth).filter(pk__gt=_after(filters.cursor))
    if filters.council:
        homes = homes.filter(local_authority__gss_code=filters.council)
    if filters.category:
        homes = homes.filter(categories__category=filters.category)
    if filters.updated_since:
        homes = homes.filter(vacancies__last_confirmed_at__gte=filters.updated_since)
    page = list(_with_figures(homes.order_by("pk"))[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    data = {"homes": [_home(home) for home in page], "next": _cursor(page[-1].pk) if more else None}
    return _json(request, HomePage(**data).model_dump(mode="json"))


@api.get("/homes/{cqc_location_id}", response=Home, summary="One home and its vacancies by category")
def get_home(request, cqc_location_id: str):
    home = _with_figures(_scope(request.auth).filter(cqc_location_id=cqc_location_id)).first()
    if home is None:
        raise HttpError(404, "No home with that CQC location ID in this key's scope")
    return _json(request, Home(**_home(home)).model_dump(mode="json"))


def urls():
    """The API's URL patterns (namespace ``api-v1``), for tracker/urls.py. The API answers to
    keys, not to sign-ins: no redirect to the sign-in page (its 401 says what to send)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
