"""Reliability drills that run in the test command: concurrency and hostile input."""

import os
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import VerifiedClient as Client
from tests.threads import in_threads
from tests.vacancy_helpers import form_post, give_figures
from vacancies.models import CategoryVacancy, HomeVacancies, VacancyUpdate


def post_at_once(users, home, bodies):
    """Every thread signs in, waits at the barrier, then saves at the same moment."""
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def run(i):
        client = Client()
        client.force_login(users[i % len(users)])
        barrier.wait()
        response = client.post(f"/my-homes/{home.pk}/", bodies[i])
        results[i] = (response.status_code, response.content.decode())

    in_threads(run, [(i,) for i in range(len(bodies))])
    return results


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_updates_to_one_home(home, home_staff, provider_admin, council_admin):
    give_figures(home)  # version 1: capacity 20, occupied 15, accepting 3, unavailable 2
    # Every body changes the figures (the first figures are occupied 15, accepting 3).
    bodies = [form_post(1, nursing={"occupied": 14 - (i % 3), "vacant_accepting": 4 + (i % 3)}) for i in range(50)]
    results = post_at_once([home_staff, provider_admin, council_admin], home, bodies)
    saved = [i for i, (status, _) in enumerate(results) if status == 302]
    refused = [i for i, (status, _) in enumerate(results) if status == 409]
    assert len(saved) == 1, [status for status, _ in results]
    assert len(refused) == 49
    for i in refused:  # every refused write was told so, with the other person's change
        assert "Someone else saved this home" in results[i][1]
    winner = bodies[saved[0]]
    row = CategoryVacancy.objects.get(home=home)
    assert (row.occupied, row.vacant_accepting) == (
        int(winner["nursing-occupied"]),
        int(winner["nursing-vacant_accepting"]),
    )
    assert VacancyUpdate.objects.filter(home=home).count() == 2  # the first figures and the one successful write
    assert HomeVacancies.objects.get(home=home).version in {1, 2}


@pytest.mark.django_db(transaction=True)
def test_fifty_racing_writers_who_reload_lose_nothing_reported_as_saved(home, home_staff, provider_admin):
    give_figures(home)
    barrier = threading.Barrier(50)
    outcomes = []
    lock = threading.Lock()

    def run(i):
        client = Client()
        client.force_login([home_staff, provider_admin][i % 2])
        barrier.wait()
        version = HomeVacancies.objects.get(home=home).version
        body = form_post(version, nursing={"occupied": 10 + (i % 6), "vacant_accepting": 8 - (i % 6)})
        response = client.post(f"/my-homes/{home.pk}/", body)
        with lock:
            outcomes.append((response.status_code, body))

    in_threads(run, [(i,) for i in range(50)])
    saved = [body for status, body in outcomes if status == 302]
    assert {status for status, _ in outcomes} <= {302, 409}
    assert saved
    # The history holds exactly the successful writes that changed something...
    updates = VacancyUpdate.objects.filter(home=home).order_by("made_at", "id")
    assert updates.count() == 1 + len(saved)
    # ...and the final state is the last of them.
    last = updates.last()
    row = CategoryVacancy.objects.get(home=home)
    final = {c.field: c.new_value for c in last.changes.all()}
    if final:
        assert str(row.occupied) == final.get("occupied", str(row.occupied))
    assert row.occupied + row.vacant_accepting + row.vacant_unavailable <= row.capacity


hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "\x00\x01\x02", "'; DROP TABLE homes_carehome; --", "9" * 400,
                     "=HYPERLINK(\"http://x\")", "\u202e\u0000", "%00%0d%0a", "../../etc/passwd", "-1", "1e309"]),
)  # fmt: skip


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile, field=st.sampled_from(["near", "category", "min_beds", "la", "name", "sort", "page", "bands"]))
def test_hostile_search_parameters(client, coordinator, value, field):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {field: value})
    assert response.status_code in {200, 400}
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile,
    field=st.sampled_from(
        [
            "name",
            "description",
            "phone",
            "postcode",
            "website",
            "email",
            "town",
            "version",
        ]
    ),
)
def test_hostile_home_details_never_500_and_never_execute(client, home_staff, home, coordinator, value, field):
    from tests.test_homes_edit import form_data

    home.refresh_from_db()
    client.force_login(home_staff)
    response = client.post(f"/homes/{home.pk}/edit/", {**form_data(home), field: value})
    assert response.status_code in {200, 302, 400, 409}  # 400: a NUL byte
    client.force_login(coordinator)
    page = client.get(f"/homes/{home.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile, field=st.sampled_from(["full_name", "email"]))
def test_hostile_invitations(client, council_admin, home, value, field):
    client.force_login(council_admin)
    data = {"full_name": "Nell", "email": "nell@example.org", field: value}
    response = client.post(f"/homes/{home.pk}/staff/", data)
    assert response.status_code in {200, 302, 400}
    assert "<script>alert(1)</script>" not in client.get("/invitations/").content.decode()


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile,
    field=st.sampled_from(
        [
            "cqc_location_id",
            "name",
            "provider_name",
            "cqc_provider_id",
            "postcode",
            "phone",
            "service_type",
            "service_user_bands",
        ]
    ),
)
def test_hostile_onboarding_form(client, council_admin, value, field):
    from tests.test_homes_onboarding import VALID

    client.force_login(council_admin)
    response = client.post("/homes/add/", {**VALID, "cqc_location_id": "1-424242", field: value})
    assert response.status_code in {200, 302, 400}
    assert "<script>alert(1)</script>" not in client.get("/homes/").content.decode()


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=hostile, field=st.sampled_from(["username", "password", "next"]))
def test_hostile_sign_in(client, value, field):
    data = {"username": "a@example.org", "password": "x", field: value}
    response = client.post("/sign-in/", data)
    assert response.status_code in {200, 302, 400, 429}
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=hostile,
    target=st.sampled_from(
        [
            ("/area/", "area"),
            ("/area/", "period"),
            ("/area/", "page"),
            ("/area/history.csv", "start"),
            ("/area/history.csv", "end"),
            ("/audit/", "action"),
            ("/audit/", "start"),
            ("/my-homes/", "stale"),
            ("/my-homes/", "page"),
            ("/homes/", "q"),
            ("/homes/", "la"),
        ]
    ),
)
def test_hostile_query_parameters_elsewhere(client, service_admin, value, target):
    path, name = target
    client.force_login(service_admin)
    response = client.get(path, {name: value})
    assert response.status_code in {200, 400, 404}
    if response.get("Content-Type", "").startswith("text/html"):
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_drill_worker_that_dies_is_reported_not_lost():
    """The outage drill once printed PASSED while managers whose sign-in was answered 503 had died."""
    from bench.workers import FINISHED, Crew

    def signs_in_to_an_outage():
        raise RuntimeError("GET /sign-in/ answered 503")

    def gives_up():
        raise SystemExit("Could not sign in")  # a thread's SystemExit is not even printed by Python

    crew = Crew()
    crew.start("works", lambda: None)
    crew.start("manager 1", signs_in_to_an_outage)
    crew.start("manager 2", gives_up)
    outcomes = crew.join(timeout=10)
    assert outcomes["works"] == FINISHED
    assert crew.failures() == {
        "manager 1": "died: RuntimeError: GET /sign-in/ answered 503",
        "manager 2": "died: SystemExit: Could not sign in",
    }
    assert crew.summary()["finished"] == 1


def test_a_drill_worker_still_running_at_the_end_is_a_failure():
    from bench.workers import Crew

    release = threading.Event()
    crew = Crew()
    crew.start("stuck", release.wait)
    assert crew.join(timeout=0.1) == {"stuck": "still running"}
    assert crew.failures() == {"stuck": "still running"}
    release.set()


def test_the_benchmarks_cpu_split_counts_a_new_worker_from_zero_and_leaves_out_an_ended_one():
    """bench/run.py's CPU by kind of process, per slice: a worker gunicorn started in the
    slice counts all its CPU; one that ended cannot be read and is left out (not subtracted)."""
    from bench.cpu import cpu_by_process, cpu_spent

    before = {1: ("gunicorn", 10.0), 2: ("gunicorn", 50.0), 3: ("postgres", 4.0), 4: ("client", 1.0)}
    after = {1: ("gunicorn", 10.5), 5: ("gunicorn", 0.25), 3: ("postgres", 4.5), 4: ("client", 1.125)}
    assert cpu_spent(before, after) == {"gunicorn": 0.75, "postgres": 0.5, "client": 0.125}
    mine = cpu_by_process()
    assert mine[os.getpid()][0] == "client"
