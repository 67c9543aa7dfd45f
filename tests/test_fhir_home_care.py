"""FHIR for home-care agencies (issue 26): each agency's home care is a UK Core HealthcareService
whose coverageArea is the postcode districts it covers (each a Location of physicalType area),
with its new hours a week; found by coverage-area; in the key's scope; every resource valid."""

import datetime
import urllib.parse
from decimal import Decimal

import pytest
from django.utils import timezone
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.structuredefinition import StructureDefinition

from api import keys
from api.fhir import available_hours_url, care_category_system, earliest_start_url, home_care_system
from api.models import ApiKey
from homecare.models import AgencyCapacity, CoveredDistrict
from tests.factories import AgencyFactory, CareHomeFactory, ProviderFactory
from tests.test_fhir import get, valid_bundle
from tests.vacancy_helpers import give_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_key(council_admin, leeds):
    return keys.make(name="Leeds ICB", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)[1]


@pytest.fixture
def agency(leeds):
    found = AgencyFactory(
        name="Kirkstall Home Care", cqc_location_id="1-800000101", local_authority=leeds, phone="0113 496 0999",
        provider=ProviderFactory(name="Kirkstall Care Ltd", cqc_provider_id="1-900000001"),
    )  # fmt: skip
    AgencyCapacity.objects.create(
        agency=found, hours_available=Decimal("37.5"), care_given=["personal_care", "dementia"],
        earliest_start=datetime.date(2026, 12, 14), two_carer_calls_now=True, last_confirmed_at=timezone.now(),
    )  # fmt: skip
    CoveredDistrict.objects.create(agency=found, district_id="LS6")
    CoveredDistrict.objects.create(agency=found, district_id="LS16", hours_available=Decimal("4.25"))
    return found


@pytest.fixture
def other_agency(leeds, bradford):
    found = AgencyFactory(name="Adel Home Care", cqc_location_id="1-800000102", local_authority=leeds)
    CoveredDistrict.objects.create(agency=found, district_id="LS16")
    elsewhere = AgencyFactory(name="Heaton Home Care", cqc_location_id="1-800000103", local_authority=bradford)
    CoveredDistrict.objects.create(agency=elsewhere, district_id="LS6")  # Bradford's: not a Leeds key's
    return found


def ids(response) -> list[str]:
    return [entry["resource"]["id"] for entry in valid_bundle(response)["entry"]]


def test_an_agencys_home_care_is_a_valid_healthcare_service_covering_its_districts(client, council_key, agency):
    response = get(client, "/fhir/HealthcareService/1-800000101-home-care", council_key)
    assert response.status_code == 200
    service = response.json()
    HealthcareService.model_validate(service)
    assert service["meta"]["profile"] == ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-HealthcareService"]
    assert service["type"][0]["coding"][0] == {"system": care_category_system(), "code": "home-care",
                                               "display": "Home care (domiciliary care)"}  # fmt: skip
    assert service["coverageArea"] == [
        {"reference": "Location/district-LS16", "display": "LS16",
         "extension": [{"url": available_hours_url(), "valueDecimal": 4.25}]},
        {"reference": "Location/district-LS6", "display": "LS6"},
    ]  # fmt: skip
    assert service["extension"] == [
        {"url": available_hours_url(), "valueDecimal": 37.5},
        {"url": earliest_start_url(), "valueDate": "2026-12-14"},
    ]
    assert [c["coding"][0]["code"] for c in service["characteristic"]] == ["personal_care", "dementia"]
    assert service["characteristic"][0]["coding"][0]["system"] == home_care_system()
    assert service["providedBy"] == {"reference": "Organization/1-900000001", "display": "Kirkstall Care Ltd"}
    assert "location" not in service  # home care comes to the patient
    # Every reference resolves: the districts and the provider.
    for area in service["coverageArea"]:
        district = get(client, f"/fhir/{area['reference']}", council_key)
        assert district.status_code == 200
        Location.model_validate(district.json())
        assert district.json()["physicalType"]["coding"][0]["code"] == "area"
        assert district.json()["name"] == area["display"]
    provider = get(client, "/fhir/Organization/1-900000001", council_key)
    Organization.model_validate(provider.json())


def test_an_agency_with_nothing_said_yet_is_still_valid(client, council_key, leeds):
    AgencyFactory(cqc_location_id="1-800000104", local_authority=leeds)
    service = get(client, "/fhir/HealthcareService/1-800000104-home-care", council_key).json()
    HealthcareService.model_validate(service)
    assert {"extension", "coverageArea", "characteristic"}.isdisjoint(service)


def test_coverage_area_finds_the_agencies_covering_a_district_in_scope(client, council_key, agency, other_agency, home):
    give_figures(home, nursing={"vacant_accepting": 1})
    found = ids(get(client, "/fhir/HealthcareService", council_key, **{"coverage-area": "Location/district-LS6"}))
    assert found == ["1-800000101-home-care"]  # not Bradford's, nor a care home's beds
    both = ids(get(client, "/fhir/HealthcareService", council_key, **{"coverage-area": "district-LS16"}))
    assert both == ["1-800000101-home-care", "1-800000102-home-care"]
    either = get(client, "/fhir/HealthcareService", council_key, **{"coverage-area": "district-LS6,district-LS16"})
    assert ids(either) == ["1-800000101-home-care", "1-800000102-home-care"]
    query = urllib.parse.urlencode([("coverage-area", "district-LS6"), ("coverage-area", "district-LS16")])
    assert ids(get(client, f"/fhir/HealthcareService?{query}", council_key)) == ["1-800000101-home-care"]
    assert ids(get(client, "/fhir/HealthcareService", council_key, **{"coverage-area": "district-BD9"})) == []


