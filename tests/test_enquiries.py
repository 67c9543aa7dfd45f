"""From found to placed (issue 13): discharge teams, enquiries to several homes, answers
with reasons, held beds that count in search and end by themselves, placements."""

import datetime
import html
import re
import threading

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Invitation, Membership, Role, Team
from enquiries import flows, inbox_rows
from enquiries.models import Enquiry, Message, Notice, Referral, Status
from registers.choices import HomeStatus
from registers.models import CareHome
from tests.factories import CareHomeFactory, MembershipFactory, local_authority
from tests.test_homes_import import run_worker
from tests.threads import in_threads
from tests.vacancy_helpers import give_figures
from vacancies.models import BedHold, CategoryVacancy, SearchEntry, VacancyChange, VacancyUpdate

pytestmark = pytest.mark.django_db
NHS_NUMBER = "943 476 5919"  # a valid test number (passes modulus 11)


@pytest.fixture(autouse=True)
def _emails_queued_at_once(monkeypatch):
    """A test runs in one transaction that never commits: what waits for the commit (the
    emails' tasks) is queued at once, and run_worker() sends them."""
    monkeypatch.setattr("enquiries.notices.transaction.on_commit", lambda callback, **kwargs: callback())


@pytest.fixture
def homes(home, other_home, home_staff, other_home_staff):
    """Home A (3 nursing beds free) and home B (1), each with its staff."""
    give_figures(home, home_staff, nursing={"vacant_accepting": 3})
    give_figures(other_home, other_home_staff, nursing={"vacant_accepting": 1})
    return home, other_home


def details(**changes) -> dict:
    data = {
        "reference": "Ward 12 bay 3", "category": "nursing", "sex": "female", "age_band": "85+",
        "funding": "council", "pathway": "3", "needed_from": timezone.localdate().isoformat(),
        "care_needs": "Needs two carers to transfer; mild dementia.", "contact": "Hub 0113 496 0123",
    }  # fmt: skip
    return data | changes


def send_by_form(client, homes, **changes):
    data = details(**changes) | {"homes": [home.pk for home in homes]}
    query = "&".join(f"home={home.pk}" for home in homes)
    return client.post(f"/enquiries/new/?{query}", data)


@pytest.fixture
def sent(team, team_coordinator, homes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = flows.send(team, team_coordinator, list(homes), **_model_details())
    run_worker()
    return enquiry


def _model_details() -> dict:
    data = details()
    data["needed_from"] = timezone.localdate()
    return data


def referral_to(enquiry, home) -> Referral:
    return Referral.objects.get(enquiry=enquiry, home=home)


def unheld(home, category="nursing") -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vacancies_unheld(beds, holds) FROM vacancies_searchentry WHERE home_id = %s AND category = %s",
            [home.pk, category],
        )
        return cursor.fetchone()[0]


# --- teams --------------------------------------------------------------------------------


def test_a_service_admin_sets_up_a_hospital_team_and_invites_its_lead(client, service_admin):
    client.force_login(service_admin)
    data = {"name": "York hub", "kind": "hospital", "organisation": "York Trust", "reply_within_hours": "4"}
    response = client.post("/teams/", data)
    team = Team.objects.get(name="York hub")
    assert response.url == f"/teams/{team.pk}/"
    client.post(f"/teams/{team.pk}/", {"action": "invite", "full_name": "Lee Lead", "email": "Lee@Example.org",
                                      "lead": "on"})  # fmt: skip
    invitation = Invitation.objects.get(email="lee@example.org")
    assert (invitation.role, invitation.team) == (Role.TEAM_LEAD, team)
    assert "invited" in mail.outbox[-1].subject.lower()


def test_a_teams_people_are_listed_each_with_a_remove_button(client, team, team_lead, team_coordinator):
    client.force_login(team_lead)
    team_coordinator.is_active = False
    team_coordinator.save()
    page = client.get(f"/teams/{team.pk}/").text
    member = Membership.objects.get(user=team_coordinator, team=team)
    assert "dc@example.org, Discharge coordinator (account deactivated)" in page
    assert f'action="/teams/{team.pk}/members/{member.pk}/remove/"' in page
    assert '<span class="nhsuk-u-visually-hidden"> dc@example.org from the team</span>' in page


