"""The CQC sync (issue 25) with the real client against our stub of CQC's API: a first load,
a day of changes, CQC's untidy data, a run stopped half way and carried on."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from enquiries import flows
from enquiries.models import Notice, Status
from homes import cqc_sync
from homes.models import CareHomeChange, CqcLocation, CqcSyncRun
from registers.choices import HomeStatus
from registers.models import CareHome, Provider
from tests.cqc_stub import KEY, Register, Stub, location_document, provider_document
from tests.factories import BRADFORD, CareHomeFactory, local_authority
from tests.test_enquiries import _model_details
from tests.vacancy_helpers import give_figures
from vacancies.models import BedHold

pytestmark = pytest.mark.django_db

RECENTLY = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()


@pytest.fixture(autouse=True)
def _emails_queued_at_once(monkeypatch):
    monkeypatch.setattr("enquiries.notices.transaction.on_commit", lambda callback, **kwargs: callback())


@pytest.fixture
def register():
    register = Register()
    register.providers["1-900000001"] = provider_document("1-900000001", "Aire Valley Care Ltd")
    register.providers["1-900000002"] = provider_document("1-900000002", "Meanwood Care Ltd")
    register.add(location_document("1-101000001", "Headingley Park", "LS6 2AD", key_questions={
        "Well-led": "Requires improvement", "Safe": "Good", "Caring": "Outstanding"}, phone="01134960999"))  # fmt: skip
    register.add(location_document("1-101000002", "Armley Heights", "LS12 4AB", nursing=False, beds=32))
    register.add(location_document("1-101000003", "Meanwood Court", "LS6 2AB", provider_id="1-900000002",
                                   registration_date=RECENTLY, rating="Not yet rated", report_date=None))  # fmt: skip
    register.add(location_document("1-101000004", "Otley Road House", "LS16 6AB", registration_date="2012-01-01"))
    register.add(location_document("1-101000009", "A dental practice", "LS6 2AD", care_home=False))
    return register


@pytest.fixture
def stub(register):
    with Stub(register) as running, override_settings(
        CQC_API_URL=running.url, CQC_API_KEY=KEY, CQC_API_BACKOFF_SECONDS=0.01, CQC_API_TIMEOUT_SECONDS=1,
        CQC_API_ATTEMPTS=2, CQC_PARTNER_CODE="",
    ):  # fmt: skip
        yield running


@pytest.fixture
def portal(provider):
    """The portal before the first sync: two homes a council imported from a file without ratings."""
    provider.cqc_provider_id = "1-900000001"
    provider.save()
    headingley = CareHomeFactory(name="Headingley Park Care Home", cqc_location_id="1-101000001", provider=provider,
                                 cqc_rating=None, cqc_rating_date=None, website="")  # fmt: skip
    armley = CareHomeFactory(name="Armley Heights", cqc_location_id="1-101000002", provider=provider,
                             postcode="LS12 4AB", registered_beds=30)  # fmt: skip
    demo = CareHomeFactory(name="A demo home", cqc_location_id="1-990000000001", is_synthetic=True)
    return headingley, armley, demo


def first_load(stub) -> CqcSyncRun:
    run = cqc_sync.sync()
    assert run.status == CqcSyncRun.Status.DONE, run.error
    return run


# --- the first load ---------------------------------------------------------------------------


def test_the_first_load_reads_every_care_home_and_sets_cqcs_facts(stub, portal):
    headingley, armley, demo = portal
    run = first_load(stub)
    assert run.kind == CqcSyncRun.Kind.FULL
    assert run.counts == {"read": 4, "updated": 2, "new registrations": 1, "care homes not in the portal": 1}
    headingley.refresh_from_db()
    assert (headingley.name, headingley.address_line_1, headingley.cqc_rating) == (
        "Headingley Park", "1 Headingley Park Road", "good")  # fmt: skip
    assert (headingley.rating_safe, headingley.rating_effective, headingley.rating_caring) == (
        "good", None, "outstanding")  # fmt: skip
    assert headingley.rating_well_led == "requires_improvement"
    assert (str(headingley.cqc_rating_date), str(headingley.last_inspection_date)) == ("2024-03-01", "2024-01-20")
    assert (headingley.registered_beds, headingley.dormant, str(headingley.registration_date)) == (
        40,
        False,
        "2015-04-01",
    )
    assert headingley.phone == "0113 496 0000"  # the home's own number stays
    assert headingley.website == "https://www.example.org"  # it had none: CQC's
    assert headingley.service_user_bands == ["older_people", "dementia"]
    rating = CareHomeChange.objects.get(home=headingley, field="cqc_rating")
    assert (rating.source, rating.changed_by) == ("cqc", None)
    assert rating.summary == "CQC: rating Not known → Good, report of 1 Mar 2024"
    armley.refresh_from_db()
    assert (armley.service_type, armley.registered_beds) == ("without_nursing", 32)
    demo.refresh_from_db()
    assert demo.name == "A demo home"
    # The register's care homes the portal does not have, kept for their council.
    assert set(CqcLocation.objects.values_list("location_id", flat=True)) == {
        "1-101000001", "1-101000002", "1-101000003", "1-101000004"}  # fmt: skip
    new = CqcLocation.objects.newly_registered(timezone.localdate() - datetime.timedelta(days=90))
    assert [(loc.location_id, loc.local_authority.name, loc.facts["provider_name"]) for loc in new] == [
        ("1-101000003", "Leeds", "Meanwood Care Ltd")]  # fmt: skip
    assert all(loc.checked_at == run.changes_to for loc in CqcLocation.objects.all())
    assert run.requests == 1 + 1 + 4 + 1  # a page of care homes, one of agencies, four locations, a new provider


def test_without_a_key_the_sync_says_so_and_changes_nothing(portal):
    out = io.StringIO()
    with override_settings(CQC_API_KEY=""):
        call_command("sync_cqc", stdout=out)
    assert out.getvalue().strip() == (
        "CQC_API_KEY is not set: the CQC sync cannot read CQC's register, and changed nothing"
    )
    assert not CqcSyncRun.objects.exists()
    assert not CareHomeChange.objects.exists()


def test_the_command_says_what_it_did_in_one_line(stub, portal):
    out = io.StringIO()
    call_command("sync_cqc", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("Every care home and home-care agency on CQC's register (done): 4 read, 2 updated,")
    assert "7 requests to CQC (0 tried again)" in line


# --- a day of changes -----------------------------------------------------------------------------


@pytest.fixture
def loaded(stub, portal):
    run = first_load(stub)
    return run, stub.register


def test_a_day_of_changes_reads_only_what_cqc_changed(loaded, portal, register, stub, team, team_coordinator,
                                                       home_staff):  # fmt: skip
    first, _ = loaded
    headingley, armley, _ = portal
    soon = first.changes_to + datetime.timedelta(hours=2)
    register.change("1-101000001", soon, numberOfBeds=44, currentRatings={"overall": {
        "rating": "Requires improvement", "reportDate": "2026-11-02", "keyQuestionRatings": []}})  # fmt: skip
    register.change("1-101000009", soon, name="A dental practice, renamed")  # not a care home
    register.add(location_document("1-101000005", "Kirkstall Lodge", "LS6 3AA", registration_date=RECENTLY,
                                   provider_id="1-900000001"), soon)  # fmt: skip
    # Armley Heights has an open enquiry and holds a bed for one: then CQC deregisters it.
    give_figures(armley, home_staff, nursing={"vacant_accepting": 2})
    enquiry = flows.send(team, team_coordinator, [armley], **_model_details())
    referral = flows.accept(enquiry.referrals.get(), home_staff, category="nursing", hours=24)
    register.change("1-101000002", soon, registrationStatus="Deregistered", deregistrationDate="2026-11-30")

    run = cqc_sync.sync(now=soon + datetime.timedelta(hours=1))
    assert (run.kind, run.status, run.changes_from) == ("changes", "done", first.changes_to)
    assert run.counts == {"read": 4, "updated": 1, "archived": 1, "new registrations": 1, "not care homes": 1}
    assert run.requests == 1 + 4  # the page of changes and four locations (the provider is known)

    headingley.refresh_from_db()
    assert (headingley.cqc_rating, headingley.registered_beds, headingley.rating_safe) == (
        "requires_improvement", 44, None)  # fmt: skip
    rating = CareHomeChange.objects.filter(home=headingley, field="cqc_rating").latest("id")
    assert rating.summary == "CQC: rating Good → Requires improvement, report of 2 Nov 2026"
    beds = CareHomeChange.objects.filter(home=headingley, field="registered_beds").latest("id")
    assert beds.summary == "CQC: registered beds 40 → 44"

    armley.refresh_from_db()
    assert (armley.status, armley.archived_reason) == (HomeStatus.ARCHIVED, "Deregistered by CQC on 30 November 2026")
    referral.refresh_from_db()
    assert referral.status == Status.CANCELLED
    assert referral.hold.outcome == BedHold.Outcome.RELEASED
    assert Notice.objects.filter(referral=referral, event="team home archived").exists()
    assert referral.state()[0] == "Ended: the home has left the portal"
    assert CareHomeChange.objects.filter(home=armley, field="status", source="cqc").exists()

    assert CqcLocation.objects.get(location_id="1-101000005").registration_date is not None
    # What CQC did not report changed was checked as of this run too.
    assert CqcLocation.objects.get(location_id="1-101000004").checked_at == run.changes_to


def test_a_home_cqc_moves_to_another_council_follows_the_move(loaded, portal, register):
    first, _ = loaded
    headingley = portal[0]
    soon = first.changes_to + datetime.timedelta(hours=1)
    register.change("1-101000001", soon, postalCode="BD9 5AB", localAuthority="Bradford")
    run = cqc_sync.sync(now=soon + datetime.timedelta(hours=1))
    assert run.counts["moved council"] == 1
    headingley.refresh_from_db()
    assert headingley.local_authority == local_authority(BRADFORD)
    move = CareHomeChange.objects.get(home=headingley, field="local_authority")
    assert move.summary == "CQC: council Leeds → Bradford"


def test_a_home_cqc_gives_to_another_provider_moves_to_it(loaded, portal, register):
    first, _ = loaded
    soon = first.changes_to + datetime.timedelta(hours=1)
    register.providers["1-900000003"] = provider_document("1-900000003", "Kirkstall Care Group")
    register.change("1-101000001", soon, providerId="1-900000003")
    cqc_sync.sync(now=soon + datetime.timedelta(hours=1))
    headingley = CareHome.objects.get(pk=portal[0].pk)
    assert headingley.provider.name == "Kirkstall Care Group"
    assert CareHomeChange.objects.get(home=headingley, field="provider").summary == (
        "CQC: provider Aire Valley Care Ltd → Kirkstall Care Group"
    )


# --- CQC's untidy data ----------------------------------------------------------------------------


def untidy(location_id: str, **fields) -> dict:
    return location_document(location_id, f"Home {location_id}", "LS6 2AD", registration_date=RECENTLY) | fields


@pytest.mark.parametrize(
    ("document", "outcome"),
    [
        ({"numberOfBeds": None, "lastInspection": None, "specialisms": None, "website": None}, "applied"),
        ({"currentRatings": {"overall": {"rating": "Inspected but not rated", "reportDate": "2024-05-01"}}},
         "inspected_not_rated"),
        ({"currentRatings": {"overall": {"rating": "Good"}}}, "note: has no report date"),
        ({"currentRatings": {"overall": {"rating": "Splendid", "reportDate": "2024-05-01"}}},
         "note: is not one of CQC's ratings"),
        ({"currentRatings": {"overall": {"rating": "Good", "reportDate": "2024-05-01", "keyQuestionRatings": [
            {"name": "Caring", "rating": "Good"}, {"name": "Safe", "rating": "Inadequate"},
            {"name": "Kindness", "rating": "Good"}]}}}, "note: is not one of CQC's five"),
        ({"gacServiceTypes": [{"name": "Hospice services", "description": "Hospice services"}]},
         "note: neither a care home with nursing"),
        ({"dormancy": "Y"}, "applied"),
        ({"postalCode": None}, "problem: CQC gives no postcode"),
        ({"postalCode": "not a postcode"}, "problem: is not a full postcode"),
        ({"postalCode": "ZZ9 9ZZ"}, "problem: is not one we know, and CQC gives no coordinates"),
        ({"postalCode": "ZZ9 9ZZ", "onspdLatitude": 53.82, "onspdLongitude": -1.57}, "applied"),
        ({"localAuthority": "Nowhere"}, "note: is not one we know"),
        ({"registrationStatus": None}, "problem: is neither Registered nor Deregistered"),
        ({"name": None}, "problem: has no name"),
        ({"registrationDate": "the first of May"}, "note: is not a date"),
        ({"numberOfBeds": "forty"}, "note: is not a number of beds"),
    ],
)  # fmt: skip
def test_untidy_data_is_handled_and_counted_never_half_applied(stub, register, document, outcome):
    register.locations.clear()
    register.add(untidy("1-102000001", **document))
    register.add(untidy("1-102000002"))
    run = cqc_sync.sync()
    assert run.status == "done"
    assert CqcLocation.objects.filter(location_id="1-102000002").exists()  # the rest goes on
    kept = CqcLocation.objects.filter(location_id="1-102000001").first()
    if outcome.startswith("problem: "):
        assert kept is None  # nothing of it is applied
        assert run.counts["problems"] == 1
        assert run.problems[0]["id"] == "1-102000001"
        assert outcome.removeprefix("problem: ") in run.problems[0]["reason"]
    elif outcome.startswith("note: "):
        assert kept is not None
        assert run.notes[0]["id"] == "1-102000001"
        assert outcome.removeprefix("note: ") in run.notes[0]["note"]
    else:
        assert kept is not None
        assert "problems" not in run.counts
        if outcome != "applied":
            assert kept.facts["cqc_rating"] == outcome


def test_a_rating_without_a_date_leaves_the_homes_rating_not_known_never_undated(stub, register, portal):
    register.change("1-101000001", timezone.now(), currentRatings={"overall": {"rating": "Outstanding"}})
    first_load(stub)
    headingley = CareHome.objects.get(pk=portal[0].pk)
    assert (headingley.cqc_rating, headingley.cqc_rating_date) == (None, None)


def test_a_location_cqc_cannot_answer_for_is_a_problem_and_is_read_again_next_time(stub, register, portal):
    stub.fail("/locations/1-101000004", 500, 500)  # both tries
    run = first_load(stub)
    reason = "CQC's answer could not be used: /locations/1-101000004: 500 (after 2 tries)"
    assert run.problems == [{"id": "1-101000004", "reason": reason}]
    assert not CqcLocation.objects.filter(location_id="1-101000004").exists()
    again = cqc_sync.sync(now=run.changes_to + datetime.timedelta(days=1))
    assert again.to_read == ["1-101000004"]
    assert CqcLocation.objects.filter(location_id="1-101000004").exists()


@pytest.mark.parametrize("fault", ["not json", 500, "timeout"])
def test_a_location_whose_answer_is_never_usable_is_a_problem(stub, register, portal, fault):
    stub.fail("/locations/1-101000003", fault, fault)
    run = first_load(stub)
    assert [problem["id"] for problem in run.problems] == ["1-101000003"]
    assert run.counts["read"] == 4


def test_a_page_that_repeats_is_counted_and_read_once(stub, register, portal, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    stub.fail("/locations", None, "repeat")  # page 2 answers with page 1 again
    run = first_load(stub)
    assert run.counts["listed more than once"] == 2
    assert len(run.to_read) == len(set(run.to_read))


def test_a_list_that_never_ends_stops_where_its_locations_do(stub, register, portal, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    stub.fail("/locations", "endless")
    run = first_load(stub)
    assert run.counts["read"] == 4


# --- stopped half way, carried on ---------------------------------------------------------------


def test_a_run_stopped_half_way_carries_on_and_applies_each_location_once(stub, register, portal, monkeypatch):
    monkeypatch.setattr("homes.cqc_sync.BATCH", 2)
    monkeypatch.setattr("homes.cqc_sync.FAILING_IN_A_ROW", 1)  # one failure means CQC is down
    stub.fail("/locations/1-101000003", 503, 503)
    stopped = cqc_sync.sync()
    assert stopped.status == CqcSyncRun.Status.STOPPED
    assert "1-101000003" in stopped.error
    assert stopped.position == 2  # the first batch was applied; the second not at all
    assert CareHomeChange.objects.filter(home=portal[0], field="cqc_rating").count() == 1
    assert not CqcLocation.objects.filter(location_id__in=["1-101000003", "1-101000004"]).exists()

    carried_on = cqc_sync.sync()
    assert carried_on.pk == stopped.pk
    assert (carried_on.status, carried_on.position) == ("done", 4)
    assert CareHomeChange.objects.filter(home=portal[0], field="cqc_rating").count() == 1  # not twice
    assert CqcLocation.objects.count() == 4
    # the lists (care homes, agencies), batch 1, failed try twice, batch 2 again, provider
    assert carried_on.requests == 2 + 2 + 2 + 2 + 1


def test_a_list_stopped_half_way_carries_on_from_its_next_page(stub, register, portal, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    stub.fail("/locations", None, 500, 500)  # page 1, then page 2 fails twice
    stopped = cqc_sync.sync()
    assert (stopped.status, stopped.next_page, stopped.listed, len(stopped.to_read)) == ("stopped", 2, False, 2)
    carried_on = cqc_sync.sync()
    assert (carried_on.status, carried_on.listed, len(carried_on.to_read)) == ("done", True, 4)


def test_only_one_run_at_a_time(stub, portal):
    from django.db import connections

    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [cqc_sync.LOCK_KEY])
    try:
        with pytest.raises(cqc_sync.Busy):
            cqc_sync.sync()
    finally:
        other.close()


def test_a_full_run_on_demand_reads_every_care_home_again(loaded, portal):
    first, _ = loaded
    again = cqc_sync.sync(full=True, now=first.changes_to + datetime.timedelta(days=1))
    assert (again.kind, again.counts["read"], again.counts["unchanged"]) == ("full", 4, 2)


def test_a_portal_home_cqc_has_dropped_from_its_list_is_read_by_a_full_run(stub, register, portal):
    register.locations["1-101000002"] = register.locations["1-101000002"] | {
        "registrationStatus": "Deregistered", "careHome": "N"}  # fmt: skip
    run = first_load(stub)
    assert "1-101000002" in run.to_read
    assert CareHome.objects.get(pk=portal[1].pk).status == HomeStatus.ARCHIVED


# --- the daily run, by the worker -------------------------------------------------------------------


def test_the_worker_runs_it_daily_and_schedules_the_next(stub, portal):
    from django_tasks_db.models import DBTaskResult

    from homes import tasks
    from tests.test_homes_import import run_worker

    when = tasks.schedule_daily_sync()
    assert tasks.schedule_daily_sync() == when  # once, however often asked
    waiting = DBTaskResult.objects.get(task_path="homes.tasks.sync_cqc", status="READY")
    assert timezone.localtime(waiting.run_after).strftime("%H:%M") == "05:30"
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    run_worker()
    assert CqcSyncRun.objects.get().status == "done"
    following = DBTaskResult.objects.get(task_path="homes.tasks.sync_cqc", status="READY")
    assert following.run_after > timezone.now()


def test_a_run_that_stopped_is_tried_again_within_the_hour(stub, portal):
    from django_tasks_db.models import DBTaskResult

    from homes import tasks

    when = tasks.schedule_daily_sync(soon=True)
    assert when - timezone.now() <= datetime.timedelta(hours=1)
    assert DBTaskResult.objects.filter(task_path="homes.tasks.sync_cqc", status="READY").count() == 1


# --- the same facts from a council's CQC file --------------------------------------------------


def test_a_csv_refresh_sets_facts_through_the_same_code_and_archives_the_same_way(
    client, council_admin, home, home_staff, team, team_coordinator
):
    from tests.test_homes_import import API_HEADER, api_row, checked_job, imported, to_csv

    give_figures(home, home_staff, nursing={"vacant_accepting": 2})
    enquiry = flows.send(team, team_coordinator, [home], **_model_details())
    client.force_login(council_admin)
    row = [*api_row(home.cqc_location_id, "Headingley Park"), "Deregistered"]
    imported(client, checked_job(client, to_csv([*API_HEADER, "registration_status"], [row])))
    home.refresh_from_db()
    assert home.status == HomeStatus.ARCHIVED
    assert enquiry.referrals.get().status == Status.CANCELLED  # the enquiry ended for it, as for CQC's own


def test_provider_records_are_not_duplicated(loaded):
    assert Provider.objects.filter(cqc_provider_id="1-900000001").count() == 1
