"""Home-care package requests (issue 26, ADR 025): a discharge team describes a package with
nothing that identifies the person, sends it to agencies it chose or to the market; agencies
offer a start and hours, decline with a coded reason or ask; the team accepts one offer, its
hours come off the agency's capacity through its history, and the other agencies are told."""

import datetime
import html
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Role, Team
from enquiries import flows
from enquiries.models import Enquiry, Kind, Notice, Package, Referral, Status
from homecare.models import AgencyCapacity, AgencyShortlistEntry, CapacityChange, CoveredDistrict
from tests.factories import AgencyFactory, MembershipFactory
from tests.test_homecare import _give
from tests.test_homes_import import run_worker
from tests.threads import in_threads

pytestmark = pytest.mark.django_db
NHS_NUMBER = "943 476 5919"


@pytest.fixture(autouse=True)
def _emails_queued_at_once(monkeypatch):
    """The test's transaction never commits: what waits for the commit is queued at once."""
    monkeypatch.setattr("enquiries.notices.transaction.on_commit", lambda callback, **kwargs: callback())


def soon(days=2) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def agencies(leeds):
    """Three agencies covering LS6 with hours now, one with none, one in Bradford only, each with staff."""
    made = {}
    for key, name, hours, extra in [
        ("kirkstall", "Kirkstall Home Care", 20, {}),
        ("headingley", "Headingley Home Care", 30, {"care": ("personal_care", "dementia")}),
        ("meanwood", "Meanwood Home Care", 10, {}),
        ("full", "Full Up Home Care", 0, {}),
        ("bradford", "Bradford Home Care", 50, {"districts": ("BD9",)}),
    ]:
        agency = AgencyFactory(name=name, local_authority=leeds)
        _give(agency, hours, **extra)
        MembershipFactory(role=Role.HOME_STAFF, home=agency, user__email=f"{key}@example.org")
        made[key] = agency
    CoveredDistrict.objects.filter(agency=made["kirkstall"]).update(hours_available=15)  # fewer in LS6
    return made


def staff_of(agency):
    return agency.memberships.get().user


def package_form(**changes) -> dict:
    data = {
        "send_to": "market", "reference": "Ward 4 bay 2", "district": "LS6 2AD", "hours_a_week": "10.5",
        "calls_a_day": "3", "call_times": ["morning", "lunch", "bed"], "carers_per_call": "1",
        "needed_from": soon(), "care_needed": ["personal_care"], "funding": "council",
        "care_needs": "Walks with a frame; key safe at the front door.", "contact": "Hub 0113 496 0123",
    }  # fmt: skip
    return data | changes


def package_details(**changes) -> dict:
    return {
        "district_id": "LS6", "hours_a_week": Decimal("10.5"), "calls_a_day": 3, "call_times": ["morning", "bed"],
        "carers_per_call": 1, "care_needed": ["personal_care"], "to_market": True,
    } | changes  # fmt: skip


def send(team, user, agencies, **changes) -> Enquiry:
    details = {"reference": "Ward 4", "needed_from": timezone.localdate(), "funding": "council",
               "care_needs": "Frame", "contact": "Hub"}  # fmt: skip
    return flows.send(team, user, list(agencies), package=package_details(**changes), **details)


@pytest.fixture
def requested(team, team_coordinator, agencies):
    enquiry = send(team, team_coordinator, [agencies["kirkstall"], agencies["headingley"], agencies["meanwood"]])
    run_worker()
    mail.outbox.clear()
    return enquiry


def part_of(enquiry, agency) -> Referral:
    return Referral.objects.get(enquiry=enquiry, home=agency)


# --- sending ------------------------------------------------------------------------------