def test_a_council_admin_sets_up_only_their_councils_brokerage_team(client, council_admin, leeds, bradford):
    client.force_login(council_admin)
    refused = client.post("/teams/", {"name": "B", "local_authority": bradford.pk, "reply_within_hours": "4"})
    assert "Select a valid choice" in refused.text
    assert not Team.objects.exists()
    client.post("/teams/", {"name": "Leeds brokerage", "local_authority": leeds.pk, "reply_within_hours": "6"})
    team = Team.objects.get()
    assert (team.kind, team.local_authority, team.reply_within_hours) == (Team.Kind.BROKERAGE, leeds, 6)


def test_a_brokerage_team_needs_its_council(client, service_admin):
    client.force_login(service_admin)
    response = client.post("/teams/", {"name": "X", "kind": "brokerage", "reply_within_hours": "4"})
    assert "Choose the council a brokerage team works for" in response.text
    assert not Team.objects.exists()


@pytest.mark.parametrize("hours", ["0", "73", "many"])
def test_reply_within_must_be_1_to_72_hours(client, team, team_lead, hours):
    client.force_login(team_lead)
    response = client.post(f"/teams/{team.pk}/", {"action": "settings", "team-name": team.name,
                                                 "team-reply_within_hours": hours})  # fmt: skip
    assert 'id="id_team-reply_within_hours-error"' in response.text
    team.refresh_from_db()
    assert team.reply_within_hours == 4


def test_a_lead_invites_a_coordinator_who_joins_the_team(client, team, team_lead):
    client.force_login(team_lead)
    client.post(f"/teams/{team.pk}/", {"action": "invite", "full_name": "Cam Coord", "email": "cam@example.org"})
    invitation = Invitation.objects.get(email="cam@example.org")
    token = mail.outbox[-1].body.split("/invitations/accept/")[1].split("/")[0]
    client.logout()
    client.post(f"/invitations/accept/{token}/", {"full_name": "Cam Coord", "password1": "a-long-passphrase-1",
                                                 "password2": "a-long-passphrase-1"})  # fmt: skip
    membership = Membership.objects.get(user__email="cam@example.org")
    assert (membership.role, membership.team) == (Role.COORDINATOR, team)
    invitation.refresh_from_db()
    assert invitation.accepted_at


def test_a_lead_removes_a_member(client, team, team_lead, team_coordinator):
    client.force_login(team_lead)
    membership = Membership.objects.get(user=team_coordinator, team=team)
    client.post(f"/teams/{team.pk}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("role", ["team_coordinator", "home_staff", "coordinator", "other_council_admin"])
def test_others_cannot_run_a_team(client, request, team, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/teams/{team.pk}/").status_code == 404


# --- sending ------------------------------------------------------------------------------


def test_a_team_coordinator_sends_an_enquiry_to_several_homes(
    client, team_coordinator, homes, django_capture_on_commit_callbacks
):
    client.force_login(team_coordinator)
    page = client.get(f"/enquiries/new/?home={homes[0].pk}&home={homes[1].pk}")
    assert page.status_code == 200
    assert "Nothing that identifies the patient" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = send_by_form(client, homes)
    enquiry = Enquiry.objects.get()
    assert response.url == f"/enquiries/{enquiry.pk}/"
    assert enquiry.referrals.count() == 2
    assert enquiry.reply_by - enquiry.created_at == datetime.timedelta(hours=4)
    run_worker()
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["manager@example.org", "other.manager@example.org"]
    assert "Needs two carers" in mail.outbox[0].body
    assert Notice.objects.filter(sent_at__isnull=False).count() == 2


def test_a_coordinator_without_a_team_cannot_send(client, coordinator, homes):
    client.force_login(coordinator)
    assert client.get("/enquiries/new/").status_code == 404
    assert send_by_form(client, homes).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"care_needs": f"NHS no {NHS_NUMBER}, hoist"}, "care_needs", "Remove the NHS number"),
        ({"reference": "9434765919"}, "reference", "Remove the NHS number"),
        ({"care_needs": "DOB 12/03/1941"}, "care_needs", "could be a date of birth"),
        ({"care_needs": "born 3 March 1940"}, "care_needs", "could be a date of birth"),
        # Issue 24: each of these was sent on main.
        ({"care_needs": "NHS 9434 765 919, hoist"}, "care_needs", "Remove the NHS number (9434 765 919)"),
        ({"reference": "943/476/5919"}, "reference", "Remove the NHS number (943/476/5919)"),
        ({"care_needs": "Born March 12, 1948"}, "care_needs", "Remove the date (March 12, 1948)"),
        ({"care_needs": "since the 12th of March 1948"}, "care_needs", "Remove the date (12th of March 1948)"),
        ({"reference": "Mrs Jane Smith"}, "reference", "Remove the name (Mrs Jane Smith)"),
        ({"contact": "Ask for Mr Patel re 943-476-5919"}, "contact", "Remove the NHS number"),
        ({"needed_from": "2001-01-01"}, "needed_from", "today or later"),
        ({"category": "spa"}, "category", "Select a valid choice"),
        ({"age_band": ""}, "age_band", "This field is required"),
    ],
)
def test_bad_input_is_refused_by_the_field_and_nothing_is_sent(
    client, team_coordinator, homes, changes, field, message
):
    client.force_login(team_coordinator)
    response = send_by_form(client, homes, **changes)
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in response.text
    assert not Enquiry.objects.exists()
    # Everything else the coordinator typed is still there.
    for name, value in details().items():
        if name not in changes and name != "needed_from":
            assert html.escape(value) in response.text, name


