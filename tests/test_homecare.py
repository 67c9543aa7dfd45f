"""Home-care agencies (issue 26, ADR 019): onboarded by a council like homes, their districts,
care and capacity kept current, and Find home care for discharge coordinators."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from homecare.models import AgencyCapacity, CapacityChange, CoveredDistrict
from homecare.search import FindHomeCareForm
from homes.models import CareHomeChange
from registers.models import CareHome, HomeCareAgency
from tests.factories import AgencyFactory, MembershipFactory
from tests.page_forms import form_as_sent

pytestmark = pytest.mark.django_db

ADD = {
    "cqc_location_id": "1-444555666",
    "name": "Kirkstall Home Care",
    "provider_name": "Kirkstall Care Ltd",
    "cqc_provider_id": "",
    "address_line_1": "2 Abbey Road",
    "town": "Leeds",
    "postcode": "LS6 2AB",
    "phone": "0113 496 0999",
    "email": "office@kirkstall.example.org",
    "service_user_bands": ["older_people"],
}


@pytest.fixture
def agency(leeds):
    return AgencyFactory(name="Kirkstall Home Care", local_authority=leeds)


@pytest.fixture
def agency_staff(agency):
    return MembershipFactory(role="home_staff", home=agency, user__email="carer@example.org").user


def soon(days=3) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def capacity_post(version=0, **values):
    return {
        "hours_available": "20",
        "earliest_start": soon(),
        "two_carer_calls_now": "yes",
        "version": version,
    } | values


# --- onboarding -------------------------------------------------------------------------


def test_a_council_admin_adds_an_agency_and_invites_its_manager(client, council_admin, leeds):
    client.force_login(council_admin)
    response = client.post("/agencies/add/", ADD, follow=True)
    agency = HomeCareAgency.objects.get(cqc_location_id="1-444555666")
    assert response.redirect_chain[-1][0] == f"/homes/{agency.pk}/staff/"
    assert "Kirkstall Home Care has been added. Now invite its manager." in response.text
    assert "Nobody can update this home-care agency yet" in response.text
    assert (agency.kind, agency.service_type, agency.local_authority) == ("home_care_agency", "domiciliary", leeds)
    assert not CareHome.objects.filter(pk=agency.pk).exists()
    assert CareHomeChange.objects.filter(home=agency, field="onboarded").exists()
    invited = client.post(f"/homes/{agency.pk}/staff/", {"email": "manager@kirkstall.example.org", "full_name": "M"})
    assert invited.status_code == 302
    assert agency.invitations.filter(email="manager@kirkstall.example.org").exists()
    assert "Kirkstall Home Care" in client.get("/agencies/").text


def test_an_agency_is_added_only_in_the_admins_own_council_and_once(client, council_admin, agency):
    client.force_login(council_admin)
    elsewhere = client.post("/agencies/add/", {**ADD, "cqc_location_id": "1-1", "postcode": "BD9 5AB"})
    assert "You can only add homes in your own council area" in elsewhere.text
    twice = client.post("/agencies/add/", {**ADD, "cqc_location_id": agency.cqc_location_id})
    assert "A home-care agency with CQC location ID" in twice.text
    as_a_home = client.post(
        "/homes/add/", {**ADD, "service_type": "with_nursing", "cqc_location_id": agency.cqc_location_id}
    )
    assert "A home-care agency with CQC location ID" in as_a_home.text
    assert HomeCareAgency.objects.count() == 1


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator", "user_without_role"])
def test_others_cannot_add_or_list_agencies(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/agencies/").status_code == 404
    assert client.post("/agencies/add/", ADD).status_code == 404
    assert not HomeCareAgency.objects.exists()


def test_the_council_list_filters_with_htmx(client, council_admin, agency, htmx_headers):
    AgencyFactory(name="Other Care At Home")
    client.force_login(council_admin)
    response = client.get("/agencies/", {"q": "Kirkstall"}, headers=htmx_headers)
    assert "<h1>" not in response.text
    assert "Kirkstall Home Care" in response.text
    assert "Other Care At Home" not in response.text


def test_a_cqc_file_adds_its_domiciliary_care_services_as_agencies(client, council_admin, leeds):
    from homes import csv_import

    text = (
        "Location ID,Location Name,Care home?,Location Postal Code,Location Street Address,Location City,"
        "Provider Name,Service type - Care home service with nursing,Service type - Domiciliary care service\n"
        "1-900000001,Meanwood Nursing,Y,LS6 2AB,1 Road,Leeds,Meanwood Ltd,Y,\n"
        "1-900000002,Meanwood Home Care,N,LS6 2AB,2 Road,Leeds,Meanwood Ltd,,Y\n"
        "1-900000003,Meanwood Dental,N,LS6 2AB,3 Road,Leeds,Meanwood Ltd,,\n"
    )
    plan = csv_import.plan(text, csv_import.columns_for(csv_import.read_header(text)).fields, allowed_la_ids={leeds.pk})
    assert plan.problems == []
    created, _, _ = csv_import.apply(plan, user=council_admin)
    assert created == 2
    assert CareHome.objects.get(cqc_location_id="1-900000001").service_type == "with_nursing"
    agency = HomeCareAgency.objects.get(cqc_location_id="1-900000002")
    assert (agency.service_type, agency.registered_beds) == ("domiciliary", None)
    assert not CareHome.locations.filter(cqc_location_id="1-900000003").exists()
    # The same location named a care home by a later file is refused, not turned into one.
    again = text.replace("1-900000002,Meanwood Home Care,N", "1-900000002,Meanwood Home Care,Y").replace(
        ",,Y\n", ",Y,\n"
    )
    replan = csv_import.plan(
        again, csv_import.columns_for(csv_import.read_header(again)).fields, allowed_la_ids={leeds.pk}
    )
    assert [p.reason for p in replan.problems] == [
        "This location is a home-care agency in the portal; the file says it is a care home"
    ]


# --- capacity ---------------------------------------------------------------------------


def test_staff_keep_capacity_current_and_every_change_is_in_its_history(client, agency_staff, agency):
    client.force_login(agency_staff)
    assert "Enter its capacity" in client.get("/my-homes/").text
    response = client.post(f"/agencies/{agency.pk}/capacity/", capacity_post(hours_available="22.5"), follow=True)
    assert "capacity has been saved" in response.text
    capacity = AgencyCapacity.objects.get(agency=agency)
    assert (capacity.hours_available, capacity.two_carer_calls_now, capacity.version) == (22.5, True, 1)
    assert "22.5 new hours a week" in client.get("/my-homes/").text
    confirmed = client.post(f"/agencies/{agency.pk}/no-change/", follow=True)
    assert "confirmed as unchanged" in confirmed.text
    kinds = list(CapacityChange.objects.filter(agency=agency).values_list("kind", flat=True))
    assert kinds == ["no_change", "update"]
    update = CapacityChange.objects.get(agency=agency, kind="update")
    assert update.summary.startswith("New hours a week not said → 22.5 hours")
    assert update.made_by == agency_staff
    history = client.get(f"/agencies/{agency.pk}/capacity-history/")
    assert "New hours a week not said → 22.5 hours" in history.text


def test_a_councils_my_homes_lists_its_areas_agencies_by_name_with_their_capacity(
    client, council_admin, leeds, bradford, agency, django_assert_max_num_queries
):
    AgencyCapacity.objects.create(agency=agency, hours_available=0, last_confirmed_at=timezone.now())
    AgencyFactory(name="Armley Home Care", local_authority=leeds)  # no capacity entered yet
    AgencyFactory(name="Allerton Home Care", local_authority=bradford)  # another council's
    AgencyFactory(name="Adel Home Care", local_authority=leeds, status="archived")
    client.force_login(council_admin)
    client.get("/my-homes/")
    with django_assert_max_num_queries(6):  # the session, the person, their device, roles, homes, agencies
        text = client.get("/my-homes/").text
    cards = re.findall(r'<a class="nhsuk-card__link" href="/agencies/(\d+)/">([^<]+)</a>', text)
    assert [name for _, name in cards] == ["Armley Home Care", "Kirkstall Home Care"]
    armley, kirkstall = text.split("Armley Home Care</a>", 1)[1].split("Kirkstall Home Care</a>", 1)
    assert "No capacity entered yet" in armley
    assert "Enter its capacity" in armley
    assert "0 new hours a week" in kirkstall
    assert "Updated just now" in kirkstall
    assert f"/agencies/{agency.pk}/no-change/" in kirkstall


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hours_available": "-1"}, "Hours cannot be negative"),
        ({"hours_available": "169"}, "A week has 168 hours"),
        ({"hours_available": "7.3"}, "whole quarter-hours"),
        ({"hours_available": "7.125"}, "whole quarter-hours"),
        ({"hours_available": ""}, "Enter the new hours a week"),
        ({"earliest_start": "2020-01-01"}, "The earliest start cannot be in the past"),
        ({"earliest_start": "31/02/2027"}, "Enter a real date"),
        ({"two_carer_calls_now": ""}, "Say whether you can take on two-carer calls now"),
    ],
)
def test_bad_capacity_is_explained_by_the_field_and_changes_nothing(client, agency_staff, agency, values, message):
    client.force_login(agency_staff)
    response = client.post(f"/agencies/{agency.pk}/capacity/", capacity_post(**values))
    assert response.status_code == 200
    assert message in response.text
    assert "nhsuk-error-summary" in response.text
    assert not AgencyCapacity.objects.filter(agency=agency, version__gt=0).exists()
    assert not CapacityChange.objects.exists()


def test_two_people_saving_at_once_do_not_overwrite_each_other(client, agency_staff, agency):
    client.force_login(agency_staff)
    client.post(f"/agencies/{agency.pk}/capacity/", capacity_post(hours_available="10"))
    late = client.post(f"/agencies/{agency.pk}/capacity/", capacity_post(hours_available="30", version=0))
    assert late.status_code == 409
    assert "Someone else saved this agency's capacity" in html.unescape(late.text)  # as a browser reads it
    assert 'value="30"' in late.text  # nothing typed is lost
    assert AgencyCapacity.objects.get(agency=agency).hours_available == 10


def test_no_change_needs_figures_first(client, agency_staff, agency):
    client.force_login(agency_staff)
    response = client.post(f"/agencies/{agency.pk}/no-change/")
    assert response.status_code == 302
    assert response["Location"] == f"/agencies/{agency.pk}/capacity/"
    assert not CapacityChange.objects.exists()


@pytest.mark.parametrize("role", ["other_home_staff", "home_staff", "other_council_admin", "coordinator"])
def test_outsiders_cannot_change_an_agencys_capacity(client, request, agency, role):
    client.force_login(request.getfixturevalue(role))
    for path in ("capacity/", "care/", "districts/"):
        assert client.get(f"/agencies/{agency.pk}/{path}").status_code == 404
        assert client.post(f"/agencies/{agency.pk}/{path}", capacity_post()).status_code == 404
    assert client.post(f"/agencies/{agency.pk}/no-change/").status_code == 404
    assert not CapacityChange.objects.exists()


def test_a_care_homes_id_is_not_an_agency(client, home_staff, home):
    client.force_login(home_staff)
    assert client.get(f"/agencies/{home.pk}/capacity/").status_code == 404
    assert client.get(f"/agencies/{home.pk}/").status_code == 404


def test_the_agency_page_is_for_its_people_coordinators_and_councils(client, request, agency):
    for role, status in [("coordinator", 200), ("council_admin", 200), ("other_council_admin", 200),
                         ("home_staff", 404), ("provider_admin", 404)]:  # fmt: skip
        client.force_login(request.getfixturevalue(role))
        assert client.get(f"/agencies/{agency.pk}/").status_code == status, role
    client.logout()
    assert client.get(f"/agencies/{agency.pk}/").status_code == 302


# --- districts and care -----------------------------------------------------------------


def test_districts_are_found_added_and_removed(client, agency_staff, agency, htmx_headers):
    client.force_login(agency_staff)
    found = client.get(f"/agencies/{agency.pk}/districts/", {"q": "ls6"}, headers=htmx_headers)
    assert "<h1>" not in found.text
    assert "Add LS6" in found.text
    added = client.post(f"/agencies/{agency.pk}/districts/", {"district": "LS6", "q": "LS6"}, follow=True)
    assert "LS6 added." in added.text
    client.post(f"/agencies/{agency.pk}/districts/", {"district": "ls7 3ab"})  # a full postcode's district
    assert list(CoveredDistrict.objects.filter(agency=agency).values_list("district_id", flat=True)) == ["LS6", "LS7"]
    client.post(f"/agencies/{agency.pk}/districts/", {"district": "LS7", "action": "remove"})
    assert list(CoveredDistrict.objects.values_list("district_id", flat=True)) == ["LS6"]
    summaries = list(CapacityChange.objects.filter(kind="districts").values_list("summary", flat=True))
    assert summaries == ["Removed LS7", "Added LS7", "Added LS6"]


def test_a_district_that_does_not_exist_is_refused(client, agency_staff, agency):
    client.force_login(agency_staff)
    response = client.post(f"/agencies/{agency.pk}/districts/", {"district": "ZZ99"})
    assert response.status_code == 400
    assert "ZZ99 is not a postcode district in England" in response.text
    assert not CoveredDistrict.objects.exists()


def test_the_care_an_agency_gives(client, agency_staff, agency):
    client.force_login(agency_staff)
    client.post(f"/agencies/{agency.pk}/care/", {"care_given": ["reablement", "personal_care"]})
    assert AgencyCapacity.objects.get(agency=agency).care_given == ["personal_care", "reablement"]
    assert CapacityChange.objects.get(kind="care").summary == "Added Personal care, Reablement"
    bad = client.post(f"/agencies/{agency.pk}/care/", {"care_given": ["flying"]})
    assert "Select a valid choice" in bad.text


# --- find home care ---------------------------------------------------------------------


def _give(agency, hours, start_in_days=1, two_carers=True, care=("personal_care",), districts=("LS6",)):
    for code in districts:
        CoveredDistrict.objects.create(agency=agency, district_id=code)
    AgencyCapacity.objects.create(
        agency=agency, hours_available=hours,
        earliest_start=timezone.localdate() + datetime.timedelta(days=start_in_days),
        two_carer_calls_now=two_carers, care_given=list(care), last_confirmed_at=timezone.now(), version=1,
    )  # fmt: skip


@pytest.fixture
def market(leeds):
    big = AgencyFactory(name="Big Hours Care")
    _give(big, 40, care=("personal_care", "dementia"))
    late = AgencyFactory(name="Late Start Care")
    _give(late, 30, start_in_days=20)
    small = AgencyFactory(name="Small Hours Care")
    _give(small, 5, two_carers=False, care=("personal_care", "two_carers"))
    CoveredDistrict.objects.filter(agency=small).update(hours_available=12)  # more in LS6 than elsewhere
    far = AgencyFactory(name="Bradford Only Care")
    _give(far, 50, districts=("BD9",))
    return {"big": big, "late": late, "small": small, "far": far}


def names(response) -> list[str]:
    """The agencies found, as the page lists them: each card's heading."""
    return [
        html.unescape(name) for name in re.findall(r'class="nhsuk-card__link" href="[^"]*">([^<]*)</a>', response.text)
    ]


