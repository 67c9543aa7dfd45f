"""Home-care agencies through the API (issue 26): /agencies and one agency, in the key's scope,
with their districts, care, capacity and freshness, as the schema declares; never in the homes'
answers; and their own changes feed (real transactions: a feed serves only committed ones)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from api import keys
from api.changes import prune
from api.models import WRITE_KEY_LIFETIME, AgencyChange, ApiKey, HomeChange
from homecare import capacity as changes
from homecare.models import AgencyCapacity, CoveredDistrict
from registers.choices import HomeStatus
from tests.factories import AgencyFactory, MembershipFactory
from tests.test_api_contract import validator

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def council_key(council_admin, leeds):
    return keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)[1]


@pytest.fixture
def agency(leeds, provider):
    found = AgencyFactory(name="Kirkstall Home Care", local_authority=leeds, provider=provider)
    AgencyCapacity.objects.create(
        agency=found, hours_available=Decimal("37.5"), care_given=["personal_care", "dementia"],
        earliest_start=datetime.date(2026, 12, 7), two_carer_calls_now=True, last_confirmed_at=timezone.now(),
        version=3,
    )  # fmt: skip
    CoveredDistrict.objects.create(agency=found, district_id="LS6")
    CoveredDistrict.objects.create(agency=found, district_id="LS16", hours_available=Decimal("4.25"))
    return found


@pytest.fixture
def other_agency(bradford):
    return AgencyFactory(name="Heaton Home Care", local_authority=bradford, town="Bradford", postcode="BD9 5AB")


@pytest.fixture
def api_document(client) -> dict:
    return json.loads(client.get("/api/v1/openapi.json").content)


def get(client, key, path, status=200, **params):
    response = client.get(path, params, **bearer(key))
    assert response.status_code == status, response.content
    return response.json()


def test_a_council_key_lists_its_agencies_with_districts_care_capacity_and_freshness(
    client, council_key, agency, other_agency, home, api_document
):
    page = get(client, council_key, "/api/v1/agencies")
    validator(api_document, "/api/v1/agencies", "get", 200).validate(page)
    assert [found["name"] for found in page["agencies"]] == ["Kirkstall Home Care"]  # Bradford's is not Leeds's
    found = page["agencies"][0]
    assert found["cqc_location_id"] == agency.cqc_location_id
    assert found["care_given"] == ["personal_care", "dementia"]
    assert (found["hours_available"], found["earliest_start"], found["two_carer_calls_now"]) == (
        37.5,
        "2026-12-07",
        True,
    )
    assert (found["stale"], found["version"], found["cqc_rating"]) == (False, 3, "good")
    assert found["districts"] == [
        {"district": "LS16", "hours_available": 4.25, "own_figure": True},
        {"district": "LS6", "hours_available": 37.5, "own_figure": False},
    ]
    assert page["next"] is None
    assert home.name not in json.dumps(page)  # a care home is never an agency
    one = get(client, council_key, f"/api/v1/agencies/{agency.cqc_location_id}")
    validator(api_document, "/api/v1/agencies/{cqc_location_id}", "get", 200).validate(one)
    assert one == found


def test_an_agency_is_never_one_of_the_homes_and_a_home_never_an_agency(client, council_key, agency, home):
    homes = get(client, council_key, "/api/v1/homes")
    assert agency.cqc_location_id not in json.dumps(homes)
    get(client, council_key, f"/api/v1/homes/{agency.cqc_location_id}", status=404)
    get(client, council_key, f"/api/v1/agencies/{home.cqc_location_id}", status=404)


def test_outside_the_scope_is_404_and_a_national_key_sees_every_agency(
    client, council_key, agency, other_agency, service_admin
):
    get(client, council_key, f"/api/v1/agencies/{other_agency.cqc_location_id}", status=404)
    national = keys.make(name="NHS England", kind=ApiKey.Kind.NATIONAL, user=service_admin)[1]
    names = {found["name"] for found in get(client, national, "/api/v1/agencies")["agencies"]}
    assert names == {"Kirkstall Home Care", "Heaton Home Care"}


def test_a_providers_key_reads_its_own_agencies(client, agency, other_agency, provider):
    admin = MembershipFactory(role="provider_admin", provider=provider).user
    key = keys.make(name="Group", kind=ApiKey.Kind.PROVIDER, user=admin, provider=provider,
                    expires_at=timezone.now() + WRITE_KEY_LIFETIME)[1]  # fmt: skip
    assert [found["name"] for found in get(client, key, "/api/v1/agencies")["agencies"]] == ["Kirkstall Home Care"]


def test_an_agency_never_confirmed_is_stale_with_no_figures(client, council_key, leeds, api_document):
    AgencyFactory(name="New Home Care", local_authority=leeds)
    found = get(client, council_key, "/api/v1/agencies")["agencies"][0]
    validator(api_document, "/api/v1/agencies", "get", 200).validate({"agencies": [found], "next": None})
    assert (found["stale"], found["hours_available"], found["care_given"], found["districts"]) == (True, None, [], [])
    assert (found["last_confirmed_at"], found["version"], found["two_carer_calls_now"]) == (None, 0, None)


def test_filters_by_district_council_and_when_confirmed(client, council_key, agency, leeds):
    elsewhere = AgencyFactory(name="Seacroft Care", local_authority=leeds)
    AgencyCapacity.objects.create(agency=elsewhere, hours_available=Decimal(5),
                                  last_confirmed_at=timezone.now() - datetime.timedelta(days=3))  # fmt: skip
    CoveredDistrict.objects.create(agency=elsewhere, district_id="LS14")

    def names(**params):
        return [found["name"] for found in get(client, council_key, "/api/v1/agencies", **params)["agencies"]]

    assert names(postcode="LS6 2AD") == ["Kirkstall Home Care"]
    assert names(postcode="ls14") == ["Seacroft Care"]
    assert names(council="E08000032") == []
    since = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert names(updated_since=since) == ["Kirkstall Home Care"]
    assert get(client, council_key, "/api/v1/agencies", status=200, postcode="LS14")["agencies"][0]["stale"] is True


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"postcode": "ZZ99"}, "postcode: not a postcode or postcode district we know"),
        ({"postcode": "nowhere"}, "postcode: not a postcode"),
        ({"cursor": "junk"}, "cursor: not one this API gave"),
        ({"limit": "0"}, "limit"),
        ({"updated_since": "yesterday"}, "a date and time with its zone"),
    ],
)
def test_bad_input_is_a_400_problem_naming_it(client, council_key, agency, params, words):
    response = client.get("/api/v1/agencies", params, **bearer(council_key))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"]


def test_pages_follow_the_cursor(client, council_key, leeds):
    for n in range(3):
        AgencyFactory(name=f"Agency {n}", local_authority=leeds)
    first = get(client, council_key, "/api/v1/agencies", limit=2)
    second = get(client, council_key, "/api/v1/agencies", limit=2, cursor=first["next"])
    assert [a["name"] for a in first["agencies"] + second["agencies"]] == ["Agency 0", "Agency 1", "Agency 2"]
    assert second["next"] is None


def test_no_key_is_401_and_an_unchanged_answer_is_304(client, council_key, agency):
    assert client.get("/api/v1/agencies").status_code == 401
    assert client.get("/api/v1/changes/agencies").status_code == 401
    first = client.get("/api/v1/agencies", **bearer(council_key))
    again = client.get("/api/v1/agencies", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(council_key))
    assert again.status_code == 304


def test_a_page_of_agencies_costs_few_queries(client, council_key, agency, django_assert_max_num_queries):
    get(client, council_key, "/api/v1/agencies")  # a steady state
    with django_assert_max_num_queries(3):  # the key and its count, the page
        get(client, council_key, "/api/v1/agencies")


# --- the agencies' changes feed ----------------------------------------------------------------


def feed(client, key, cursor=None):
    return get(client, key, "/api/v1/changes/agencies", **({"cursor": cursor} if cursor else {}))


def test_capacity_care_and_districts_changed_each_bring_the_agency_once(
    client, council_key, agency, other_agency, agency_staff_of, api_document
):
    staff = agency_staff_of(agency)
    start = feed(client, council_key)
    assert start["changes"] == []
    capacity = AgencyCapacity.objects.get(agency=agency)
    changes.update(agency, staff, loaded_version=capacity.version, hours=Decimal(20),
                   earliest_start=timezone.localdate(), two_carer_calls_now=False, district_hours={})  # fmt: skip
    changes.cover(other_agency, None, "BD9")  # Bradford's: outside a Leeds key's scope
    page = feed(client, council_key, start["next"])
    validator(api_document, "/api/v1/changes/agencies", "get", 200).validate(page)
    assert [change["id"] for change in page["changes"]] == [agency.pk]
    assert page["changes"][0]["agency"]["hours_available"] == 20
    assert page["changes"][0]["removed"] is False
    cursor = page["next"]
    assert feed(client, council_key, cursor)["changes"] == []
    changes.set_care(agency, staff, ["personal_care"])
    changes.cover(agency, staff, "LS7")
    changes.confirm_no_change(agency, staff)
    page = feed(client, council_key, cursor)
    assert [change["id"] for change in page["changes"]] == [agency.pk]  # three transactions, one entry
    assert [d["district"] for d in page["changes"][0]["agency"]["districts"]] == ["LS16", "LS6", "LS7"]


def test_archived_agencies_are_removed_new_ones_arrive_and_homes_stay_in_their_own_feed(
    client, council_key, agency, home, leeds
):
    cursor = feed(client, council_key)["next"]
    homes_cursor = get(client, council_key, "/api/v1/changes")["next"]
    new = AgencyFactory(name="New Home Care", local_authority=leeds)
    agency.status, agency.archived_reason = HomeStatus.ARCHIVED, "Deregistered"
    agency.save()
    home.name = "Headingley Park House"
    home.save()
    found = {change["id"]: change for change in feed(client, council_key, cursor)["changes"]}
    assert set(found) == {agency.pk, new.pk}
    assert (found[agency.pk]["removed"], found[agency.pk]["agency"]) == (True, None)
    assert found[new.pk]["agency"]["name"] == "New Home Care"
    homes = get(client, council_key, "/api/v1/changes", cursor=homes_cursor)["changes"]
    assert [change["id"] for change in homes] == [home.pk]
    assert not HomeChange.objects.filter(home_id__in=[agency.pk, new.pk]).exists()


def test_an_agency_moving_council_leaves_the_old_councils_feed(client, council_key, agency, bradford):
    cursor = feed(client, council_key)["next"]
    agency.local_authority = bradford
    agency.save()
    change = feed(client, council_key, cursor)["changes"]
    assert change == [{"id": agency.pk, "removed": True, "agency": None}]


def test_pruned_agency_changes_are_410(client, council_key, agency):
    cursor = feed(client, council_key)["next"]
    changes.cover(agency, None, "LS7")
    assert AgencyChange.objects.exists()
    assert prune(datetime.timedelta(0), now=timezone.now() + datetime.timedelta(seconds=1)) >= 1
    assert not AgencyChange.objects.exists()
    response = client.get("/api/v1/changes/agencies", {"cursor": cursor}, **bearer(council_key))
    assert response.status_code == 410
    assert "list /agencies afresh" in response.json()["detail"]
    assert client.get("/api/v1/changes/agencies", {"cursor": "tx:junk"}, **bearer(council_key)).status_code == 400


@pytest.fixture
def agency_staff_of():
    return lambda agency: MembershipFactory(role="home_staff", home=agency).user
