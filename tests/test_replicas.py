"""Reads from the replica, writes and transactions on the primary (tracker/replicas.py, ADR 014).

In tests the "replica" alias mirrors the test database (conftest.py): a second connection
to the same rows, so the tests see which connection each query went to. Data must be
committed for the second connection to see it, hence transactional tests.
"""

import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from api.audit_actions import ApiAction
from registers.models import CareHome
from tests.conftest import VerifiedClient as Client
from tests.vacancy_helpers import form_post, give_figures
from tracker import replicas

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.usefixtures("replica"),
]
SEARCH = "/find-a-bed/?category=nursing"
TOKEN = "monitoring-token-for-tests"


@pytest.fixture
def replica():
    replicas.forget_health()
    with override_settings(
        READ_REPLICA="replica", REPLICA_STICKY_SECONDS=15, REPLICA_MAX_LAG_SECONDS=5, METRICS_TOKEN=TOKEN
    ):
        yield
    replicas.forget_health()


@pytest.fixture
def client():
    """The monitoring system's view: where each request read from (X-Read-From)."""
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def get(client, path):
    """(response, queries on the primary, queries on the replica)."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = client.get(path)
    return response, primary.captured_queries, rep.captured_queries


def test_search_reads_from_the_replica(client, coordinator, home):
    give_figures(home)
    client.force_login(coordinator)
    response, _primary, replica_queries = get(client, SEARCH)
    assert response.status_code == 200
    assert home.name in response.text
    assert response["X-Read-From"] == "replica"
    assert any("vacancies_searchentry" in q["sql"] for q in replica_queries)  # the search's own SQL
    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")) for q in replica_queries)


def test_public_pages_and_dashboards_read_from_the_replica(client, council_admin, home):
    give_figures(home)
    response, _, replica_queries = get(client, f"/care-homes/{home.cqc_location_id}/")
    assert response.status_code == 200
    assert replica_queries
    client.force_login(council_admin)
    response, _, replica_queries = get(client, "/area/")
    assert response.status_code == 200
    assert response["X-Read-From"] == "replica"
    assert replica_queries


def test_pages_that_are_not_read_only_read_from_the_primary(client, home, home_staff):
    give_figures(home)
    client.force_login(home_staff)
    response, primary, replica_queries = get(client, f"/my-homes/{home.pk}/")
    assert response.status_code == 200
    assert response["X-Read-From"] == "primary"
    assert primary
    assert not replica_queries


def test_writes_go_to_the_primary_and_make_reads_sticky(client, home, home_staff):
    give_figures(home)
    client.force_login(home_staff)
    with CaptureQueriesContext(connections["replica"]) as replica_queries:
        response = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 14, "vacant_accepting": 4}))
    assert response.status_code == 302
    assert not replica_queries.captured_queries
    assert response.cookies[replicas.STICKY_COOKIE]["max-age"] == 15
    # The person's next pages read from the primary: they see what they saved...
    response, _, replica_queries = get(client, SEARCH)
    assert response["X-Read-From"] == "primary"
    assert not replica_queries
    # ...until the cookie's time is up (its signature carries the time it was made).
    later = time.time() + 16
    with mock.patch("django.core.signing.time.time", return_value=later):
        response, _, replica_queries = get(client, SEARCH)
    assert response["X-Read-From"] == "replica"
    assert replica_queries


def test_a_forged_sticky_cookie_is_ignored(client, coordinator):
    client.force_login(coordinator)
    client.cookies[replicas.STICKY_COOKIE] = "1:forged:signature"
    response, _, replica_queries = get(client, SEARCH)
    assert response["X-Read-From"] == "replica"
    assert replica_queries


def test_a_lagging_replica_is_not_read(client, coordinator):
    client.force_login(coordinator)
    with mock.patch.object(replicas, "measure_lag", return_value=30.0):
        response, _, replica_queries = get(client, SEARCH)
        health = client.get("/healthz").json()
    assert response.status_code == 200
    assert response["X-Read-From"] == "primary"
    assert not replica_queries
    assert health["databases"]["replica"] == {"state": "lagging", "lag_seconds": 30.0, "reads_go_to": "default"}


def test_the_lag_is_measured_at_most_once_a_second(coordinator):
    with mock.patch.object(replicas, "measure_lag", return_value=0.2) as measure:
        replicas.replica_health(now=1000.0)
        replicas.replica_health(now=1000.5)
        assert measure.call_count == 1
        assert replicas.replica_health(now=1001.1).lag_seconds == 0.2
        assert measure.call_count == 2


def test_a_replica_that_catches_up_is_read_again(client, coordinator):
    client.force_login(coordinator)
    with mock.patch.object(replicas, "measure_lag", return_value=30.0):
        assert client.get(SEARCH)["X-Read-From"] == "primary"
    replicas.forget_health()  # a second later
    with mock.patch.object(replicas, "measure_lag", return_value=0.5):
        assert client.get(SEARCH)["X-Read-From"] == "replica"


@pytest.fixture
def replica_down():
    """The replica's server does not answer: its connection points at a database that is not there."""
    replica = connections["replica"]
    replica.close()
    name = replica.settings_dict["NAME"]
    replica.settings_dict["NAME"] = "no_such_replica_database"
    yield
    replica.close()
    replica.settings_dict["NAME"] = name