def test_a_team_sends_a_package_to_the_market(client, team_coordinator, agencies):
    client.force_login(team_coordinator)
    page = client.get("/enquiries/new-package/", {"postcode": "LS6 2AD", "hours": "10.5", "care": "personal_care"})
    assert page.status_code == 200
    assert "Nothing that identifies the person" in page.text
    assert 'value="LS6 2AD"' in page.text
    assert 'value="10.5"' in page.text
    assert "Only the agencies I choose" not in page.text  # nothing chosen or shortlisted: the market only
    response = client.post("/enquiries/new-package/?postcode=LS6", package_form())
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url == f"/enquiries/{enquiry.pk}/"
    assert enquiry.kind == Kind.PACKAGE
    assert enquiry.package.to_market
    assert (enquiry.package.district_id, enquiry.package.hours_a_week) == ("LS6", Decimal("10.5"))
    # Those covering LS6 with hours, most first (Kirkstall has 15 in LS6): not the one with none, not Bradford's.
    asked = list(enquiry.referrals.order_by("home__name").values_list("home__name", flat=True))
    assert asked == ["Headingley Home Care", "Kirkstall Home Care", "Meanwood Home Care"]
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["headingley@example.org", "kirkstall@example.org",
                                                    "meanwood@example.org"]  # fmt: skip
    assert "home-care package in LS6" in mail.outbox[0].body
    assert "10.5 hours a week, 3 calls a day" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="package_request_sent").count() == 1
    page = client.get(f"/enquiries/{enquiry.pk}/")
    assert "Package request Ward 4 bay 2" in page.text
    assert "The agencies' answers" in page.text


def test_the_market_is_only_agencies_giving_the_care_and_two_carer_calls(client, team_coordinator, agencies):
    client.force_login(team_coordinator)
    client.post("/enquiries/new-package/", package_form(care_needed=["dementia"]))
    assert [r.home.name for r in Enquiry.objects.get().referrals.all()] == ["Headingley Home Care"]
    # Two carers a call: only those that can take such calls now and give that care.
    AgencyCapacity.objects.filter(agency=agencies["meanwood"]).update(care_given=["personal_care", "two_carers"])
    client.post("/enquiries/new-package/", package_form(carers_per_call="2", reference="Ward 5"))
    assert [r.home.name for r in Enquiry.objects.get(reference="Ward 5").referrals.all()] == ["Meanwood Home Care"]


def test_the_market_goes_to_the_best_placed_agencies_up_to_its_cap(client, team_coordinator, leeds):
    for n in range(27):
        _give(AgencyFactory(local_authority=leeds), 10 + n)
    client.force_login(team_coordinator)
    client.post("/enquiries/new-package/", package_form())
    hours = [r.home.capacity.hours_available for r in Enquiry.objects.get().referrals.select_related("home")]
    assert len(hours) == 25
    assert min(hours) == 12  # the two with fewest hours were left out