def test_coordinators_find_agencies_covering_the_postcode_with_the_hours(client, coordinator, market):
    client.force_login(coordinator)
    everyone = client.get("/find-home-care/", {"postcode": "LS6 2AD"})
    assert names(everyone) == ["Big Hours Care", "Late Start Care", "Small Hours Care"]
    assert "Updated" in everyone.text
    assert names(client.get("/find-home-care/", {"postcode": "LS6", "hours": "10"})) == [
        "Big Hours Care",
        "Late Start Care",
        "Small Hours Care",
    ]  # fmt: skip  (12 in LS6)
    assert names(client.get("/find-home-care/", {"postcode": "LS6", "hours": "35"})) == ["Big Hours Care"]
    assert names(client.get("/find-home-care/", {"postcode": "LS6", "start_by": soon(5)})) == [
        "Big Hours Care", "Small Hours Care"]  # fmt: skip
    assert names(client.get("/find-home-care/", {"postcode": "LS6", "care": ["dementia"]})) == ["Big Hours Care"]
    # Two carers per call: it gives that care and can take such calls on now.
    nobody = client.get("/find-home-care/", {"postcode": "LS6", "care": ["two_carers"]})
    assert names(nobody) == []
    assert "No agency covering LS6 meets all of these needs" in nobody.text


