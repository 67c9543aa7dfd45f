"""A home-care agency shares the care homes' table (ADR 019) and must never be taken for a
care home: not in Find a bed, bed totals, the public care-home pages, the API's homes, its
changes feed, FHIR's bed services or the area dashboard. Each is tried as an attack: an
agency in the very council and district of a care home that is shown."""

import pytest

from api import keys
from api.models import ApiKey
from homes.models import CareHomeChange
from registers.models import CareHome
from tests.dashboard_page import beds_now, freshness
from tests.factories import AgencyFactory, CareHomeFactory, MembershipFactory
from tests.page_forms import form_as_sent
from tests.vacancy_helpers import give_figures
from vacancies.models import SearchEntry

pytestmark = pytest.mark.django_db

AGENCY_NAME = "Headingley Home Care Agency"


@pytest.fixture
def agency(leeds):
    return AgencyFactory(name=AGENCY_NAME, cqc_location_id="1-555000111", local_authority=leeds)


@pytest.fixture
def shown_home(leeds):
    home = CareHomeFactory(name="Headingley Care Home", local_authority=leeds)
    give_figures(home, nursing={"capacity": 20, "vacant_accepting": 2, "vacant_unavailable": 0})
    return home


@pytest.fixture
def key(council_admin, leeds):
    _, shown = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    return {"HTTP_AUTHORIZATION": f"Bearer {shown}"}


def test_care_homes_objects_never_holds_an_agency(agency, shown_home):
    assert list(CareHome.objects.all()) == [shown_home]
    assert set(CareHome.locations.all()) == {agency, shown_home}
    assert not SearchEntry.objects.filter(home_id=agency.pk).exists()


def test_an_agency_is_never_a_result_of_find_a_bed(client, coordinator, agency, shown_home):
    client.force_login(coordinator)
    for query in ({"near": "LS6"}, {}, {"name": "Headingley"}):
        page = client.get("/find-a-bed/", query)
        assert "Headingley Care Home" in page.text
        assert AGENCY_NAME not in page.text
    assert AGENCY_NAME not in client.get("/find-a-bed/results.csv", {"near": "LS6"}).getvalue().decode()


def test_an_agency_is_never_a_care_home_page_nor_its_update_form(client, coordinator, agency):
    staff = MembershipFactory(role="home_staff", home=agency).user
    client.force_login(coordinator)
    assert client.get(f"/homes/{agency.pk}/").status_code == 404
    client.force_login(staff)
    assert client.get(f"/my-homes/{agency.pk}/").status_code == 404
    assert client.post(f"/my-homes/{agency.pk}/confirm/").status_code == 404
    my_homes = client.get("/my-homes/")
    assert "You have no homes to update" in my_homes.text  # the agency is in its own panel, not a home card
    assert "Your home-care agencies" in my_homes.text


def test_an_agency_is_never_on_the_public_care_home_pages(client, agency, shown_home):
    assert client.get(f"/care-homes/{agency.cqc_location_id}/").status_code == 404
    found = client.get("/care-homes/", {"near": "LS6 2AD"})
    assert "Headingley Care Home" in found.text
    assert AGENCY_NAME not in found.text
    assert agency.cqc_location_id not in client.get("/sitemap.xml").text


def test_an_agency_is_never_in_the_apis_homes_changes_or_totals(client, key, agency, shown_home):
    homes = client.get("/api/v1/homes", **key).json()["homes"]
    assert [home["cqc_location_id"] for home in homes] == [shown_home.cqc_location_id]
    assert client.get(f"/api/v1/homes/{agency.cqc_location_id}", **key).status_code == 404
    agency.name = "Renamed Home Care"
    agency.save()  # a change the feed would note for a care home
    changes = client.get("/api/v1/changes", **key)
    assert agency.cqc_location_id not in changes.text
    assert "Renamed Home Care" not in changes.text
    assert AGENCY_NAME not in client.get("/api/v1/totals", **key).text


def test_an_agency_is_never_a_fhir_location_or_bed_service(client, key, agency, shown_home):
    """FHIR serves an agency as home care (issue 26): one HealthcareService typed home-care, with no
    beds, no Location of its own; never a care home's Location or a kind of bed."""
    for path in ("/fhir/Location", "/fhir/Organization"):
        body = client.get(path, **key)
        assert body.status_code == 200
        assert agency.cqc_location_id not in body.text
        assert AGENCY_NAME not in body.text
    assert client.get(f"/fhir/Location/{agency.cqc_location_id}", **key).status_code == 404
    services = client.get("/fhir/HealthcareService", **key).json()["entry"]
    agencies = [entry["resource"] for entry in services if agency.cqc_location_id in entry["resource"]["id"]]
    assert [service["id"] for service in agencies] == [f"{agency.cqc_location_id}-home-care"]
    assert [coding["code"] for coding in agencies[0]["type"][0]["coding"]] == ["home-care"]
    assert "available-beds" not in str(agencies[0])
    assert "location" not in agencies[0]
    for params in ({"service-type": "nursing"}, {"location.near": "53.82|-1.58|50|km"},
                   {"location": f"Location/{shown_home.cqc_location_id}"}):  # fmt: skip
        assert agency.cqc_location_id not in client.get("/fhir/HealthcareService", params, **key).text, params
    assert client.get(f"/fhir/HealthcareService/{agency.cqc_location_id}-nursing", **key).status_code == 404


def test_an_agency_is_never_in_the_dashboards_bed_figures(client, council_admin, agency, shown_home):
    client.force_login(council_admin)
    page = client.get("/area/")
    assert AGENCY_NAME not in page.text
    assert beds_now(page.text)["Nursing"]["Homes"] == "1"
    # Nor among the homes whose figures are fresh or not: an agency has no beds to confirm.
    bands = freshness(page.text)
    assert bands["Confirmed in the last 7 days"].endswith(" of 1 homes")
    assert bands["Never"] == "0"


def test_a_care_home_cannot_be_made_a_domiciliary_service_by_its_edit_form(client, home_staff, home):
    client.force_login(home_staff)
    page = client.get(f"/homes/{home.pk}/edit/")
    assert "Domiciliary care service" not in page.text
    data = form_as_sent(page.text)
    data |= {"service_type": "domiciliary", "service_user_bands": home.service_user_bands, "funding_accepted": []}
    response = client.post(f"/homes/{home.pk}/edit/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    home.refresh_from_db()
    assert home.service_type == "with_nursing"
    assert not CareHomeChange.objects.filter(home=home, field="service_type").exists()
