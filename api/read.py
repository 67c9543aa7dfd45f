"""Reading through the API: homes, one home, area totals, and the changes feed.

A key sees only its scope (a council's homes, a provider's, or England's). Lists are
ordered by id with an opaque cursor, so a partner pages through a stable order however the
data changes between requests; the changes feed then keeps a copy exact (api/changes.py).
"""

import datetime
import re

from django.db.models import Q
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from api import changes, cursors, documents
from api.contract import HOME_ID, READERS, link, promises
from api.models import ApiKey, HomeChange
from api.responses import json_with_etag, problem
from api.schemas import ChangePage, Home, HomePage, ReturnPage, Totals
from homes.postcodes import locate_search_location
from registers.choices import LocationKind
from registers.models import CareHome, LocalAuthority
from returns.figures import extract_records
from vacancies.areas import category_totals
from vacancies.models import CareCategory
from vacancies.search import homes_within

MAX_LIMIT = 100
MAX_RADIUS_MILES = 100

router = Router(tags=["Read"])

# Where a client goes from a home it read: the home again, its figures set, "no change".
FROM_A_HOME = "$response.body#/cqc_location_id"
VERSION = '"{$response.body#/version}"'


def onward_from(home: str, version: str) -> dict:
    """Links from an answer holding a home (``home`` and ``version``: where in it) to the
    operations a client calls next about it."""
    return {
        "GetHome": link("api_read_get_home", "The home again", cqc_location_id=home),
        "SetFigures": link("api_write_put_vacancies", "Set its figures (provider keys)",
                           **{"cqc_location_id": home, "header.If-Match": version}),
        "ConfirmNoChange": link("api_write_confirm", "Confirm no change (provider keys)",
                                **{"cqc_location_id": home, "header.If-Match": version}),
    }  # fmt: skip


def scope(key: ApiKey, prefix: str = "") -> Q:
    """The homes this key may read, as a condition (``prefix`` for related models)."""
    column = key.home_column()
    return Q(**{f"{prefix}{column[0]}": column[1]}) if column else Q()


def homes_in_scope(key: ApiKey):
    return CareHome.objects.active().filter(scope(key))


def after(cursor: str | None) -> int:
    """The id a list's page starts after (0: the first page)."""
    try:
        return cursors.decode(cursor, "id", 1)[0] if cursor else 0
    except cursors.BadCursor:
        raise HttpError(400, "cursor: not one this API gave") from None


# RFC 3339, as OpenAPI's date-time: a date, a time and its zone (pydantic alone would also
# take a bare number as seconds since 1970, and a time with no zone, which is ambiguous).
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class ListFilters(Schema):
    """What lists of homes and of agencies are filtered and paged by."""

    council: str | None = Field(None, max_length=9, description="A council's ONS code, like E08000035")
    updated_since: datetime.datetime | None = Field(
        None, description="Only those that confirmed since: a date and time with its zone, like 2026-11-30T09:00:00Z"
    )
    cursor: str | None = Field(None, max_length=100)
    limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT)

    @field_validator("updated_since", mode="before")
    @classmethod
    def _with_its_zone(cls, value):
        if isinstance(value, str) and not DATE_TIME.match(value):
            raise ValueError("a date and time with its zone, like 2026-11-30T09:00:00Z")
        return value


class HomeFilters(ListFilters):
    category: CareCategory | None = Field(None, description="Only homes offering this care category")
    postcode: str | None = Field(None, max_length=10, description="Only homes near this postcode (or its sector)")
    radius_miles: float = Field(10, gt=0, le=MAX_RADIUS_MILES, description="How near, with postcode")