def test_an_enquiry_goes_to_ten_homes_at_most_and_to_active_homes_only(client, team_coordinator, provider):
    client.force_login(team_coordinator)
    many = [CareHomeFactory(provider=provider) for _ in range(11)]
    response = send_by_form(client, many)
    assert "Choose at most 10 homes" in response.text
    archived = CareHomeFactory(provider=provider, status="archived")
    response = send_by_form(client, [archived])
    assert "Select a valid choice" in response.text
    assert not Enquiry.objects.exists()


# --- the home answers -----------------------------------------------------------------------


def test_the_home_sees_it_in_its_inbox_and_opening_it_marks_it_seen(client, sent, homes, home_staff, htmx_headers):
    client.force_login(home_staff)
    count = client.get("/inbox/count/")
    assert ">1<" in count.text
    inbox = client.get("/inbox/")
    assert "Leeds discharge hub" in inbox.text
    assert homes[1].name not in inbox.text  # another home's part
    assert "<html" not in client.get("/inbox/", headers=htmx_headers).text
    referral = referral_to(sent, homes[0])
    page = client.get(f"/inbox/{referral.pk}/")
    assert "Needs two carers" in page.text
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_the_home_accepts_and_holds_a_bed_which_search_stops_offering(client, sent, homes, home_staff):
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    assert unheld(homes[0]) == 3
    response = client.post(f"/inbox/{referral.pk}/", {"action": "accept", "category": "nursing", "hours": "24"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.hold.held_until - referral.hold.created_at == datetime.timedelta(hours=24)
    assert unheld(homes[0]) == 2
    assert SearchEntry.objects.get(home=homes[0], category="").holds == [referral.hold.held_until]
    assert VacancyUpdate.objects.filter(home=homes[0], kind=VacancyUpdate.Kind.HOLD).exists()
    run_worker()
    assert any("accepted" in message.subject for message in mail.outbox if message.to == ["hub@example.org"])


def test_accepting_twice_or_after_withdrawal_changes_nothing(client, sent, homes, home_staff, team_coordinator):
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    answer = {"action": "accept", "category": "nursing", "hours": "24"}
    client.post(f"/inbox/{referral.pk}/", answer)
    again = client.post(f"/inbox/{referral.pk}/", answer, follow=True)
    assert "already been answered" in again.text
    assert BedHold.objects.count() == 1
    other = referral_to(sent, homes[1])
    flows.withdraw(sent, team_coordinator)
    client.force_login(Membership.objects.get(home=homes[1]).user)
    late = client.post(f"/inbox/{other.pk}/", answer, follow=True)
    assert "withdrawn this enquiry" in late.text
    other.refresh_from_db()
    assert other.status == Status.CANCELLED


def test_holding_beyond_72_hours_is_refused(client, sent, homes, home_staff):
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    response = client.post(f"/inbox/{referral.pk}/", {"action": "accept", "category": "nursing", "hours": "96"})
    assert 'id="id_hours-error"' in response.text
    assert not BedHold.objects.exists()
    now = timezone.now()
    too_long = BedHold(home=homes[0], category="nursing", created_at=now, held_until=now + datetime.timedelta(hours=73))
    with pytest.raises(IntegrityError), transaction.atomic():
        too_long.save()


def test_the_home_declines_with_a_reason(client, sent, homes, home_staff):
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    missing = client.post(f"/inbox/{referral.pk}/", {"action": "decline", "reason": "other", "note": ""})
    assert "Say why, when the reason is Other" in missing.text
    client.post(f"/inbox/{referral.pk}/", {"action": "decline", "reason": "staffing", "note": "Agency cover only"})
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Status.REJECTED, "staffing")
    run_worker()
    assert any("declined" in message.subject for message in mail.outbox)


def test_another_homes_staff_cannot_see_or_answer(client, sent, homes, other_home_staff):
    client.force_login(other_home_staff)
    referral = referral_to(sent, homes[0])
    assert client.get(f"/inbox/{referral.pk}/").status_code == 404
    assert client.post(f"/inbox/{referral.pk}/", {"action": "decline", "reason": "funding"}).status_code == 404


def test_a_question_and_its_answer(client, sent, homes, home_staff, team_coordinator):
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    client.post(f"/inbox/{referral.pk}/", {"action": "message", "text": "Is a hoist needed at night?"})
    client.force_login(team_coordinator)
    page = client.get(f"/enquiries/{sent.pk}/")
    assert "Is a hoist needed at night?" in page.text
    client.post(f"/enquiries/{sent.pk}/message/", {"referral": referral.pk, "text": "Yes, two-person."})
    assert list(Message.objects.values_list("from_home", "text")) == [
        (True, "Is a hoist needed at night?"), (False, "Yes, two-person."),
    ]  # fmt: skip
    refused = client.post(f"/enquiries/{sent.pk}/message/", {"referral": referral.pk, "text": f"id {NHS_NUMBER}"})
    assert "Remove the NHS number" in refused.text
    assert Message.objects.count() == 2


# --- the team follows and places ----------------------------------------------------------------


def test_the_team_sees_each_homes_state(client, sent, homes, home_staff, team_coordinator, htmx_headers):
    flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=24)
    flows.decline(referral_to(sent, homes[1]), None, reason="funding", note="")
    client.force_login(team_coordinator)
    page = client.get("/enquiries/")
    assert "Bed held until" in page.text
    assert "Declined: Funding" in page.text
    partial = client.get(f"/enquiries/{sent.pk}/", headers=htmx_headers)
    assert "<html" not in partial.text
    assert 'id="states"' in partial.text