def test_a_team_sends_to_the_agencies_it_chose_in_find_home_care(client, team_coordinator, agencies):
    AgencyShortlistEntry.objects.create(user=team_coordinator, agency=agencies["meanwood"])
    client.force_login(team_coordinator)
    chosen = f"?agency={agencies['kirkstall'].pk}&agency={agencies['bradford'].pk}"
    page = client.get(f"/enquiries/new-package/{chosen}")
    for name in ["Kirkstall Home Care", "Bradford Home Care", "Meanwood Home Care"]:  # chosen, and shortlisted
        assert name in page.text
    assert "Headingley Home Care" not in page.text
    data = package_form(send_to="chosen", agencies=[agencies["kirkstall"].pk, agencies["meanwood"].pk])
    client.post(f"/enquiries/new-package/{chosen}", data)
    enquiry = Enquiry.objects.get()
    assert not enquiry.package.to_market
    assert sorted(r.home.name for r in enquiry.referrals.all()) == ["Kirkstall Home Care", "Meanwood Home Care"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hours_a_week": "-2"}, "hours_a_week", "Hours cannot be negative"),
        ({"hours_a_week": "169"}, "hours_a_week", "A week has 168 hours"),
        ({"hours_a_week": "10.3"}, "hours_a_week", "whole quarter-hours"),
        ({"hours_a_week": "10.125"}, "hours_a_week", "whole quarter-hours"),
        ({"hours_a_week": "0"}, "hours_a_week", "Enter the hours a week the package needs"),
        ({"needed_from": "2001-01-01"}, "needed_from", "The start date cannot be in the past"),
        ({"district": "ZZ99"}, "district", "ZZ99 is not a postcode district in England"),
        ({"district": "LS6 2"}, "district", "is not a postcode district in England"),
        ({"care_needs": f"NHS {NHS_NUMBER}, frame"}, "care_needs", "Remove the NHS number"),
        ({"care_needs": "DOB 12/03/1941"}, "care_needs", "could be a date of birth"),
        ({"reference": "Mrs Jane Smith"}, "reference", "Remove the name (Mrs Jane Smith)"),
        ({"contact": "Ask for Mr Patel re 943-476-5919"}, "contact", "Remove the NHS number"),
        ({"call_times": []}, "call_times", "Choose when the calls are"),
        ({"carers_per_call": "3"}, "carers_per_call", "Select a valid choice"),
        ({"funding": "fnc"}, "funding", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_by_the_field_and_nothing_is_sent(
    client, team_coordinator, agencies, changes, field, message
):
    client.force_login(team_coordinator)
    response = client.post("/enquiries/new-package/", package_form(**changes))
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in response.text
    assert not Enquiry.objects.exists()
    assert not Package.objects.exists()
    for name in ["reference", "care_needs", "contact"]:  # what was typed is still there
        if name not in changes:
            assert html.escape(package_form()[name]) in response.text, name


def test_a_request_to_more_agencies_than_allowed_is_refused(client, team_coordinator, leeds):
    many = [AgencyFactory(local_authority=leeds) for _ in range(11)]
    for agency in many:
        AgencyShortlistEntry.objects.create(user=team_coordinator, agency=agency)
    client.force_login(team_coordinator)
    response = client.post("/enquiries/new-package/", package_form(send_to="chosen", agencies=[a.pk for a in many]))
    assert response.status_code == 200
    assert 'id="id_agencies-error"' in response.text
    assert "Choose at most 10 agencies: you chose 11" in response.text
    none = client.post("/enquiries/new-package/", package_form(send_to="chosen"))
    assert "Choose at least one agency" in none.text
    # An agency neither chosen nor shortlisted (or a care home) is not one of the choices.
    stranger = client.post("/enquiries/new-package/", package_form(send_to="chosen", agencies=[999999]))
    assert "Select a valid choice" in stranger.text
    assert not Enquiry.objects.exists()


def test_a_market_with_no_capacity_says_so_by_the_choice(client, team_coordinator, agencies):
    client.force_login(team_coordinator)
    response = client.post("/enquiries/new-package/", package_form(district="LS7"))
    assert response.status_code == 200
    assert "No agency covering LS7 can take on new hours for this care now" in response.text
    assert not Enquiry.objects.exists()


def test_only_a_team_sends_package_requests(client, coordinator, council_admin, agencies):
    for person in (coordinator, council_admin):
        client.force_login(person)
        assert client.get("/enquiries/new-package/").status_code == 404
        assert client.post("/enquiries/new-package/", package_form()).status_code == 404
    assert not Enquiry.objects.exists()


# --- the agency answers -------------------------------------------------------------------


def test_the_agency_sees_it_in_its_inbox_and_offers(client, requested, agencies, htmx_headers):
    kirkstall = agencies["kirkstall"]
    client.force_login(staff_of(kirkstall))
    assert ">1<" in client.get("/inbox/count/").text
    inbox = client.get("/inbox/")
    assert "Home-care package, 10.5 hours a week in LS6, 3 calls a day, 1 carer" in inbox.text
    assert "<h1>Inbox: enquiries from discharge teams</h1>" in inbox.text  # not "to your homes": an agency's
    assert "<html" not in client.get("/inbox/", headers=htmx_headers).text
    referral = part_of(requested, kirkstall)
    page = client.get(f"/inbox/{referral.pk}/")
    assert "Package request from Leeds discharge hub" in page.text
    assert "Offer to take it on" in page.text
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    response = client.post(f"/inbox/{referral.pk}/", {"action": "offer", "start": soon(3), "hours": "10.5"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.offered_hours) == (Status.ACCEPTED, Decimal("10.5"))
    assert referral.offered_start == timezone.localdate() + datetime.timedelta(days=3)
    answered = client.get("/inbox/", {"show": "answered"}).text
    assert f"Offered {referral.offered_words}" in answered
    assert "Home-care package, 10.5 hours a week in LS6" in answered
    run_worker()
    assert mail.outbox[-1].to == ["hub@example.org"]
    assert "Kirkstall Home Care offers 10.5 hours a week from" in mail.outbox[-1].body
    assert AgencyCapacity.objects.get(agency=kirkstall).hours_available == 20  # only an accepted offer counts


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hours": "-1"}, "Hours cannot be negative"),
        ({"hours": "12"}, "The package is 10.5 hours a week: offer 10.5 or fewer"),
        ({"hours": "5.1"}, "whole quarter-hours"),
        ({"hours": "0"}, "Enter the hours a week you can cover"),
        ({"start": "2001-01-01"}, "The start date cannot be in the past"),
    ],
)
def test_a_bad_offer_is_refused_by_the_field(client, requested, agencies, values, message):
    referral = part_of(requested, agencies["kirkstall"])
    client.force_login(staff_of(agencies["kirkstall"]))
    response = client.post(f"/inbox/{referral.pk}/", {"action": "offer", "start": soon(), "hours": "5"} | values)
    assert response.status_code == 200
    assert message in response.text
    field = next(iter(values))
    assert f'id="id_{field}-error"' in response.text
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED
    assert referral.offered_hours is None


def test_an_offer_on_a_request_already_placed_is_refused_by_the_field(client, requested, agencies, team_coordinator):
    chosen = flows.offer(part_of(requested, agencies["headingley"]), None, start=timezone.localdate(), hours=10)
    flows.confirm_placement(requested, chosen, team_coordinator)
    late = part_of(requested, agencies["kirkstall"])
    client.force_login(staff_of(agencies["kirkstall"]))
    response = client.post(f"/inbox/{late.pk}/", {"action": "offer", "start": soon(), "hours": "5"})
    assert response.status_code == 409
    assert 'id="id_hours-error"' in response.text
    assert "already placed this package with another agency" in response.text
    late.refresh_from_db()
    assert late.status == Status.CANCELLED
    assert late.offered_hours is None
    assert AgencyCapacity.objects.get(agency=agencies["kirkstall"]).hours_available == 20


def test_the_agency_declines_with_a_coded_reason(client, requested, agencies, team_coordinator):
    referral = part_of(requested, agencies["meanwood"])
    client.force_login(staff_of(agencies["meanwood"]))
    page = client.get(f"/inbox/{referral.pk}/")
    assert "Cannot cover the call times" in page.text
    assert "No suitable vacancy" not in page.text
    bed_reason = client.post(f"/inbox/{referral.pk}/", {"action": "decline", "reason": "no_vacancy"})
    assert "Select a valid choice" in bed_reason.text
    client.post(f"/inbox/{referral.pk}/", {"action": "decline", "reason": "call_times", "note": "No lunch calls"})
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Status.REJECTED, "call_times")
    client.force_login(team_coordinator)
    assert "Declined: Cannot cover the call times" in client.get(f"/enquiries/{requested.pk}/").text