def test_service_type_home_care_finds_agencies_only_and_a_bed_category_none(client, council_key, agency, home):
    give_figures(home, nursing={"vacant_accepting": 1})
    assert ids(get(client, "/fhir/HealthcareService", council_key, **{"service-type": "home-care"})) == [
        "1-800000101-home-care"
    ]
    system = get(
        client, "/fhir/HealthcareService", council_key, **{"service-type": f"{care_category_system()}|home-care"}
    )
    assert ids(system) == ["1-800000101-home-care"]
    assert ids(get(client, "/fhir/HealthcareService", council_key, **{"service-type": "nursing"})) == [
        f"{home.cqc_location_id}-nursing"
    ]
    assert "1-800000101-home-care" in ids(get(client, "/fhir/HealthcareService", council_key))


def test_paging_runs_through_the_beds_then_the_home_care(client, council_key, agency, other_agency, leeds):
    for _ in range(2):
        give_figures(CareHomeFactory(local_authority=leeds), nursing={})
    seen, url = [], "/fhir/HealthcareService?_count=1"
    while url:
        body = valid_bundle(get(client, url, council_key))
        seen += [entry["resource"]["id"] for entry in body["entry"]]
        following = [link["url"] for link in body["link"] if link["relation"] == "next"]
        url = urllib.parse.urlsplit(following[0])._replace(scheme="", netloc="").geturl() if following else None
    assert len(seen) == len(set(seen)) == 4
    assert seen[-2:] == ["1-800000101-home-care", "1-800000102-home-care"]
    two = valid_bundle(get(client, "/fhir/HealthcareService?_count=2", council_key))
    assert [entry["resource"]["resourceType"] for entry in two["entry"]] == ["HealthcareService"] * 2


def test_last_updated_follows_the_capacity(client, council_key, agency, other_agency):
    AgencyCapacity.objects.filter(agency=agency).update(last_confirmed_at=timezone.now() + datetime.timedelta(days=2))
    later = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert ids(get(client, "/fhir/HealthcareService", council_key, _lastUpdated=f"ge{later}")) == [
        "1-800000101-home-care"
    ]


def test_outside_the_scope_is_not_found(client, council_key, other_agency):
    assert get(client, "/fhir/HealthcareService/1-800000103-home-care", council_key).status_code == 404
    assert get(client, "/fhir/HealthcareService/1-800000103-nursing", council_key).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("/fhir/HealthcareService", {"coverage-area": "Location/1-800000101"}, 400, "coverage-area: a postcode"),
        ("/fhir/HealthcareService", {"coverage-area": "Patient/district-LS6"}, 400, "coverage-area: a postcode"),
        ("/fhir/HealthcareService", {"_cursor": "a-1"}, 400, "_cursor: not one this server gave"),
        ("/fhir/HealthcareService", {"_cursor": "ab"}, 400, "_cursor: not one this server gave"),
        ("/fhir/Location/district-ZZ99", {}, 404, "not a postcode district"),
        ("/fhir/Location/district-", {}, 404, "not a postcode district"),
        ("/fhir/HealthcareService/1-800000101-home-care-x", {}, 404, "is not known"),
    ],
)
def test_bad_input_is_an_operation_outcome(client, council_key, agency, path, params, status, words):
    response = get(client, path, council_key, **params)
    assert response.status_code == status
    assert words in response.json()["issue"][0]["diagnostics"]


def test_a_district_needs_a_key_like_every_resource(client, agency):
    assert get(client, "/fhir/Location/district-LS6").status_code == 401


def test_the_statement_declares_coverage_area_and_the_extensions_are_defined(client):
    statement = get(client, "/fhir/metadata").json()
    services = next(r for r in statement["rest"][0]["resource"] if r["type"] == "HealthcareService")
    coverage = next(p for p in services["searchParam"] if p["name"] == "coverage-area")
    assert coverage["definition"] == "http://hl7.org/fhir/SearchParameter/HealthcareService-coverage-area"
    for url in (available_hours_url(), earliest_start_url()):
        definition = get(client, urllib.parse.urlparse(url).path).json()
        StructureDefinition.model_validate(definition)
        assert definition["url"] == url
    hours = get(client, urllib.parse.urlparse(available_hours_url()).path).json()
    assert [c["expression"] for c in hours["context"]] == ["HealthcareService", "HealthcareService.coverageArea"]


def test_a_search_with_agencies_costs_a_bounded_number_of_queries(
    client, council_key, agency, other_agency, leeds, django_assert_max_num_queries
):
    give_figures(CareHomeFactory(local_authority=leeds), nursing={})
    with django_assert_max_num_queries(10):
        assert len(ids(get(client, "/fhir/HealthcareService", council_key))) == 3