def test_confirming_a_placement_fills_the_bed_and_withdraws_the_others(
    client, team, sent, homes, home_staff, other_home_staff, team_coordinator, provider
):
    third = CareHomeFactory(provider=provider)
    give_figures(third, None, nursing={"vacant_accepting": 2})
    Referral.objects.create(enquiry=sent, home=third)
    chosen = flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=24)
    other = flows.accept(referral_to(sent, homes[1]), other_home_staff, category="nursing", hours=24)
    assert unheld(homes[1]) == 0
    before = CategoryVacancy.objects.get(home=homes[0], category="nursing")
    client.force_login(team_coordinator)
    response = client.post(f"/enquiries/{sent.pk}/place/{chosen.pk}/", follow=True)
    assert f"Placement at {homes[0].name} confirmed" in response.text
    after = CategoryVacancy.objects.get(home=homes[0], category="nursing")
    assert (after.occupied, after.vacant_accepting) == (before.occupied + 1, before.vacant_accepting - 1)
    assert unheld(homes[0]) == 2  # 3 - 1 placed, and no bed held
    assert unheld(homes[1]) == 1  # its hold released
    update = VacancyUpdate.objects.get(home=homes[0], kind=VacancyUpdate.Kind.PLACEMENT)
    assert {c.field for c in update.changes.all()} == {"occupied", "vacant_accepting", "held"}
    sent.refresh_from_db()
    assert sent.state == Enquiry.State.PLACED
    assert set(sent.referrals.values_list("status", flat=True)) == {Status.COMPLETED, Status.CANCELLED}
    other.hold.refresh_from_db()
    assert other.hold.outcome == BedHold.Outcome.RELEASED
    again = client.post(f"/enquiries/{sent.pk}/place/{other.pk}/", follow=True)
    assert "already placed" in again.text