def test_an_agency_asks_a_question_and_the_team_answers(client, requested, agencies, team_coordinator):
    referral = part_of(requested, agencies["meanwood"])
    client.force_login(staff_of(agencies["meanwood"]))
    client.post(f"/inbox/{referral.pk}/", {"action": "message", "text": "Is there parking near the house?"})
    client.force_login(team_coordinator)
    assert "Is there parking near the house?" in client.get(f"/enquiries/{requested.pk}/").text
    client.post(f"/enquiries/{requested.pk}/message/", {"referral": referral.pk, "text": "Yes, on the street."})
    run_worker()
    assert any("Yes, on the street." in m.body for m in mail.outbox if m.to == ["meanwood@example.org"])


def test_another_agencys_staff_or_another_team_cannot_see_or_act(client, requested, agencies):
    referral = part_of(requested, agencies["kirkstall"])
    client.force_login(staff_of(agencies["bradford"]))
    assert client.get(f"/inbox/{referral.pk}/").status_code == 404
    assert client.post(f"/inbox/{referral.pk}/", {"action": "offer", "start": soon(), "hours": "5"}).status_code == 404
    other_team = Team.objects.create(name="Other hub", kind=Team.Kind.HOSPITAL)
    client.force_login(MembershipFactory(role=Role.COORDINATOR, team=other_team).user)
    assert client.get(f"/enquiries/{requested.pk}/").status_code == 404
    assert client.post(f"/enquiries/{requested.pk}/place/{referral.pk}/").status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.REQUESTED


def test_a_bed_answer_is_no_answer_to_a_package_nor_an_offer_to_a_bed(requested, agencies):
    with pytest.raises(flows.Refused, match="offers hours"):
        flows.accept(part_of(requested, agencies["kirkstall"]), None, category="nursing", hours=24)
    with pytest.raises(IntegrityError), transaction.atomic():  # an accepted part carries a hold or an offer
        Referral.objects.filter(pk=part_of(requested, agencies["kirkstall"]).pk).update(status=Status.ACCEPTED)