@router.get(
    "/homes",
    response=HomePage,
    summary="Care homes in the key's scope, with their vacancies",
    openapi_extra=promises(
        keys=READERS,
        ok="A page of homes in the key's scope, by id; next is the cursor for the page after",
        answers={400: "Malformed: a parameter of the wrong type or out of range, a cursor this API did not give, "
                 "a postcode it cannot place, or a NUL character; detail names it"},
        links={
            "NextPage": link("api_read_list_homes", "The next page", cursor="$response.body#/next"),
            **onward_from("$response.body#/homes/0/cqc_location_id", '"{$response.body#/homes/0/version}"'),
        },
    ),
)  # fmt: skip
def list_homes(request, filters: Query[HomeFilters]):
    homes = homes_in_scope(request.auth).filter(pk__gt=after(filters.cursor))
    if filters.council:
        homes = homes.filter(local_authority__gss_code=filters.council)
    if filters.category:
        homes = homes.filter(categories__category=filters.category)
    if filters.updated_since:
        homes = homes.filter(vacancies__last_confirmed_at__gte=filters.updated_since)
    if filters.postcode:
        place = locate_search_location(filters.postcode)
        if place is None:
            raise HttpError(400, "postcode: not a postcode, sector or district we can place, like LS1 4AP")
        _, latitude, longitude = place
        homes = homes.filter(pk__in=homes_within(latitude, longitude, filters.radius_miles))
    page = documents.homes(homes.order_by("pk")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return json_with_etag(request, {"homes": page, "next": cursors.encode("id", page[-1]["id"]) if more else None})


def home_or_404(key: ApiKey, cqc_location_id: str) -> dict:
    """One home in the key's scope as the API shows it; 404 outside it."""
    found = documents.homes(homes_in_scope(key).filter(cqc_location_id=cqc_location_id))
    if not found:
        raise HttpError(404, "No home with that CQC location ID in this key's scope")
    return found[0]


@router.get(
    "/homes/{cqc_location_id}",
    response=Home,
    summary="One home and its vacancies by category",
    openapi_extra=promises(
        keys=READERS,
        ok="The home, its vacancies by care category and the figures' version",
        answers={404: "No home with that CQC location ID in the key's scope"},
        links=onward_from(FROM_A_HOME, VERSION),
    ),
)
def get_home(request, cqc_location_id: str = Path(..., description=HOME_ID)):
    return json_with_etag(request, home_or_404(request.auth, cqc_location_id))


@router.get(
    "/totals",
    response=Totals,
    summary="Beds by care category in an area of the key's scope",
    openapi_extra=promises(
        keys=READERS,
        ok="Beds by care category in the key's scope (or one council of it)",
        answers={400: "Malformed, or a council's ONS code this API does not know; detail names it"},
    ),
)
def totals(request, council: str | None = Query(None, max_length=9, description="A council's ONS code")):
    key = request.auth
    area = {ApiKey.Kind.COUNCIL: key.local_authority.gss_code if key.local_authority_id else "",
            ApiKey.Kind.PROVIDER: "provider", ApiKey.Kind.NATIONAL: "england"}[key.kind]  # fmt: skip
    homes, categories = homes_in_scope(key), scope(key, "home__")
    if council:
        found = LocalAuthority.objects.filter(gss_code=council).first()
        if found is None:
            raise HttpError(400, "council: not a council's ONS code we know, like E08000035")
        homes, categories, area = (
            homes.filter(local_authority=found),
            categories & Q(home__local_authority=found),
            council,
        )
    data = {
        "area": area,
        "homes": homes.count(),
        "closed_to_admissions": homes.filter(vacancies__closed_to_admissions=True).count(),
        "categories": [
            {
                "category": row["category"],
                "label": row["label"],
                "homes": row["homes"],
                "capacity": row["capacity"],
                "occupied": row["occupied"],
                "vacant_accepting": row["accepting"],
                "vacant_unavailable": row["unavailable"],
                "held": row["held"],
            }
            for row in category_totals(categories)
        ],
    }
    return json_with_etag(request, data)


@router.get(
    "/changes",
    response=ChangePage,
    summary="Every home changed since a cursor (keep an exact copy)",
    openapi_extra=promises(
        keys=READERS,
        ok="The homes changed since the cursor (each whole, or removed), next to send next time",
        answers={
            400: "Malformed, or a cursor this API did not give; detail names it",
            410: "Changes after this cursor were pruned (kept 30 days): list /homes afresh, then start again",
        },
        links={
            "NextChanges": link("api_read_list_changes", "The changes after these", cursor="$response.body#/next"),
            "ChangedHome": link("api_read_get_home", "A changed home",
                                cqc_location_id="$response.body#/changes/0/home/cqc_location_id"),
        },
    ),
)  # fmt: skip
def list_changes(
    request,
    cursor: str | None = Query(None, max_length=100, description="From the last answer; leave out to start now"),
    limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
):
    return changes_answer(request, cursor, limit, HomeChange, LocationKind.CARE_HOME, "home", "/homes")


def changes_answer(request, cursor: str | None, limit: int, feed, kind: str, name: str, listed: str):
    """A page of a changes feed (``feed``: the homes' or the agencies'), each changed location
    of ``kind`` as it is now under ``name``, or removed from the key's scope (``listed``: the
    list a partner starts again from)."""
    if not cursor:
        return json_with_etag(request, {"changes": [], "next": changes.start().encode(), "more": False})
    try:
        found = changes.page(request.auth, changes.Position.decode(cursor), limit, feed)
    except cursors.BadCursor:
        raise HttpError(400, "cursor: not one this API gave") from None
    except changes.CursorTooOld:
        return problem(410, "Gone", f"Changes after this cursor were pruned: list {listed} afresh, then start again.")
    now = documents.in_scope(request.auth, found.home_ids, kind)
    data = {
        "changes": [{"id": pk, "removed": pk not in now, name: now.get(pk)} for pk in found.home_ids],
        "next": found.next.encode(),
        "more": found.more,
    }
    return json_with_etag(request, data)


class ReturnFilters(Schema):
    month: str = Field(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="The return's month, like 2026-11")
    cursor: str | None = Field(None, max_length=200, description="From the previous page's next")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


@router.get(
    "/returns",
    response=ReturnPage,
    summary="The monthly return of every care home and home-care agency in the key's scope for a month, answered or "
    "not",
    openapi_extra=promises(
        keys=READERS,
        ok="A page of care homes and home-care agencies by id, each with its return for the month (null figures "
        "where it has not answered): "
        "what the extract for the national collection holds (docs/returns.md)",
        answers={400: "Malformed: a month not like 2026-11, a cursor this API did not give, or a NUL character; "
                 "detail names it"},
        links={"NextPage": link("api_read_list_returns", "The next page", month="$request.query.month",
                                cursor="$response.body#/next")},
    ),
)  # fmt: skip
def list_returns(request, filters: Query[ReturnFilters]):
    month = datetime.date(int(filters.month[:4]), int(filters.month[5:]), 1)
    # Every kind of location answers the return (ADR 018): care homes and home-care agencies alike.
    locations = CareHome.locations.active().filter(scope(request.auth))
    ids = locations.filter(pk__gt=after(filters.cursor)).order_by("pk").values_list("pk", flat=True)
    page = list(extract_records(CareHome.locations.filter(pk__in=list(ids[: filters.limit + 1])).order_by("pk"), month))
    more = len(page) > filters.limit
    page = page[: filters.limit]
    next_cursor = cursors.encode("id", page[-1]["id"]) if more else None
    return json_with_etag(request, {"month": filters.month, "returns": page, "next": next_cursor})
