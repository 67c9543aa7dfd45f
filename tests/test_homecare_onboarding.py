"""Home-care agencies from CQC's register (issue 26, ADR 016, 019): the CQC sync keeps the
register's agencies the portal does not have; a council sees those newly registered in its area
on its list of agencies and adds one in one click, as a home, then invites its staff; a council
or service admin corrects an agency's CQC facts with a reason (ADR 015), as a home's."""

import datetime
from html import unescape

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from homes import cqc_sync
from homes.audit_actions import HomeAction
from homes.models import CareHomeChange, CqcLocation
from registers.choices import LocationKind
from registers.models import CareHome, HomeCareAgency
from tests.cqc_stub import location_document
from tests.factories import AgencyFactory, MembershipFactory, local_authority
from tests.test_cqc_facts import correction
from tests.test_cqc_sync import RECENTLY, first_load, portal, register, stub  # noqa: F401  (the sync's fixtures)

pytestmark = pytest.mark.django_db

AGENCY = {"care_home": False, "domiciliary": True, "beds": None}


def newly_registered_agency(location_id="1-555000201", name="Kirkstall Care At Home", **facts) -> CqcLocation:
    """A home-care agency as the CQC sync keeps one it read and the portal does not have."""
    values = {
        "name": name, "address_line_1": "2 Abbey Road", "town": "Leeds", "postcode": "LS5 3AB",
        "latitude": 53.8201, "longitude": -1.5822, "local_authority_id": local_authority("E08000035").pk,
        "service_type": "domiciliary", "service_user_bands": ["older_people"], "cqc_rating": "not_yet_rated",
        "registration_date": RECENTLY, "phone": "01134960777", "provider_name": "Kirkstall Care Ltd",
    }  # fmt: skip
    return CqcLocation.objects.create(
        kind=LocationKind.HOME_CARE_AGENCY, location_id=location_id, name=name, postcode="LS5 3AB",
        local_authority=local_authority("E08000035"), provider_id="1-900000077", registered=True,
        registration_date=RECENTLY, facts=values | facts, first_seen_at=timezone.now(), checked_at=timezone.now(),
    )  # fmt: skip


# --- the CQC sync keeps them ----------------------------------------------------------------------


def test_the_sync_keeps_the_registers_agencies_for_their_council(client, stub, portal, register, provider):  # noqa: F811
    ours = AgencyFactory(name="Kirkstall Home Care", cqc_location_id="1-101000030", provider=provider)
    register.add(location_document("1-101000030", "Kirkstall Home Care", "LS5 3AB", **AGENCY))
    register.add(location_document("1-101000031", "Adel Care At Home", "LS16 6AB", registration_date=RECENTLY,
                                   provider_id="1-900000002", **AGENCY))  # fmt: skip
    register.add(location_document("1-101000032", "Old Agency", "LS6 2AB", **AGENCY))
    run = first_load(stub)
    assert run.counts["new agency registrations"] == 1
    assert run.counts["home-care agencies not in the portal"] == 1
    kept = {location.location_id: location for location in CqcLocation.objects.filter(kind="home_care_agency")}
    assert set(kept) == {"1-101000030", "1-101000031", "1-101000032"}  # ours too: when CQC's facts were checked
    new = kept["1-101000031"]
    assert (new.local_authority.name, new.facts["provider_name"], new.facts["service_type"]) == (
        "Leeds", "Meanwood Care Ltd", "domiciliary")  # fmt: skip
    assert "registered_beds" not in new.facts
    since = timezone.localdate() - datetime.timedelta(days=90)
    assert [loc.location_id for loc in CqcLocation.objects.newly_registered(since).filter(kind="home_care_agency")] == [
        "1-101000031"
    ]
    assert not CareHome.locations.filter(cqc_location_id="1-101000031").exists()
    # The agency's public page says when CQC's facts were last checked, as a home's does.
    assert "CQC facts last checked with CQC's register on" in client.get(f"/home-care/{ours.cqc_location_id}/").text