# --- the team accepts one offer -----------------------------------------------------------


def test_accepting_an_offer_takes_its_hours_off_the_capacity_and_tells_the_others(
    client, requested, agencies, team_coordinator, htmx_headers
):
    kirkstall, headingley = agencies["kirkstall"], agencies["headingley"]
    chosen = flows.offer(part_of(requested, kirkstall), staff_of(kirkstall), start=timezone.localdate(), hours=10)
    other = flows.offer(part_of(requested, headingley), None, start=timezone.localdate(), hours=Decimal("10.5"))
    client.force_login(team_coordinator)
    page = client.get(f"/enquiries/{requested.pk}/")
    assert page.text.count("Accept this offer") == 2
    assert "Offered 10 hours a week from" in page.text
    partial = client.get(f"/enquiries/{requested.pk}/", headers=htmx_headers)
    assert "<html" not in partial.text
    assert 'id="states"' in partial.text
    run_worker()
    mail.outbox.clear()
    response = client.post(f"/enquiries/{requested.pk}/place/{chosen.pk}/", follow=True)
    assert "offer accepted: the package is placed. The other agencies have been told." in response.text
    capacity = AgencyCapacity.objects.get(agency=kirkstall)
    assert capacity.hours_available == 10
    assert capacity.version == 2
    assert CoveredDistrict.objects.get(agency=kirkstall, district="LS6").hours_available == 5  # 15 - 10
    change = CapacityChange.objects.get(agency=kirkstall, kind=CapacityChange.Kind.PACKAGE)
    assert change.summary == (
        f"10 hours a week for Leeds discharge hub, enquiry {requested.pk}; new hours a week 20 hours → 10 hours; "
        "LS6 15 hours → 5 hours"
    )
    assert "Ward 4" not in change.summary  # the team's own reference stays with the team
    assert AgencyCapacity.objects.get(agency=headingley).hours_available == 30
    requested.refresh_from_db()
    assert requested.state == Enquiry.State.PLACED
    assert set(requested.referrals.values_list("status", flat=True)) == {Status.COMPLETED, Status.CANCELLED}
    other.refresh_from_db()
    assert other.status == Status.CANCELLED
    run_worker()
    told = {m.to[0]: m for m in mail.outbox}
    assert "accepted your offer" in told["kirkstall@example.org"].subject
    for name in ("headingley", "meanwood"):
        assert "placed its package request Ward 4 with another agency" in told[f"{name}@example.org"].body
    assert Notice.objects.filter(event="home withdrawn").count() == 2
    assert AuditEvent.objects.filter(action="package_placed").count() == 1
    agency_page = client.get(f"/agencies/{kirkstall.pk}/")
    assert "Package taken on" in agency_page.text
    again = client.post(f"/enquiries/{requested.pk}/place/{other.pk}/", follow=True)
    assert "already placed" in again.text
    assert AgencyCapacity.objects.get(agency=headingley).hours_available == 30


def test_an_accepted_offer_never_takes_capacity_below_none(requested, agencies, team_coordinator):
    meanwood = agencies["meanwood"]  # 10 hours, offers 10.5 (the agency knows its rota)
    chosen = flows.offer(part_of(requested, meanwood), None, start=timezone.localdate(), hours=Decimal("10.5"))
    flows.confirm_placement(requested, chosen, team_coordinator)
    assert AgencyCapacity.objects.get(agency=meanwood).hours_available == 0


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_accepting_two_offers_at_once_place_it_once(leeds):
    team = Team.objects.create(name="Hub", kind=Team.Kind.HOSPITAL)
    people = [MembershipFactory(role=Role.COORDINATOR, team=team).user for _ in range(2)]
    first, second = AgencyFactory(local_authority=leeds), AgencyFactory(local_authority=leeds)
    _give(first, 20)
    _give(second, 20)
    enquiry = send(team, people[0], [first, second])
    offers = [
        flows.offer(part_of(enquiry, agency), None, start=timezone.localdate(), hours=8) for agency in (first, second)
    ]
    barrier, outcomes = threading.Barrier(2), []

    def accept(person, referral):
        try:
            barrier.wait(5)
            flows.confirm_placement(enquiry, referral, person)
            outcomes.append("placed")
        except flows.Refused as refused:
            outcomes.append(str(refused))

    in_threads(accept, list(zip(people, offers, strict=True)))
    assert len(outcomes) == 2
    assert outcomes.count("placed") == 1
    refused = next(outcome for outcome in outcomes if outcome != "placed")
    assert "already placed: someone accepted another offer meanwhile" in refused
    assert Referral.objects.filter(status=Status.COMPLETED).count() == 1
    hours = sorted(AgencyCapacity.objects.values_list("hours_available", flat=True))
    assert hours == [12, 20]  # 8 hours taken once, from one agency
    assert CapacityChange.objects.filter(kind=CapacityChange.Kind.PACKAGE).count() == 1