def test_a_replica_that_is_down_is_not_read(client, coordinator, home, replica_down):
    give_figures(home)
    client.force_login(coordinator)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert home.name in response.text
    assert response["X-Read-From"] == "primary"
    health = client.get("/healthz")
    assert health.status_code == 200  # the primary answers: this app server can serve
    assert health.json()["databases"]["replica"]["state"] == "unreachable"


def test_a_replica_that_fails_during_a_request_is_answered_from_the_primary(coordinator, home, replica_down):
    give_figures(home)
    # As a browser sees it (the first try's error stays inside), with the monitoring token.
    client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {TOKEN}"})
    client.force_login(coordinator)
    with mock.patch.object(replicas, "measure_lag", return_value=0.0):  # it answered a moment ago
        response = client.get(SEARCH)
    assert response.status_code == 200
    assert home.name in response.text
    assert response["X-Read-From"] == "primary"
    assert replicas.replica_health().usable is False  # and is left alone for a while


def test_inside_a_transaction_and_after_a_write_reads_go_to_the_primary(home):
    router = replicas.ReplicaRouter()
    token = replicas._reads.set(replicas._Reads("replica"))
    try:
        assert router.db_for_read(CareHome) == "replica"
        with transaction.atomic():
            assert router.db_for_read(CareHome) == "default"
        assert router.db_for_read(Session) == "default"  # a person's session: always the primary
        assert router.db_for_write(CareHome) == "default"
        assert router.db_for_read(CareHome) == "default"  # read what was just written
    finally:
        replicas._reads.reset(token)


def test_without_a_request_everything_reads_from_the_primary(home):
    router = replicas.ReplicaRouter()
    assert router.db_for_read(CareHome) == "default"
    assert router.allow_migrate("replica", "homes") is False


def test_api_and_fhir_reads_come_from_the_replica_though_each_use_is_written(client, home, council_admin, leeds):
    from accounts.models import AuditEvent
    from api import keys
    from api.models import ApiKey

    give_figures(home)
    _, key = keys.make(name="Leeds ICB", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    for path in ("/api/v1/homes", "/fhir/Location"):
        with CaptureQueriesContext(connections["replica"]) as replica_queries:
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200
        assert any("homes_carehome" in q["sql"] for q in replica_queries), path  # not told: it used a key
    assert AuditEvent.objects.filter(action=ApiAction.API_USED).count() == 2  # written on the primary


# --- who is told where a request read from (issue 24) --------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Token {TOKEN}"])
def test_only_the_monitoring_system_is_told_where_reads_go(coordinator, home, authorization):
    give_figures(home)
    someone = Client(headers={"Authorization": authorization} if authorization else {})
    for path in (f"/care-homes/{home.cqc_location_id}/", "/care-homes/?near=LS6"):
        assert "X-Read-From" not in someone.get(path).headers
    someone.force_login(coordinator)
    assert "X-Read-From" not in someone.get(SEARCH).headers
    health = someone.get("/healthz").json()
    assert health == {"status": "ok", "database": "ok"}


def test_the_monitoring_system_reads_the_replicas_health(client):
    health = client.get("/healthz").json()
    assert health["databases"]["replica"]["state"] == "ok"


def test_a_post_to_a_public_page_or_to_no_page_sets_no_cookie(client, home):
    anonymous = Client()
    for path in ("/care-homes/", f"/care-homes/{home.cqc_location_id}/", "/no-such-page/"):
        response = anonymous.post(path)
        assert response.status_code in (404, 405), path
        assert not response.cookies, path
