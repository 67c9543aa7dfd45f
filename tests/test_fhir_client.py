"""FHIR as an independent client reads it (issue 30): fhirpy, a FHIR client written by
others, reads the CapabilityStatement from a live server and performs every search it
declares and every interaction, each finding what it should; an error reaches it as an
OperationOutcome."""

import pytest
from django.utils import timezone
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, OperationOutcome, ResourceNotFound
from fhirpy.base.searchset import Raw

from accounts.models import Role
from api import keys
from api.fhir import CQC_LOCATION, CQC_PROVIDER, GENERAL, PARAMETERS, care_category_system
from api.models import ApiKey
from homecare.models import AgencyCapacity, CoveredDistrict
from tests.factories import AgencyFactory, CareHomeFactory, ProviderFactory
from tests.vacancy_helpers import give_figures

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def homes(leeds, bradford):
    """Two homes of one provider in Leeds, one far south of them, one in Bradford (out of scope)."""
    group = ProviderFactory(name="Aire Valley Care Ltd", cqc_provider_id="1-101000001")
    near = CareHomeFactory(provider=group, cqc_location_id="1-101000011")
    also = CareHomeFactory(provider=group, cqc_location_id="1-101000012")
    far = CareHomeFactory(local_authority=leeds, cqc_location_id="1-101000013", latitude=53.40, longitude=-1.47)
    CareHomeFactory(local_authority=bradford, cqc_location_id="1-101000014")
    give_figures(near, nursing={"vacant_accepting": 2}, residential={})
    give_figures(far, nursing={})
    agency = AgencyFactory(provider=group, cqc_location_id="1-101000015")  # home care, covering LS6 and LS7
    AgencyCapacity.objects.create(agency=agency, hours_available=20, care_given=["personal_care"])
    for code in ("LS6", "LS7"):
        CoveredDistrict.objects.create(agency=agency, district_id=code)
    return {"near": near, "also": also, "far": far, "group": group, "far_group": far.provider, "agency": agency}


@pytest.fixture
def client(live_server, council_admin, leeds, settings):
    settings.API_REQUESTS_PER_MINUTE = 10_000
    key = keys.make(name="Leeds ICB", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)[1]
    return SyncFHIRClient(f"{live_server.url}/fhir", authorization=f"Bearer {key}")


def searches(homes) -> dict[tuple[str, str], tuple[str, set[str]]]:
    """For each (type, search parameter): a value, and the ids it must find."""
    near, also, far = (homes[name].cqc_location_id for name in ("near", "also", "far"))
    everyone_near = {near, also}
    group, far_group = homes["group"].cqc_provider_id, homes["far_group"].cqc_provider_id
    home_care = f"{homes['agency'].cqc_location_id}-home-care"
    return {
        ("Location", "_id"): (near, {near}),
        ("Location", "identifier"): (f"{CQC_LOCATION}|{also}", {also}),
        ("Location", "near"): ("53.8196|-1.5781|5|km", everyone_near),
        ("Location", "_lastUpdated"): (f"ge{timezone.localdate().isoformat()}", {near, also, far}),
        ("Location", "_count"): ("1", {near}),  # the first page
        ("HealthcareService", "_id"): (f"{near}-nursing", {f"{near}-nursing"}),
        ("HealthcareService", "service-type"): (f"{care_category_system()}|residential", {f"{near}-residential"}),
        ("HealthcareService", "location"): (f"Location/{far}", {f"{far}-nursing"}),
        ("HealthcareService", "location.near"): ("53.8196|-1.5781|5|km", {f"{near}-nursing", f"{near}-residential"}),
        ("HealthcareService", "active"): (
            "true",
            {f"{near}-nursing", f"{near}-residential", f"{far}-nursing", home_care},
        ),
        ("HealthcareService", "coverage-area"): ("Location/district-LS6", {home_care}),
        ("HealthcareService", "_lastUpdated"): ("lt2000-01-01", set()),
        ("HealthcareService", "_count"): ("1", {f"{near}-nursing"}),
        ("Organization", "_id"): (group, {group}),
        ("Organization", "identifier"): (f"{CQC_PROVIDER}|{far_group}", {far_group}),
        ("Organization", "_count"): ("1", {group}),
    }


def test_every_declared_search_and_interaction_works_through_fhirpy(client, homes):
    statement = client.execute("metadata", method="get")
    declared = {resource["type"]: resource for resource in statement["rest"][0]["resource"]}
    examples = searches(homes)
    for kind in ("Location", "HealthcareService", "Organization"):
        names = {param["name"] for param in declared[kind]["searchParam"]}
        # Exactly what is served: what the statement declares is what a search reads.
        assert names == PARAMETERS[kind] - GENERAL
        assert names == {name for found_kind, name in examples if found_kind == kind}, kind
        assert {i["code"] for i in declared[kind]["interaction"]} == {"read", "search-type"}
        for name in sorted(names):
            value, expected = examples[(kind, name)]
            found = client.resources(kind).search(Raw(**{name: value})).fetch()
            assert {resource.id for resource in found} == expected, (kind, name)
            for resource in found:  # read, by id
                assert client.reference(kind, resource.id).to_resource().id == resource.id
    # Paging: fhirpy follows the next links to the end.
    everything = client.resources("Location").limit(1).fetch_all()
    assert {location.id for location in everything} == {homes[name].cqc_location_id for name in ("near", "also", "far")}
    services = client.resources("HealthcareService").limit(1).fetch_all()  # beds' services, then home care
    assert len(services) == 4
    assert services[-1].id == f"{homes['agency'].cqc_location_id}-home-care"
    assert client.reference("Location", "district-LS7").to_resource().physicalType.coding[0].code == "area"
    definition = declared["StructureDefinition"]
    assert definition["interaction"] == [{"code": "read"}]
    assert client.reference("StructureDefinition", "available-beds").to_resource().type == "Extension"


def test_errors_reach_fhirpy_as_operation_outcomes(client, homes, live_server):
    with pytest.raises(OperationOutcome) as refused:
        client.resources("Location").search(name="Park").fetch()
    assert "not supported" in refused.value.resource["issue"][0]["diagnostics"]
    with pytest.raises(OperationOutcome) as malformed:
        client.resources("Location").search(identifier="a|b|c").fetch()
    assert malformed.value.resource["issue"][0]["diagnostics"].startswith("identifier: ")
    with pytest.raises(ResourceNotFound):
        client.reference("Location", "1-999").to_resource()
    with pytest.raises(AuthorizationError):
        SyncFHIRClient(f"{live_server.url}/fhir").resources("Location").fetch()


def test_a_key_whose_maker_left_reaches_fhirpy_as_a_401(client, homes, council_admin):
    council_admin.memberships.filter(role=Role.COUNCIL_ADMIN).delete()
    with pytest.raises(AuthorizationError) as refused:
        client.resources("Location").fetch()
    assert "no longer holds the role that made it" in str(refused.value)