def test_withdrawing_a_package_request_tells_the_agencies(client, requested, agencies, team_coordinator):
    client.force_login(team_coordinator)
    response = client.post(f"/enquiries/{requested.pk}/withdraw/", follow=True)
    assert response.status_code == 200
    run_worker()
    assert len([m for m in mail.outbox if "withdrawn its package request" in m.body]) == 3
    assert AgencyCapacity.objects.get(agency=agencies["kirkstall"]).hours_available == 20


def test_the_team_lists_package_requests_with_bed_enquiries(client, requested, agencies, team_coordinator):
    flows.decline(part_of(requested, agencies["meanwood"]), None, reason="no_hours", note="")
    client.force_login(team_coordinator)
    page = client.get("/enquiries/")
    assert "Home-care package · 10.5 hours a week in LS6" in page.text
    assert "Declined: No hours free in the area" in page.text


def test_find_home_care_and_the_shortlist_lead_a_team_to_a_request(client, team_coordinator, coordinator, agencies):
    client.force_login(team_coordinator)
    found = client.get("/find-home-care/", {"postcode": "LS6 2AD", "hours": "10"})
    assert 'href="/enquiries/new-package/?postcode=LS6+2AD&amp;hours=10"' in found.text
    assert "/enquiries/new-package/" not in client.get("/find-home-care/shortlist/").text  # nothing on it
    AgencyShortlistEntry.objects.create(user=team_coordinator, agency=agencies["meanwood"])
    assert "Send a package request to these agencies" in client.get("/find-home-care/shortlist/").text
    client.force_login(coordinator)  # in no team: sends nothing, so is not led to
    assert "/enquiries/new-package/" not in client.get("/find-home-care/", {"postcode": "LS6"}).text


# --- the council's figures ----------------------------------------------------------------


@pytest.fixture
def placed_and_withdrawn(requested, agencies, team, team_coordinator):
    """This week: 10.5 hours asked, 10 offered and placed with Kirkstall (Headingley declined:
    call times); 5 hours asked again and withdrawn unmet."""
    chosen = flows.offer(part_of(requested, agencies["kirkstall"]), None, start=timezone.localdate(), hours=10)
    flows.decline(part_of(requested, agencies["headingley"]), None, reason="call_times", note="")
    flows.confirm_placement(requested, chosen, team_coordinator)
    again = send(team, team_coordinator, [agencies["meanwood"]], hours_a_week=Decimal(5))
    flows.withdraw(again, team_coordinator)
    return requested, again


def test_the_council_sees_hours_requested_offered_placed_and_unmet(
    client, council_admin, placed_and_withdrawn, agencies, django_assert_max_num_queries
):
    AgencyCapacity.objects.filter(agency=agencies["meanwood"]).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(council_admin)
    client.get("/area/home-care/")  # the session's first request reads more (two-factor, roles)
    with django_assert_max_num_queries(12):
        page = client.get("/area/home-care/")
    assert page.status_code == 200
    text = page.text
    assert "Home care in Leeds" in text
    week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for row in client.get("/area/home-care/weeks.csv").getvalue().decode("utf-8-sig").splitlines()[1:]:
        assert row == f"{week.isoformat()},LS6,Leeds,2,15.5,10,10,5.5"
    assert "Cannot cover the call times" in text
    declines = client.get("/area/home-care/declines.csv").getvalue().decode("utf-8-sig").splitlines()
    assert declines == ["Reason,Declines", "Cannot cover the call times,1"]
    # Spare hours in LS6 now: Kirkstall 15 - 10 placed, Headingley 30, Meanwood 10, Full Up 0. Not Bradford's BD9.
    spare = client.get("/area/home-care/spare.csv").getvalue().decode("utf-8-sig").splitlines()
    assert spare == ["Postcode district,Council,Agencies covering it,With hours to take on,Spare hours a week,"
                     "Updated in the last day", "LS6,Leeds,4,3,45,3"]  # fmt: skip
    # Meanwood's capacity is three days old: listed, and chased with the homes' reminder.
    assert "Meanwood Home Care" in text.split("Agencies not updated in the last day")[-1]
    stale = client.get("/area/home-care/stale.csv").getvalue().decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in stale] == ["Agency", "Meanwood Home Care"]
    reminded = client.post(f"/agencies/{agencies['meanwood'].pk}/remind/", {"next": "/area/home-care/?days=30"})
    assert reminded.url == "/area/home-care/?days=30"
    assert "Reminded today" in client.get("/area/home-care/").text
    assert mail.outbox[-1].to == ["meanwood@example.org"]


