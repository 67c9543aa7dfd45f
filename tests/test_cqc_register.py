"""CQC's register in the portal (issue 25): a council sees the care homes CQC registered lately
in its area and adds one in one click; service admins read the sync's runs and problems."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from homes.audit_actions import HomeAction
from homes.models import CareHomeChange, CqcLocation, CqcSyncRun
from registers.models import CareHome, Provider
from tests.factories import BRADFORD, LEEDS, CareHomeFactory, local_authority

pytestmark = pytest.mark.django_db


def registered(location_id: str, name: str, *, council=LEEDS, days_ago: int = 3, **facts) -> CqcLocation:
    """A care home as the CQC sync keeps it: on CQC's register, not in the portal."""
    la = local_authority(council)
    when = timezone.localdate() - datetime.timedelta(days=days_ago)
    values = {
        "name": name, "address_line_1": "1 New Road", "address_line_2": "", "town": "Leeds", "county": "",
        "postcode": "LS6 3AA", "latitude": 53.82, "longitude": -1.57, "local_authority_id": la.pk,
        "service_type": "with_nursing", "service_user_bands": ["older_people"], "registration_date": when.isoformat(),
        "registered_beds": 36, "dormant": False, "cqc_rating": "not_yet_rated", "cqc_rating_date": None,
        "rating_safe": None, "rating_effective": None, "rating_caring": None, "rating_responsive": None,
        "rating_well_led": None, "last_inspection_date": None, "phone": "0113 496 0777", "website": "",
        "provider_name": "Kirkstall Care Group",
    } | facts  # fmt: skip
    return CqcLocation.objects.create(
        location_id=location_id, name=name, postcode=values["postcode"], local_authority=la,
        provider_id="1-900000077", registered=True, registration_date=when, facts=values,
        first_seen_at=timezone.now(), checked_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def new_homes(db):
    return {
        "kirkstall": registered("1-103000001", "Kirkstall Lodge"),
        "older": registered("1-103000002", "Roundhay Gardens", days_ago=40),
        "bradford": registered("1-103000003", "Heaton View", council=BRADFORD),
        "long_ago": registered("1-103000004", "Gledhow House", days_ago=2000),
    }


def test_a_council_sees_its_newly_registered_homes_and_adds_one_in_one_click(client, council_admin, new_homes):
    client.force_login(council_admin)
    page = client.get("/homes/").text
    assert "Newly registered with CQC" in page
    assert "Kirkstall Lodge" in page
    assert "Roundhay Gardens" in page
    assert "This week" in page
    assert "Heaton View" not in page  # Bradford's
    assert "Gledhow House" not in page  # registered years ago
    response = client.post("/homes/cqc/1-103000001/add/", follow=True)
    home = CareHome.objects.get(cqc_location_id="1-103000001")
    assert response.redirect_chain[-1][0] == f"/homes/{home.pk}/staff/"
    assert "Kirkstall Lodge has been added from CQC" in response.text
    assert (home.local_authority.name, home.registered_beds, home.cqc_rating) == ("Leeds", 36, "not_yet_rated")
    assert (home.phone, home.service_type) == ("0113 496 0777", "with_nursing")
    assert home.registration_date.isoformat() == new_homes["kirkstall"].facts["registration_date"]
    assert home.provider == Provider.objects.get(cqc_provider_id="1-900000077", name="Kirkstall Care Group")
    onboarded = CareHomeChange.objects.get(home=home, field="onboarded")
    assert (onboarded.changed_by, onboarded.note) == (council_admin, "From CQC's register")
    assert AuditEvent.objects.filter(action=HomeAction.HOME_ADDED, detail="from CQC's register").exists()
    assert "Kirkstall Lodge" not in client.get("/homes/").text.split("Newly registered with CQC")[-1].split("<h", 1)[0]


def test_adding_twice_adds_one_home(client, council_admin, new_homes):
    client.force_login(council_admin)
    client.post("/homes/cqc/1-103000001/add/")
    again = client.post("/homes/cqc/1-103000001/add/", follow=True)
    assert "is in the portal already" in again.text
    assert CareHome.objects.filter(cqc_location_id="1-103000001").count() == 1


@pytest.mark.parametrize("role", ["other_council_admin", "home_staff", "provider_admin", "coordinator"])
def test_nobody_else_adds_a_councils_home(client, request, new_homes, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post("/homes/cqc/1-103000001/add/").status_code == 404
    assert not CareHome.objects.filter(cqc_location_id="1-103000001").exists()


def test_a_service_admin_adds_anywhere(client, service_admin, new_homes):
    client.force_login(service_admin)
    assert "Heaton View" in client.get("/homes/").text
    client.post("/homes/cqc/1-103000003/add/")
    assert CareHome.objects.get(cqc_location_id="1-103000003").local_authority.name == "Bradford"


def test_an_unknown_or_deregistered_location_cannot_be_added(client, council_admin, new_homes):
    client.force_login(council_admin)
    assert client.post("/homes/cqc/1-199999999/add/").status_code == 404
    CqcLocation.objects.filter(location_id="1-103000001").update(registered=False)
    response = client.post("/homes/cqc/1-103000001/add/", follow=True)
    assert "is no longer registered with CQC" in response.text
    assert not CareHome.objects.exists()


def test_a_location_cqc_gives_no_service_type_is_added_by_hand(client, council_admin):
    registered("1-103000009", "Unclear House", service_type=None)
    client.force_login(council_admin)
    response = client.post("/homes/cqc/1-103000009/add/", follow=True)
    assert "does not say whether Unclear House provides nursing: add it by hand" in response.text
    assert not CareHome.objects.exists()


def test_adding_is_a_post(client, council_admin, new_homes):
    client.force_login(council_admin)
    assert client.get("/homes/cqc/1-103000001/add/").status_code == 405
    assert not CareHome.objects.exists()


def test_the_filters_htmx_answer_is_the_results_only(client, council_admin, new_homes, htmx_headers):
    client.force_login(council_admin)
    response = client.get("/homes/", {"q": "x"}, headers=htmx_headers)
    assert response.text.lstrip().startswith('<div id="results"')
    assert "Newly registered" not in response.text


# --- the sync's runs, for service admins ----------------------------------------------------------


@pytest.fixture
def runs(db):
    started = timezone.now() - datetime.timedelta(hours=1)
    done = CqcSyncRun.objects.create(
        kind="changes", status="done", started_at=started, finished_at=started + datetime.timedelta(minutes=1),
        changes_from=started - datetime.timedelta(days=1), changes_to=started, to_read=["1-1", "1-2"], position=2,
        counts={"read": 2, "updated": 1, "problems": 1},
        problems=[{"id": "1-104000001", "reason": "CQC gives no postcode"}],
        notes=[{"id": "1-104000002", "note": "Overall rating “Good” has no report date: not known"}], requests=3,
    )  # fmt: skip
    return done


def test_service_admins_read_the_runs_and_the_problems_location_ids(client, service_admin, runs):
    client.force_login(service_admin)
    page = client.get("/cqc-sync/").text
    assert "CQC gives no postcode" in page
    assert 'href="https://www.cqc.org.uk/location/1-104000001"' in page
    assert "has no report date" in page
    assert "2 read, 1 updated, 1 problems" in page


@pytest.mark.parametrize("role", ["council_admin", "home_staff", "coordinator"])
def test_nobody_else_reads_the_runs(client, request, runs, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/cqc-sync/").status_code == 404
    assert client.post("/cqc-sync/").status_code == 404


def test_a_service_admin_asks_for_a_full_run(client, service_admin, runs):
    from django_tasks_db.models import DBTaskResult

    client.force_login(service_admin)
    response = client.post("/cqc-sync/", follow=True)
    assert "read every care home on CQC" in response.text
    task = DBTaskResult.objects.get(task_path="homes.tasks.sync_cqc")
    assert task.args_kwargs["kwargs"] == {"full": True}


def test_a_run_that_does_not_exist_is_404(client, service_admin, runs):
    client.force_login(service_admin)
    assert client.get("/cqc-sync/", {"run": "99999"}).status_code == 404
    assert client.get("/cqc-sync/", {"run": "x"}).status_code == 404


# --- shown: when CQC's facts were last checked, the week's news, /metrics and /healthz ---------


@pytest.fixture
def checked(home, runs):
    """Home A as the sync last read it, at the last successful run."""
    CqcLocation.objects.create(
        location_id=home.cqc_location_id, name=home.name, postcode=home.postcode, local_authority=home.local_authority,
        registered=True, facts={}, first_seen_at=runs.changes_to, checked_at=runs.changes_to,
    )  # fmt: skip
    return home


def test_the_public_page_and_the_homes_page_say_when_cqcs_facts_were_last_checked(client, checked, runs,
                                                                                  coordinator):  # fmt: skip
    day = f"{timezone.localtime(runs.changes_to):%-d %B %Y}"
    public = client.get(f"/care-homes/{checked.cqc_location_id}/").text
    assert f"CQC facts last checked with CQC's register on {day}." in public
    client.force_login(coordinator)
    page = client.get(f"/homes/{checked.pk}/").text
    assert "CQC facts last checked" in page
    assert f"{timezone.localtime(runs.changes_to):%-d %B %Y}" in page


def test_a_home_cqcs_register_never_checked_says_so(client, home, coordinator):
    assert "CQC facts last checked" not in client.get(f"/care-homes/{home.cqc_location_id}/").text
    client.force_login(coordinator)
    assert "Not yet checked with CQC&#39;s register" in client.get(f"/homes/{home.pk}/").text


def test_the_area_dashboard_lists_the_weeks_cqc_changes(client, council_admin, home, other_home, new_homes):
    now = timezone.now()
    for target, field, old, new in [(home, "cqc_rating", "Good", "Inadequate"), (home, "registered_beds", "30", "28"),
                                    (other_home, "cqc_rating", "Good", "Outstanding")]:  # fmt: skip
        CareHomeChange.objects.create(home=target, version=2, field=field, old_value=old, new_value=new, source="cqc",
                                      note="report of 2 Nov 2026" if field == "cqc_rating" else "")  # fmt: skip
    old = CareHomeChange.objects.create(home=home, version=2, field="cqc_rating", old_value="Outstanding",
                                        new_value="Good", source="cqc")  # fmt: skip
    CareHomeChange.objects.filter(pk=old.pk).update(changed_at=now - datetime.timedelta(days=8))
    client.force_login(council_admin)
    page = client.get("/area/").text
    assert "This week on CQC's register" in page
    assert "CQC: rating Good → Inadequate, report of 2 Nov 2026" in page
    assert "CQC: registered beds 30 → 28" in page
    assert "Outstanding → Good" not in page  # last week's
    assert "Outstanding" not in page.split("This week on CQC")[1].split("</ul>")[0]  # Bradford's home
    assert "Kirkstall Lodge (LS6 3AA)" in page  # registered this week
    assert "Roundhay Gardens" not in page  # 40 days ago


def read_metrics(text: str) -> dict[str, float]:
    """Prometheus's text: each unlabelled sample's value, by name."""
    return {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line and not line.startswith("#") and "{" not in line
    }


def test_metrics_and_healthz_report_the_last_successful_sync_and_its_age(client, runs):
    from django.test import override_settings

    with override_settings(METRICS_TOKEN="monitoring-token"):
        token = {"Authorization": "Bearer monitoring-token"}
        figures = read_metrics(client.get("/metrics", headers=token).content.decode())
        assert figures["tracker_cqc_sync_last_success_timestamp_seconds"] == runs.finished_at.timestamp()
        assert 3000 < figures["tracker_cqc_sync_age_seconds"] < 3600  # it finished 59 minutes ago
        health = client.get("/healthz", headers=token).json()
        assert health["cqc_sync"]["last_success"] == runs.finished_at.isoformat()
        assert 3000 < health["cqc_sync"]["age_seconds"] < 3600
        assert "cqc_sync" not in client.get("/healthz").json()  # for the monitoring system only


def test_before_any_sync_metrics_say_nothing_and_healthz_says_never(client, db):
    from django.test import override_settings

    with override_settings(METRICS_TOKEN="monitoring-token"):
        token = {"Authorization": "Bearer monitoring-token"}
        figures = read_metrics(client.get("/metrics", headers=token).content.decode())
        assert "tracker_cqc_sync_age_seconds" not in figures
        assert client.get("/healthz", headers=token).json()["cqc_sync"] == {"last_success": None, "age_seconds": None}


def test_the_dashboards_week_states_the_orms_rules(client, home, other_home, new_homes):
    """The dashboard reads the week's CQC news in one statement (vacancies/areas.cqc_week): its
    lists are the ORM's, newly registered and not in the portal included (a location onboarded
    as a home, or as an agency, is no longer new), for a council and for England."""
    from vacancies import areas

    now = timezone.now()
    CareHomeFactory(cqc_location_id="1-103000001", name="Kirkstall Lodge")  # onboarded: no longer new
    registered("1-103000005", "Meanwood Care", council=BRADFORD)
    for target, rating in [(home, "Inadequate"), (other_home, "Outstanding")]:
        CareHomeChange.objects.create(home=target, version=2, field="cqc_rating", old_value="Good",
                                      new_value=rating, source="cqc")  # fmt: skip
    CareHomeChange.objects.create(home=home, version=3, field="name", old_value="A", new_value="B", source="cqc")
    since = timezone.localdate(now) - datetime.timedelta(days=7)
    for area in [areas.ENGLAND, areas.Area("E08000035", "Leeds", (home.local_authority_id,))]:
        week = areas.cqc_week(area, now)
        expected = (
            CqcLocation.objects.newly_registered(since).filter(area.scope()).order_by("-registration_date", "name")
        )
        assert [(new.name, new.postcode) for new in week.new] == list(expected.values_list("name", "postcode"))
        news = CareHomeChange.objects.filter(source="cqc", changed_at__gte=now - datetime.timedelta(days=7),
                                             field__in=areas.CQC_NEWS).filter(area.scope("home__"))  # fmt: skip
        assert [(change.pk, change.home_name, change.summary) for change in week.changes] == [
            (change.pk, change.home.name, change.summary) for change in news.order_by("-changed_at", "-id")
        ]
    assert [new.name for new in areas.cqc_week(areas.ENGLAND, now).new] == ["Heaton View", "Meanwood Care"]