def test_a_days_changes_keep_a_newly_registered_agency(stub, portal, register):  # noqa: F811
    first = first_load(stub)
    soon = first.changes_to + datetime.timedelta(hours=2)
    register.add(location_document("1-101000040", "Roundhay Home Care", "LS8 2AB", registration_date=RECENTLY,
                                   provider_id="1-900000001", **AGENCY), soon)  # fmt: skip
    run = cqc_sync.sync(now=soon + datetime.timedelta(hours=1))
    assert run.counts["new agency registrations"] == 1
    assert CqcLocation.objects.get(location_id="1-101000040").kind == "home_care_agency"


# --- a council adds one in one click ----------------------------------------------------------


def test_a_council_sees_new_agencies_on_its_agencies_list_not_its_homes(client, council_admin):
    newly_registered_agency()
    client.force_login(council_admin)
    agencies = client.get("/agencies/").text
    assert "Newly registered with CQC" in agencies
    assert "CQC has registered these home-care agencies in Leeds" in agencies
    assert "Kirkstall Care At Home" in agencies
    assert 'name="next" value="/agencies/"' in agencies
    homes = client.get("/homes/").text
    assert "Kirkstall Care At Home" not in homes


def test_a_council_adds_a_newly_registered_agency_in_one_click_then_invites_its_manager(client, council_admin):
    newly_registered_agency()
    client.force_login(council_admin)
    response = client.post("/homes/cqc/1-555000201/add/", {"next": "/agencies/"}, follow=True)
    agency = HomeCareAgency.objects.get(cqc_location_id="1-555000201")
    assert response.redirect_chain[-1][0] == f"/homes/{agency.pk}/staff/"
    assert "Kirkstall Care At Home has been added from CQC's register. Now invite its manager." in unescape(
        response.text
    )
    assert (agency.kind, agency.service_type, agency.registered_beds, agency.cqc_rating) == (
        "home_care_agency", "domiciliary", None, "not_yet_rated")  # fmt: skip
    assert agency.provider.name == "Kirkstall Care Ltd"
    assert not CareHome.objects.filter(pk=agency.pk).exists()  # never a care home
    assert CareHomeChange.objects.get(home=agency, field="onboarded").note == "From CQC's register"
    event = AuditEvent.objects.get(action=HomeAction.HOME_ADDED)
    assert event.target == "Kirkstall Care At Home (1-555000201), home-care agency"
    invited = client.post(f"/homes/{agency.pk}/staff/", {"email": "manager@kirkstall.example.org", "full_name": "M"})
    assert invited.status_code == 302
    assert agency.invitations.filter(email="manager@kirkstall.example.org").exists()
    assert "Newly registered with CQC" not in client.get("/agencies/").text  # it is in the portal now
    assert "Kirkstall Care At Home" in client.get("/agencies/").text
    # Added twice (a second tab): refused, back to the list it came from.
    again = client.post("/homes/cqc/1-555000201/add/", {"next": "/agencies/"}, follow=True)
    assert again.redirect_chain[-1][0] == "/agencies/"
    assert "is in the portal already" in again.text
    assert HomeCareAgency.objects.filter(cqc_location_id="1-555000201").count() == 1