def test_the_median_time_from_request_to_the_offer_accepted(client, council_admin, placed_and_withdrawn):
    requested, _ = placed_and_withdrawn
    requested.refresh_from_db()
    Enquiry.objects.filter(pk=requested.pk).update(created_at=requested.closed_at - datetime.timedelta(hours=26))
    client.force_login(council_admin)
    assert "26.0 hours" in client.get("/area/home-care/").text


def test_home_care_figures_are_each_councils_own(
    client, other_council_admin, coordinator, team_coordinator, placed_and_withdrawn
):
    client.force_login(other_council_admin)
    page = client.get("/area/home-care/")
    assert "Home care in Bradford" in page.text
    assert "No package requests for this area in this period" in page.text
    assert client.get("/area/home-care/weeks.csv").getvalue().decode("utf-8-sig").splitlines()[1:] == []
    assert client.get("/area/home-care/", {"area": "E08000035"}).status_code == 404  # Leeds: not theirs
    assert client.get("/area/home-care/nothing.csv").status_code == 404
    for person in (coordinator, team_coordinator):
        client.force_login(person)
        assert client.get("/area/home-care/").status_code == 404
        assert client.get("/area/home-care/weeks.csv").status_code == 404


def test_bed_enquiry_figures_leave_package_requests_out(client, council_admin, placed_and_withdrawn):
    client.force_login(council_admin)
    assert "No enquiries to homes in this area in this period" in client.get("/area/enquiries/").text


def test_the_benchmark_takes_away_only_what_its_sending_journeys_sent(
    team, team_coordinator, agencies, django_capture_on_commit_callbacks
):
    """bench/sends.py: after a run, the enquiries and package requests its sending journeys made
    (its coordinator's, referenced "Bench n") go, with their referrals, packages, notices and
    queued notice tasks; another person's, or the same person's own, stay."""
    from django_tasks_db.models import DBTaskResult

    from bench.sends import SENT_BY_BENCH, forget_sends

    colleague = MembershipFactory(role=Role.COORDINATOR, team=team, user__email="dc2@example.org").user
    chosen = [agencies["kirkstall"], agencies["headingley"]]

    def sent(by, reference):
        details = {"reference": reference, "needed_from": timezone.localdate(), "funding": "council",
                   "care_needs": "Frame", "contact": "Hub"}  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):  # the notice task is queued as the send commits
            return flows.send(team, by, chosen, package=package_details(), **details)

    bench = [sent(team_coordinator, f"{SENT_BY_BENCH}{n}") for n in range(2)]
    own, theirs = sent(team_coordinator, "Ward 4"), sent(colleague, f"{SENT_BY_BENCH}9")
    assert Notice.objects.count() == 8
    assert DBTaskResult.objects.filter(task_path="enquiries.notices.send_notices", status="READY").count() == 4
    assert forget_sends(team_coordinator.email) == 2
    assert set(Enquiry.objects.values_list("pk", flat=True)) == {own.pk, theirs.pk}
    assert not Referral.objects.filter(enquiry__in=bench).exists()
    assert not Package.objects.filter(enquiry__in=bench).exists()
    assert Notice.objects.count() == 4
    assert DBTaskResult.objects.filter(task_path="enquiries.notices.send_notices", status="READY").count() == 2
    assert forget_sends(team_coordinator.email) == 0
