"""Home-care agencies through the API (issue 26, ADR 019): the agencies in a key's scope with the
districts they cover, the care they give, their capacity and how fresh it is; one agency; and a
changes feed of their own, so a partner keeps an exact copy as it does of the homes.

An agency is a CQC location like a home, in the same council's or provider's scope, but never
one of the homes' answers (/homes, /changes, /totals): those are about beds.
"""

from ninja import Path, Query, Router
from ninja.errors import HttpError
from pydantic import Field

from api import cursors, documents
from api.contract import READERS, link, promises
from api.models import AgencyChange, ApiKey
from api.read import MAX_LIMIT, ListFilters, after, changes_answer, scope
from api.responses import json_with_etag
from api.schemas import Agency, AgencyChangePage, AgencyPage
from homes.postcodes import district_of
from registers.choices import LocationKind
from registers.models import HomeCareAgency, PostcodeArea

AGENCY_ID = "The agency's CQC location ID, like 1-101234567"

router = Router(tags=["Home-care agencies"])


def agencies_in_scope(key: ApiKey):
    return HomeCareAgency.objects.active().filter(scope(key))


class AgencyFilters(ListFilters):
    postcode: str | None = Field(
        None, max_length=10, description="Only agencies covering this postcode's district (a postcode, or a district "
        "like LS6)"
    )  # fmt: skip


@router.get(
    "/agencies",
    response=AgencyPage,
    summary="Home-care agencies in the key's scope, with their districts, care and capacity",
    openapi_extra=promises(
        keys=READERS,
        ok="A page of home-care agencies in the key's scope, by id; next is the cursor for the page after",
        answers={400: "Malformed: a parameter of the wrong type or out of range, a cursor this API did not give, "
                 "a postcode or district it does not know, or a NUL character; detail names it"},
        links={
            "NextPage": link("api_agencies_list_agencies", "The next page", cursor="$response.body#/next"),
            "GetAgency": link("api_agencies_get_agency", "The first agency again",
                              cqc_location_id="$response.body#/agencies/0/cqc_location_id"),
        },
    ),
)  # fmt: skip
def list_agencies(request, filters: Query[AgencyFilters]):
    agencies = agencies_in_scope(request.auth).filter(pk__gt=after(filters.cursor))
    if filters.council:
        agencies = agencies.filter(local_authority__gss_code=filters.council)
    if filters.updated_since:
        agencies = agencies.filter(capacity__last_confirmed_at__gte=filters.updated_since)
    if filters.postcode:
        district = district_of(filters.postcode)
        if district is None or not PostcodeArea.objects.filter(code=district, is_sector=False).exists():
            raise HttpError(400, "postcode: not a postcode or postcode district we know, like LS6 2AD or LS6")
        agencies = agencies.filter(districts__district_id=district)
    page = documents.agencies(agencies.order_by("pk")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    next_cursor = cursors.encode("id", page[-1]["id"]) if more else None
    return json_with_etag(request, {"agencies": page, "next": next_cursor})


@router.get(
    "/agencies/{cqc_location_id}",
    response=Agency,
    summary="One home-care agency: its districts, care and capacity",
    openapi_extra=promises(
        keys=READERS,
        ok="The agency, the districts it covers with the hours in each, the care it gives and its capacity",
        answers={404: "No home-care agency with that CQC location ID in the key's scope"},
    ),
)
def get_agency(request, cqc_location_id: str = Path(..., description=AGENCY_ID)):
    found = documents.agencies(agencies_in_scope(request.auth).filter(cqc_location_id=cqc_location_id))
    if not found:
        raise HttpError(404, "No home-care agency with that CQC location ID in this key's scope")
    return json_with_etag(request, found[0])


@router.get(
    "/changes/agencies",
    response=AgencyChangePage,
    summary="Every home-care agency changed since a cursor (keep an exact copy)",
    openapi_extra=promises(
        keys=READERS,
        ok="The agencies changed since the cursor (each whole, or removed), next to send next time",
        answers={
            400: "Malformed, or a cursor this API did not give; detail names it",
            410: "Changes after this cursor were pruned (kept 30 days): list /agencies afresh, then start again",
        },
        links={
            "NextChanges": link("api_agencies_list_agency_changes", "The changes after these",
                                cursor="$response.body#/next"),
            "ChangedAgency": link("api_agencies_get_agency", "A changed agency",
                                  cqc_location_id="$response.body#/changes/0/agency/cqc_location_id"),
        },
    ),
)  # fmt: skip
def list_agency_changes(
    request,
    cursor: str | None = Query(None, max_length=100, description="From the last answer; leave out to start now"),
    limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
):
    return changes_answer(request, cursor, limit, AgencyChange, LocationKind.HOME_CARE_AGENCY, "agency", "/agencies")