def test_find_home_care_filters_with_htmx_and_exports_csv(client, coordinator, market, htmx_headers):
    client.force_login(coordinator)
    partial = client.get("/find-home-care/", {"postcode": "LS6", "hours": "35"}, headers=htmx_headers)
    assert "<h1>" not in partial.text
    assert "Big Hours Care" in partial.text
    csv = client.get("/find-home-care.csv", {"postcode": "LS6", "hours": "35"}).getvalue().decode()
    lines = csv.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("Agency,CQC location ID")
    assert len(lines) == 2
    assert "Big Hours Care" in lines[1]
    assert ",40," in lines[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"postcode": "ZZ99 9ZZ"}, "is not a postcode or postcode district in England"),
        ({"postcode": "LS6", "hours": "-2"}, "Hours cannot be negative"),
        ({"postcode": "LS6", "hours": "200"}, "A week has 168 hours"),
        ({"postcode": "LS6", "hours": "3.1"}, "whole quarter-hours"),
        ({"postcode": "LS6", "start_by": "2020-01-01"}, "The start date cannot be in the past"),
    ],
)
def test_bad_searches_are_explained(client, coordinator, market, query, message):
    client.force_login(coordinator)
    response = client.get("/find-home-care/", query)
    assert response.status_code == 200
    assert message in response.text
    assert not re.search(r"<h2>\d+ agenc", response.text)  # no results, not even none