def test_a_hold_left_alone_ends_by_itself_and_the_sweep_tells_the_team(
    client, sent, homes, home_staff, team_coordinator
):
    referral = flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=4)
    assert unheld(homes[0]) == 2
    # The hold's time passes (the database compares with its own clock).
    past = timezone.now() - datetime.timedelta(hours=5)
    BedHold.objects.filter(pk=referral.hold.pk).update(created_at=past, held_until=past + datetime.timedelta(hours=4))
    assert unheld(homes[0]) == 3  # offered again, before any sweep
    client.force_login(team_coordinator)
    assert "Hold ended" in client.get(f"/enquiries/{sent.pk}/").text
    refused = client.post(f"/enquiries/{sent.pk}/place/{referral.pk}/", follow=True)
    assert "the hold has ended" in refused.text
    assert flows.end_lapsed_holds() == 1
    assert flows.end_lapsed_holds() == 0
    referral.hold.refresh_from_db()
    assert referral.hold.outcome == BedHold.Outcome.EXPIRED
    run_worker()
    assert any("no longer held" in message.subject for message in mail.outbox)


def test_withdrawing_frees_held_beds_and_tells_the_homes(client, sent, homes, home_staff, team_coordinator):
    flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=24)
    run_worker()
    mail.outbox.clear()
    client.force_login(team_coordinator)
    client.post(f"/enquiries/{sent.pk}/withdraw/")
    assert unheld(homes[0]) == 3
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@example.org", "other.manager@example.org"]
    assert client.post(f"/enquiries/{sent.pk}/withdraw/", follow=True).status_code == 200
    assert Notice.objects.filter(event="home withdrawn").count() == 2  # at most one email each


def test_another_team_cannot_see_or_act_on_an_enquiry(client, sent, homes):
    other_team = Team.objects.create(name="Other hub", kind=Team.Kind.HOSPITAL)
    outsider = MembershipFactory(role=Role.COORDINATOR, team=other_team).user
    client.force_login(outsider)
    assert client.get(f"/enquiries/{sent.pk}/").status_code == 404
    assert client.post(f"/enquiries/{sent.pk}/withdraw/").status_code == 404
    assert client.post(f"/enquiries/{sent.pk}/place/{referral_to(sent, homes[0]).pk}/").status_code == 404