def test_one_the_register_cannot_make_is_refused_back_to_the_agencies(client, council_admin):
    newly_registered_agency(provider_name="")
    client.force_login(council_admin)
    response = client.post("/homes/cqc/1-555000201/add/", {"next": "/agencies/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/agencies/"
    assert "does not name the provider of Kirkstall Care At Home: add it by hand" in response.text
    assert not CareHome.locations.filter(cqc_location_id="1-555000201").exists()


def test_an_outside_next_is_not_followed(client, council_admin):
    newly_registered_agency(provider_name="")
    client.force_login(council_admin)
    response = client.post("/homes/cqc/1-555000201/add/", {"next": "https://evil.example/"})
    assert response["Location"] == "/homes/"


@pytest.mark.parametrize("role", ["other_council_admin", "coordinator", "provider_admin", "home_staff"])
def test_others_cannot_see_or_add_a_councils_new_agency(client, request, role):
    newly_registered_agency()
    client.force_login(request.getfixturevalue(role))
    assert client.post("/homes/cqc/1-555000201/add/").status_code == 404
    listed = client.get("/agencies/")
    assert listed.status_code == 404 or "Kirkstall Care At Home" not in listed.text
    assert not CareHome.locations.filter(cqc_location_id="1-555000201").exists()


def test_a_service_admin_sees_every_councils_new_agencies(client, service_admin):
    newly_registered_agency()
    client.force_login(service_admin)
    assert "CQC has registered these home-care agencies in England" in client.get("/agencies/").text


def test_the_agencies_list_filtered_by_htmx_leaves_the_new_ones_out(client, council_admin, htmx_headers):
    newly_registered_agency()
    client.force_login(council_admin)
    response = client.get("/agencies/", {"q": "Kirk"}, headers=htmx_headers)
    assert "<html" not in response.text
    assert "Newly registered with CQC" not in response.text


# --- correcting an agency's CQC facts -------------------------------------------------------------


@pytest.fixture
def agency(leeds):
    return AgencyFactory(name="Kirkstall Home Care", local_authority=leeds, cqc_rating="requires_improvement")


def test_a_council_admin_corrects_an_agencys_rating_with_a_reason(client, council_admin, agency):
    client.force_login(council_admin)
    assert f'href="/homes/{agency.pk}/cqc-facts/"' in client.get(f"/agencies/{agency.pk}/").text
    page = client.get(f"/homes/{agency.pk}/cqc-facts/").text
    assert "Registered beds" not in page
    assert "Check the agency's page on CQC's website" in page
    data = correction(agency, cqc_rating="good", cqc_rating_date="2025-05-02", reason="CQC's page says Good")
    del data["registered_beds"]
    response = client.post(f"/homes/{agency.pk}/cqc-facts/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/agencies/{agency.pk}/"
    assert "CQC facts have been corrected" in response.text
    agency.refresh_from_db()
    assert (agency.cqc_rating, agency.cqc_rating_date, agency.kind) == ("good", datetime.date(2025, 5, 2),
                                                                        "home_care_agency")  # fmt: skip
    change = CareHomeChange.objects.get(home=agency, field="cqc_rating")
    assert change.summary == "Corrected by Leeds: rating Requires improvement → Good. Reason: CQC's page says Good"
    assert AuditEvent.objects.filter(action=HomeAction.CQC_FACTS_CORRECTED, user=council_admin).exists()
    assert "Good (May 2025)" in client.get(f"/home-care/{agency.cqc_location_id}/").text


def test_registered_beds_posted_for_an_agency_change_nothing(client, service_admin, agency):
    client.force_login(service_admin)
    data = correction(agency, registered_beds="40", cqc_rating="outstanding", cqc_rating_date="2025-01-02")
    client.post(f"/homes/{agency.pk}/cqc-facts/", data)
    agency.refresh_from_db()
    assert (agency.registered_beds, agency.cqc_rating) == (None, "outstanding")
    assert CareHomeChange.objects.get(home=agency, field="cqc_rating").organisation == "the national service"


def test_a_correction_without_a_reason_is_refused_by_the_field(client, council_admin, agency, htmx_headers):
    client.force_login(council_admin)
    data = correction(agency, cqc_rating="good", cqc_rating_date="2025-05-02", reason=" ")
    response = client.post(f"/homes/{agency.pk}/cqc-facts/", data, headers=htmx_headers)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="id_reason-error"' in response.text
    agency.refresh_from_db()
    assert agency.cqc_rating == "requires_improvement"


@pytest.mark.parametrize("role", ["agency_staff", "other_council_admin", "coordinator", "provider_admin"])
def test_an_agencys_own_people_and_outsiders_cannot_correct_its_facts(client, request, agency, role):
    if role == "agency_staff":
        user = MembershipFactory(role="home_staff", home=agency).user
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(f"/homes/{agency.pk}/cqc-facts/").status_code == 404
    data = correction(agency, cqc_rating="outstanding", cqc_rating_date="2025-01-02")
    assert client.post(f"/homes/{agency.pk}/cqc-facts/", data).status_code == 404
    agency.refresh_from_db()
    assert agency.cqc_rating == "requires_improvement"