def test_searching_leaves_find_home_cares_shared_fields_as_declared(client, coordinator, market):
    """Its form's instances use the declared fields themselves (``unchanging_fields``) and each
    field's markup is kept by its value: no search, however wrong, changes them for the next,
    and a field in error is drawn with its error, the next one without."""

    def declared() -> dict:
        return {
            name: (repr(sorted(vars(field).items())), repr(sorted(vars(field.widget).items())))
            for name, field in FindHomeCareForm.base_fields.items()
        }

    before = declared()
    client.force_login(coordinator)
    for query in ["postcode=LS6&hours=10&care=personal_care", "postcode=ZZ99&hours=-2&start_by=2020-01-01&care=x", ""]:
        assert client.get(f"/find-home-care/?{query}").status_code == 200
    assert declared() == before
    assert "Hours cannot be negative" in client.get("/find-home-care/?postcode=LS6&hours=-2").text
    again = client.get("/find-home-care/?postcode=LS6&hours=2").text
    assert "Hours cannot be negative" not in again
    assert 'value="2"' in again


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "user_without_role"])
def test_only_searchers_find_home_care(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/find-home-care/", {"postcode": "LS6"}).status_code == 404
    assert client.get("/find-home-care.csv", {"postcode": "LS6"}).status_code == 404


def test_find_home_care_pages_like_find_a_bed(client, coordinator, leeds):
    for number in range(23):
        _give(AgencyFactory(name=f"Agency {number:02}"), 10 + number)
    client.force_login(coordinator)
    first = client.get("/find-home-care/", {"postcode": "LS6"})
    assert len(names(first)) == 20
    assert "postcode=LS6" in first.text
    assert "page=2" in first.text
    second = client.get("/find-home-care/", {"postcode": "LS6", "page": 2})
    assert names(second) == ["Agency 02", "Agency 01", "Agency 00"]


def test_the_demo_has_agencies_a_sign_in_for_one_and_finds_them(client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert "agency@example.org" in out.getvalue()
    assert HomeCareAgency.objects.filter(is_synthetic=True).count() == 4
    assert not CareHome.objects.filter(name__contains="Home Care").exists()
    from accounts.models import User

    client.force_login(User.objects.get(email="agency@example.org"))
    assert "Kirkstall Home Care" in client.get("/my-homes/").text
    client.force_login(User.objects.get(email="coordinator@example.org"))
    found = client.get("/find-home-care/", {"postcode": "LS6 2AD", "hours": "10"})
    assert names(found) == ["Leeds Reablement Partnership", "Kirkstall Home Care"]


def test_find_home_care_reads_a_page_in_a_fixed_number_of_queries(client, coordinator, market,
                                                                   django_assert_max_num_queries):  # fmt: skip
    client.force_login(coordinator)
    client.get("/find-home-care/", {"postcode": "LS6"})
    for number in range(10):
        _give(AgencyFactory(name=f"More Care {number}"), 10)
    # The session, the person, their roles, the district, the page (its total and what is on their shortlist with
    # it), their shortlist's count.
    with django_assert_max_num_queries(6):
        page = client.get("/find-home-care/", {"postcode": "LS6", "care": ["personal_care"]})
    assert len(names(page)) == 13


def test_an_agencys_staff_keep_its_details_like_a_homes(client, agency_staff, agency, other_home_staff):
    client.force_login(other_home_staff)
    assert client.get(f"/homes/{agency.pk}/edit/").status_code == 404
    client.force_login(agency_staff)
    page = client.get(f"/homes/{agency.pk}/edit/")
    assert "CQC service type" not in page.text
    data = form_as_sent(page.text) | {"phone": "0113 496 0777"}
    data |= {"service_user_bands": agency.service_user_bands, "funding_accepted": [], "facilities": []}
    response = client.post(f"/homes/{agency.pk}/edit/", data)
    assert response.status_code == 302, response.text
    assert response["Location"] == f"/agencies/{agency.pk}/"
    agency.refresh_from_db()
    assert (agency.phone, agency.service_type, agency.version) == ("0113 496 0777", "domiciliary", 2)
    assert CareHomeChange.objects.get(home=agency, field="phone").changed_by == agency_staff


def test_a_coordinator_shortlists_agencies_from_the_results(client, coordinator, market, htmx_headers,
                                                            django_assert_max_num_queries):  # fmt: skip
    from homecare.models import AgencyShortlistEntry

    client.force_login(coordinator)
    big = market["big"]
    found = client.get("/find-home-care/", {"postcode": "LS6"})
    assert 'Add<span class="nhsuk-u-visually-hidden"> Big Hours Care</span> to shortlist' in found.text
    swapped = client.post(f"/agencies/{big.pk}/shortlist/", {"next": "/find-home-care/?postcode=LS6"},
                          headers=htmx_headers)  # fmt: skip
    assert "On your shortlist: remove" in swapped.text
    added = client.post(f"/agencies/{market['small'].pk}/shortlist/", {"next": "https://evil.example/"})
    assert added["Location"] == "/find-home-care/shortlist/"  # never another site
    with django_assert_max_num_queries(7):
        page = client.get("/find-home-care/shortlist/")
    assert "Big Hours Care" in page.text
    assert "Small Hours Care" in page.text
    assert "Bradford Only Care" not in page.text
    csv = client.get("/find-home-care/shortlist.csv").getvalue().decode()
    assert len(csv.strip().splitlines()) == 3
    assert "Your home-care shortlist (2)" in client.get("/find-home-care/").text
    results = client.get("/find-home-care/", {"postcode": "LS6"}).text
    assert 'On your shortlist: remove<span class="nhsuk-u-visually-hidden"> Big Hours Care</span>' in results
    client.force_login(MembershipFactory(role="coordinator", user__email="another@example.org").user)  # not theirs
    assert 'Add<span class="nhsuk-u-visually-hidden"> Big Hours Care</span> to shortlist' in client.get(
        "/find-home-care/", {"postcode": "LS6"}).text  # fmt: skip
    client.force_login(coordinator)
    client.post(f"/agencies/{big.pk}/shortlist/", {"action": "remove"}, follow=True)
    assert list(AgencyShortlistEntry.objects.values_list("agency__name", flat=True)) == ["Small Hours Care"]
    # Nor does it touch the beds' shortlist.
    assert "Big Hours Care" not in client.get("/find-a-bed/shortlist/").text


def test_only_searchers_shortlist_agencies_and_never_a_care_home(client, home_staff, coordinator, market, home):
    from homecare.models import AgencyShortlistEntry

    client.force_login(home_staff)
    assert client.post(f"/agencies/{market['big'].pk}/shortlist/").status_code == 404
    assert client.get("/find-home-care/shortlist/").status_code == 404
    client.force_login(coordinator)
    assert client.post(f"/agencies/{home.pk}/shortlist/").status_code == 404
    assert not AgencyShortlistEntry.objects.exists()
