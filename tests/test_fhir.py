"""FHIR R4 UK Core (issue 14): every resource served validates against the FHIR model
(fhir.resources), searches page through Bundles, keys keep to their scope, and errors are
OperationOutcomes."""

import datetime
import urllib.parse

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.healthcareservice import HealthcareService
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.structuredefinition import StructureDefinition

from api import keys
from api.fhir import available_beds_url, capacity_status_url, care_category_system
from api.models import ApiKey
from tests.factories import CareHomeFactory
from tests.vacancy_helpers import OPEN_HOME, give_figures
from vacancies.holds import hold_bed
from vacancies.updates import save_vacancies

pytestmark = pytest.mark.django_db

MODELS = {"Location": Location, "HealthcareService": HealthcareService, "Organization": Organization}


@pytest.fixture
def council_key(council_admin, leeds):
    return keys.make(name="Leeds ICB", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)[1]


def get(client, path, key=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(path, params, **headers)


def valid_bundle(response) -> dict:
    """The Bundle, checked against the FHIR model, with every resource in it checked too."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    Bundle.model_validate(body)
    assert body["type"] == "searchset"
    for entry in body["entry"]:
        MODELS[entry["resource"]["resourceType"]].model_validate(entry["resource"])
    return body


def test_the_capability_statement_and_extensions_need_no_key_and_validate(client):
    statement = get(client, "/fhir/metadata").json()
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    types = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(types) == {"Location", "HealthcareService", "Organization", "StructureDefinition"}
    assert {"near", "_lastUpdated"} <= {p["name"] for p in types["Location"]["searchParam"]}
    for url in (available_beds_url(), capacity_status_url()):
        path = urllib.parse.urlparse(url).path
        definition = get(client, path).json()
        StructureDefinition.model_validate(definition)
        assert definition["url"] == url
    assert get(client, "/fhir/StructureDefinition/nothing").status_code == 404


def test_locations_in_scope_with_closure(client, council_key, home, other_home):
    give_figures(home)
    body = valid_bundle(get(client, "/fhir/Location", council_key))
    ids = [entry["resource"]["id"] for entry in body["entry"]]
    assert ids == [home.cqc_location_id]  # Bradford's home is outside a Leeds key
    location = body["entry"][0]["resource"]
    assert location["meta"]["profile"] == ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Location"]
    assert "operationalStatus" not in location
    closing = {**OPEN_HOME, "closed_to_admissions": True, "closed_reason": "outbreak"}
    save_vacancies(home, None, loaded_version=1, categories={}, home_values=closing)
    closed = get(client, f"/fhir/Location/{home.cqc_location_id}", council_key).json()
    Location.model_validate(closed)
    assert closed["operationalStatus"]["code"] == "C"
    missing = get(client, f"/fhir/Location/{other_home.cqc_location_id}", council_key)
    assert missing.status_code == 404
    OperationOutcome.model_validate(missing.json())


def test_healthcare_services_carry_available_beds_less_holds(client, council_key, home, coordinator):
    give_figures(
        home, nursing={"capacity": 20, "vacant_accepting": 3}, residential={"capacity": 10, "vacant_accepting": 0}
    )
    hold_bed(home, "nursing", hours=24, user=coordinator, held_for="Leeds hub")
    body = valid_bundle(get(client, "/fhir/HealthcareService", council_key))
    services = {entry["resource"]["id"]: entry["resource"] for entry in body["entry"]}
    nursing = services[f"{home.cqc_location_id}-nursing"]
    extensions = {ext["url"]: ext for ext in nursing["extension"]}
    assert extensions[available_beds_url()]["valueUnsignedInt"] == 2
    assert extensions[capacity_status_url()]["valueCode"] == "available"
    residential = services[f"{home.cqc_location_id}-residential"]
    assert {ext["url"]: ext for ext in residential["extension"]}[capacity_status_url()]["valueCode"] == "full"
    assert nursing["location"][0]["reference"] == f"Location/{home.cqc_location_id}"
    one = get(client, f"/fhir/HealthcareService/{home.cqc_location_id}-nursing", council_key)
    HealthcareService.model_validate(one.json())
    typed = valid_bundle(get(client, "/fhir/HealthcareService", council_key, **{"service-type": "residential"}))
    assert [e["resource"]["id"] for e in typed["entry"]] == [f"{home.cqc_location_id}-residential"]


def test_organizations_of_the_homes_in_scope(client, council_key, home, other_home):
    body = valid_bundle(get(client, "/fhir/Organization", council_key))
    assert [e["resource"]["name"] for e in body["entry"]] == [home.provider.name]
    organization_id = body["entry"][0]["resource"]["id"]
    Organization.model_validate(get(client, f"/fhir/Organization/{organization_id}", council_key).json())


def test_paging_near_and_last_updated(client, council_key, leeds):
    homes = [CareHomeFactory(local_authority=leeds) for _ in range(3)]
    far = CareHomeFactory(local_authority=leeds, latitude=53.40, longitude=-1.47)
    first = valid_bundle(get(client, "/fhir/Location", council_key, _count=2))
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = valid_bundle(client.get(next_url, HTTP_AUTHORIZATION=f"Bearer {council_key}"))
    assert not [link for link in second["link"] if link["relation"] == "next"]
    seen = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert sorted(seen) == sorted(h.cqc_location_id for h in [*homes, far])
    near = valid_bundle(get(client, "/fhir/Location", council_key, near="53.8196|-1.5781|5|km"))
    assert far.cqc_location_id not in [e["resource"]["id"] for e in near["entry"]]
    assert len(near["entry"]) == 3
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert valid_bundle(get(client, "/fhir/Location", council_key, _lastUpdated=f"ge{tomorrow}"))["entry"] == []
    assert len(valid_bundle(get(client, "/fhir/Location", council_key, _lastUpdated=f"lt{tomorrow}"))["entry"]) == 4


def test_services_of_a_kind_near_a_point(client, council_key, leeds):
    near_home = CareHomeFactory(local_authority=leeds)  # Headingley, LS6
    far_home = CareHomeFactory(local_authority=leeds, latitude=53.40, longitude=-1.47)
    for home in (near_home, far_home):
        give_figures(home, nursing={"vacant_accepting": 2})
    found = valid_bundle(get(client, "/fhir/HealthcareService", council_key, **{
        "location.near": "53.8196|-1.5781|5|mi", "service-type": "nursing"}))  # fmt: skip
    assert [e["resource"]["location"][0]["reference"] for e in found["entry"]] == [
        f"Location/{near_home.cqc_location_id}"
    ]
    refused = get(client, "/fhir/HealthcareService", council_key, **{"location.near": "leeds"})
    assert refused.status_code == 400
    assert "location.near" in OperationOutcome.model_validate(refused.json()).issue[0].diagnostics


@pytest.mark.parametrize(
    ("params", "words"),
    [({"near": "north"}, "near"), ({"near": "53|-1|9000|km"}, "near"), ({"_count": "0"}, "_count"),
     ({"_lastUpdated": "yesterday"}, "_lastUpdated"), ({"_cursor": "abc"}, "_cursor"),
     ({"name": "Park"}, "not supported"), ({"_format": "xml"}, "_format")],
)  # fmt: skip
def test_bad_searches_get_an_operation_outcome(client, council_key, params, words):
    response = get(client, "/fhir/Location", council_key, **params)
    assert response.status_code == 400
    body = response.json()
    OperationOutcome.model_validate(body)
    assert words in body["issue"][0]["diagnostics"]


def test_fhir_answers_carry_the_keys_rate_limit(client, council_key, home, settings):
    settings.API_REQUESTS_PER_MINUTE = 1
    first = get(client, "/fhir/Location", council_key)
    assert (first.status_code, first["RateLimit-Limit"], first["RateLimit-Remaining"]) == (200, "1", "0")
    refused = get(client, "/fhir/Location", council_key)
    assert refused.status_code == 429
    assert refused["RateLimit-Reset"] == refused["Retry-After"]
    assert OperationOutcome.model_validate(refused.json())


def test_no_key_gets_401_as_an_operation_outcome(client):
    response = get(client, "/fhir/Location")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    OperationOutcome.model_validate(response.json())


def test_a_search_costs_a_bounded_number_of_queries(client, council_key, leeds, django_assert_max_num_queries):
    for _ in range(5):
        give_figures(CareHomeFactory(local_authority=leeds), nursing={"vacant_accepting": 1})
    with django_assert_max_num_queries(10):
        assert len(get(client, "/fhir/HealthcareService", council_key).json()["entry"]) == 5
    with django_assert_max_num_queries(10):
        assert len(get(client, "/fhir/Location", council_key).json()["entry"]) == 5


def test_anything_else_under_fhir_and_api_is_answered_in_their_formats(council_key):
    client = Client(enforce_csrf_checks=True)  # as a partner's system: no CSRF token
    for path, content_type in [("/fhir/Patient", "application/fhir+json"), ("/fhir/Location/", "application/fhir+json"),
                               ("/api/v2/homes", "application/problem+json")]:  # fmt: skip
        response = get(client, path, council_key)
        assert response.status_code == 404, path
        assert response["Content-Type"] == content_type
    posted = client.post("/fhir/Location", HTTP_AUTHORIZATION=f"Bearer {council_key}")
    assert posted.status_code == 405
    OperationOutcome.model_validate(posted.json())


def _ids(response) -> list[str]:
    return [entry["resource"]["id"] for entry in valid_bundle(response)["entry"]]


def test_token_searches_follow_fhirs_rules_for_any_system(client, council_key, home, leeds):
    """``[code]``, ``[system]|[code]``, ``|[code]`` (no system) and ``[system]|`` (any code in
    it); an unknown system matches nothing (an empty searchset, never a 500); commas are OR,
    a repeated parameter AND."""
    second = CareHomeFactory(local_authority=leeds)
    ours, other = home.cqc_location_id, second.cqc_location_id
    cqc = "https://www.cqc.org.uk/location"
    found = {
        ours: [ours],
        f"{cqc}|{ours}": [ours],
        f"https://example.org|{ours}": [],
        f"|{ours}": [],  # CQC location IDs always carry their system
        f"{cqc}|": sorted([ours, other]),
        "https://example.org|": [],
        "urn:oid:1.2.3|1-101": [],
        f"{ours},{other}": sorted([ours, other]),
        f"https://example.org|{ours},{cqc}|{other}": [other],
        "ünï|cödé": [],
    }
    for value, ids in found.items():
        assert _ids(get(client, "/fhir/Location", council_key, identifier=value)) == ids, value
    both = client.get("/fhir/Location", {"identifier": [ours, other]}, HTTP_AUTHORIZATION=f"Bearer {council_key}")
    assert _ids(both) == []  # repeated: every value must match
    assert _ids(get(client, "/fhir/Location", council_key, _id=f"|{ours}")) == [ours]  # ids have no system
    assert _ids(get(client, "/fhir/Location", council_key, _id=f"{cqc}|{ours}")) == []
    provider_id = home.provider.cqc_provider_id
    assert _ids(
        get(client, "/fhir/Organization", council_key, identifier=f"https://www.cqc.org.uk/provider|{provider_id}")
    ) == [provider_id]
    assert _ids(get(client, "/fhir/Organization", council_key, identifier=f"{cqc}|{provider_id}")) == []
    assert _ids(get(client, "/fhir/Organization", council_key, _id="provider-99999999999999999999999")) == []


def test_service_type_tokens(client, council_key, home):
    give_figures(home, nursing={}, residential={})
    system = care_category_system()
    nursing, residential = f"{home.cqc_location_id}-nursing", f"{home.cqc_location_id}-residential"
    for value, ids in {f"{system}|nursing": [nursing], "https://example.org|nursing": [], "|nursing": [],
                       f"{system}|": [nursing, residential], "nursing,residential": [nursing, residential],
                       "spa": []}.items():  # fmt: skip
        assert sorted(_ids(get(client, "/fhir/HealthcareService", council_key, **{"service-type": value}))) == ids
    assert _ids(get(client, "/fhir/HealthcareService", council_key, _id=f"https://example.org|{nursing}")) == []
    assert _ids(get(client, "/fhir/HealthcareService", council_key, active="true,false")) == [nursing, residential]


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [("/fhir/Location", "identifier", "a|b|c"), ("/fhir/Location", "identifier", ""),
     ("/fhir/Location", "identifier", "|"), ("/fhir/Location", "identifier", "1-1,"),
     ("/fhir/Location", "identifier", "bad\\escape"), ("/fhir/Location", "_id", "https://example.org|1-1|x"),
     ("/fhir/Organization", "identifier", "||"), ("/fhir/HealthcareService", "service-type", "a|b|c"),
     ("/fhir/HealthcareService", "active", "maybe"), ("/fhir/HealthcareService", "location", "Patient/1")],
)  # fmt: skip
def test_a_malformed_token_is_a_400_naming_the_parameter(client, council_key, path, name, value):
    response = get(client, path, council_key, **{name: value})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/fhir+json"
    assert OperationOutcome.model_validate(response.json()).issue[0].diagnostics.startswith(f"{name}: ")


def test_escaped_bars_and_commas_are_part_of_the_value(client, council_key, home):
    assert _ids(get(client, "/fhir/Location", council_key, identifier="https://example.org\\|x|1-1")) == []
    assert _ids(get(client, "/fhir/Location", council_key, identifier=f"{home.cqc_location_id}\\,x")) == []


def test_every_fhir_error_is_an_operation_outcome_with_its_status(client, council_key, settings):
    """What a FHIR client can get wrong, and what it gets back: always an OperationOutcome."""
    auth = {"HTTP_AUTHORIZATION": f"Bearer {council_key}"}
    answers = [
        (400, client.get("/fhir/Location", {"name": "Park"}, **auth)),
        (400, client.get("/fhir/Location", {"identifier": "a|b|c"}, **auth)),
        (400, client.get("/fhir/Location?_id=1-1%00", **auth)),  # a NUL: refused before any view
        (401, client.get("/fhir/Location")),
        (401, client.get("/fhir/Location", HTTP_AUTHORIZATION="Bearer cct_12345678_nothing")),
        (404, client.get("/fhir/Location/1-999999", **auth)),
        (404, client.get("/fhir/Patient", **auth)),
        (405, client.delete("/fhir/Location", **auth)),
        (413, client.generic("GET", "/fhir/Location", b"x" * (settings.API_MAX_BODY_BYTES + 1), **auth)),
    ]
    settings.API_REQUESTS_PER_MINUTE = 0
    answers.append((429, client.get("/fhir/Location", **auth)))
    for status, response in answers:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/fhir+json", status
        outcome = OperationOutcome.model_validate(response.json())
        assert outcome.issue[0].severity == "error"
        assert outcome.issue[0].diagnostics, status