def test_the_database_refuses_a_transition_the_flows_would_not_make(sent, homes, team_coordinator):
    referral = referral_to(sent, homes[0])
    flows.decline(referral, None, reason="funding", note="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(status=Status.REQUESTED)
    flows.withdraw(sent, team_coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.filter(pk=sent.pk).update(state=Enquiry.State.OPEN, closed_at=None)


@pytest.mark.parametrize("state", [Enquiry.State.WITHDRAWN, Enquiry.State.PLACED])
def test_the_database_closes_an_enquiry_only_once_no_home_is_still_asked(sent, homes, state):
    """Closed by hand (the admin, psql) with a home still waiting to answer: refused, so the
    inbox's "waiting" never shows a closed enquiry's part."""
    flows.decline(referral_to(sent, homes[0]), None, reason="funding", note="")
    with pytest.raises(IntegrityError, match="still in play"), transaction.atomic():
        Enquiry.objects.filter(pk=sent.pk).update(state=state, closed_at=timezone.now())
    Referral.objects.filter(enquiry=sent, home=homes[1]).update(status=Status.CANCELLED, closed_at=timezone.now())
    Enquiry.objects.filter(pk=sent.pk).update(state=state, closed_at=timezone.now())
    with pytest.raises(IntegrityError, match="only in an open enquiry"), transaction.atomic():
        Referral.objects.create(enquiry=sent, home=CareHomeFactory())
    Referral.objects.create(enquiry=sent, home=CareHomeFactory(), status=Status.CANCELLED)  # ended: allowed


def test_search_cards_and_the_home_page_show_held_beds(client, sent, homes, home_staff, team_coordinator):
    flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=24)
    client.force_login(team_coordinator)
    results = client.get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing", "min_beds": "3"}).text
    assert homes[0].name not in results  # only 2 of its 3 beds are free of holds
    results = client.get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing"}).text
    assert "1 held for a discharge team" in results
    assert "1 held until" in client.get(f"/homes/{homes[0].pk}/").text


@pytest.mark.django_db(transaction=True)
def test_two_teams_can_never_hold_the_same_last_bed():
    home = CareHomeFactory(local_authority=local_authority("E08000035"))
    give_figures(home, nursing={"vacant_accepting": 1})
    teams = [Team.objects.create(name=f"Hub {n}", kind=Team.Kind.HOSPITAL) for n in range(2)]
    enquiries = [flows.send(team, None, [home], **_model_details()) for team in teams]
    referrals = [Referral.objects.get(enquiry=enquiry) for enquiry in enquiries]
    barrier, outcomes = threading.Barrier(2), []

    def answer(referral):
        try:
            barrier.wait(5)
            flows.accept(referral, None, category="nursing", hours=24)
            outcomes.append("held")
        except flows.Refused as refused:
            outcomes.append(str(refused))

    in_threads(answer, [(referral,) for referral in referrals])
    assert len(outcomes) == 2
    assert outcomes.count("held") == 1
    assert any("No nursing bed is free to hold" in outcome for outcome in outcomes)
    assert BedHold.objects.count() == 1
    assert Referral.objects.filter(status=Status.ACCEPTED).count() == 1


# --- the council's view -----------------------------------------------------------------------


def test_the_council_sees_enquiry_figures_for_its_area(client, council_admin, sent, homes, home_staff):
    flows.accept(referral_to(sent, homes[0]), home_staff, category="nursing", hours=24)
    client.force_login(council_admin)
    page = client.get("/area/enquiries/")
    assert page.status_code == 200
    assert "Enquiries received" in page.text
    assert homes[0].name in page.text
    assert homes[1].name not in page.text  # Bradford's
    csv = b"".join(client.get("/area/enquiries.csv").streaming_content).decode()
    assert f"{homes[0].name},{homes[0].cqc_location_id},1,1," in csv


@pytest.mark.parametrize("role", ["team_coordinator", "home_staff", "coordinator"])
def test_enquiry_figures_are_for_councils(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/area/enquiries/").status_code == 404


def test_the_inbox_page_costs_a_bounded_number_of_queries(
    client, team, team_coordinator, homes, home_staff, django_assert_max_num_queries
):
    for n in range(30):
        flows.send(team, team_coordinator, [homes[0]], **(_model_details() | {"reference": f"Bay {n}"}))
    client.force_login(home_staff)
    client.get("/")
    # The session, the person, their roles, the page's ids with their total, those rows with what they show.
    with django_assert_max_num_queries(5):
        response = client.get("/inbox/")
    assert response.status_code == 200
    first = [int(pk) for pk in re.findall(r'href="/inbox/(\d+)/"', response.text)]
    assert len(first) == 25  # the first page of 30
    assert "Page 2 of 2" in response.text
    second = [int(pk) for pk in re.findall(r'href="/inbox/(\d+)/"', client.get("/inbox/?page=2").text)]
    sent = list(Referral.objects.filter(home=homes[0]).order_by("-sent_at", "-pk").values_list("pk", flat=True))
    assert first + second == sent  # newest first, page after page, none twice


def test_the_migration_allows_the_transitions_the_code_names():
    import importlib

    from enquiries.models import TRANSITIONS

    migration = importlib.import_module("enquiries.migrations.0002_transitions")
    assert sorted(migration.TRANSITIONS) == sorted((old.value, new.value) for old, new in TRANSITIONS)


def test_the_inbox_and_the_teams_list_go_on_to_page_two(client, team, team_coordinator, homes, home_staff):
    for n in range(26):
        flows.send(team, team_coordinator, [homes[0]], **(_model_details() | {"reference": f"Ward {n}"}))
    client.force_login(home_staff)
    first = client.get("/inbox/", {"show": "waiting"})
    assert len(re.findall(r'href="/inbox/\d+/"', first.text)) == 25
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', first.text).group(1).replace("&amp;", "&")
    assert "show=waiting" in next_link
    second = client.get(f"/inbox/{next_link}")
    assert len(re.findall(r'href="/inbox/\d+/"', second.text)) == 1
    client.force_login(team_coordinator)
    listed = client.get("/enquiries/")
    assert len(re.findall(r'class="nhsuk-card__link" href="/enquiries/\d+/"', listed.text)) == 25
    next_link = re.search(r'href="([^"]*page=2[^"]*)"', listed.text).group(1).replace("&amp;", "&")
    last = client.get(f"/enquiries/{next_link}")
    assert len(re.findall(r'class="nhsuk-card__link" href="/enquiries/\d+/"', last.text)) == 1


# --- the team's reference stays with the team (issue 24) -----------------------------------


def test_the_teams_reference_never_reaches_the_homes_history_the_councils_csv_or_the_audit_trail(
    client, sent, homes, home_staff, team_coordinator, council_admin
):
    reference = sent.reference
    client.force_login(home_staff)
    referral = referral_to(sent, homes[0])
    client.post(f"/inbox/{referral.pk}/", {"action": "accept", "category": "nursing", "hours": "24"})
    flows.confirm_placement(sent, referral_to(sent, homes[0]), team_coordinator)
    changes = VacancyChange.objects.filter(update__home=homes[0])
    assert changes.filter(field="held").exists()
    for change in changes:
        assert reference not in change.old_value
        assert reference not in change.new_value
    assert f"{sent.team.name}, enquiry {sent.pk}" in {change.new_value.split(" until ")[0] for change in changes}
    client.force_login(council_admin)
    today = timezone.localdate().isoformat()
    csv_text = b"".join(client.get(f"/area/history.csv?start={today}&end={today}").streaming_content).decode()
    assert f"enquiry {sent.pk}" in csv_text
    assert reference not in csv_text
    events = AuditEvent.objects.filter(action__in=["enquiry_sent", "placement_confirmed"])
    assert events.count() == 2
    assert not [event for event in AuditEvent.objects.all() if reference in event.target + event.detail]


def test_records_made_before_name_enquiries_by_number_after_the_upgrade(sent, homes, home_staff):
    """Migration enquiries 0003 rewrites what earlier versions wrote with the reference."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from vacancies.holds import hold_bed

    by_reference = f"{sent.team.name}, enquiry {sent.reference}"
    hold = hold_bed(homes[0], "nursing", hours=24, user=home_staff, held_for=by_reference)
    referral = referral_to(sent, homes[0])
    Referral.objects.filter(pk=referral.pk).update(status=Status.ACCEPTED, hold=hold)
    AuditEvent.objects.create(action="enquiry_sent", target=f"{sent.team.name} {sent.reference}")
    assert VacancyChange.objects.filter(new_value__contains=sent.reference).exists()

    migration = importlib.import_module("enquiries.migrations.0003_reference_stays_with_the_team")
    migration.name_by_number(apps, type("Editor", (), {"connection": connection})())

    by_number = f"{sent.team.name}, enquiry {sent.pk}"
    assert not VacancyChange.objects.filter(new_value__contains=sent.reference).exists()
    assert VacancyChange.objects.filter(new_value__startswith=by_number).exists()
    hold.refresh_from_db()
    assert hold.held_for == by_number
    assert AuditEvent.objects.filter(action="enquiry_sent", target=by_number).exists()
    assert not AuditEvent.objects.filter(target__contains=sent.reference).exists()


def _inbox_row(referral, now):
    (row,) = inbox_rows.rows([referral.pk], now)
    return row


def test_each_inbox_row_says_where_it_stands_as_its_referral_does(sent, homes, home_staff):
    """The inbox's rows are read as values (enquiries/inbox_rows.py): in every state, and either
    side of the reply-by and hold times, each says what the referral's own page says."""
    first, second = referral_to(sent, homes[0]), referral_to(sent, homes[1])
    before, after_reply_by = sent.reply_by - datetime.timedelta(minutes=1), sent.reply_by + datetime.timedelta(hours=1)
    seen = []
    for moment in (before, after_reply_by):
        seen.append(_inbox_row(first, moment).state)
        assert _inbox_row(first, moment).state == first.state(moment)
    flows.mark_received(first)
    first.refresh_from_db()
    assert _inbox_row(first, before).state == first.state(before)
    flows.accept(first, home_staff, category="nursing", hours=2)
    first = Referral.objects.select_related("hold").get(pk=first.pk)
    for moment in (timezone.now(), first.hold.held_until + datetime.timedelta(minutes=1)):
        seen.append(_inbox_row(first, moment).state)
        assert _inbox_row(first, moment).state == first.state(moment)
    flows.decline(second, None, reason="funding", note="")
    second.refresh_from_db()
    seen.append(_inbox_row(second, before).state)
    assert _inbox_row(second, before).state == second.state(before)
    CareHome.objects.filter(pk=homes[0].pk).update(status=HomeStatus.ARCHIVED)
    flows.withdraw(sent, None)
    first.refresh_from_db()
    seen.append(_inbox_row(first, before).state)
    assert _inbox_row(first, before).state == first.state(before)
    assert [colour for _, colour in seen] == ["white", "orange", "green", "grey", "red", "grey"]
    assert seen[-1][0] == "Ended: the home has left the portal"
    enquiry = first.enquiry
    assert _inbox_row(first, before).what == (
        f"{enquiry.get_category_display()}, {enquiry.get_sex_display().lower()}, {enquiry.get_age_band_display()}"
    )
