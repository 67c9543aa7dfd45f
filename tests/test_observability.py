"""Request ids, JSON logs, audit events and /metrics (issue 17)."""

import json
import logging

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from accounts import audit
from accounts.models import AuditEvent
from tests.vacancy_helpers import form_post, give_figures
from tracker.logs import JsonFormatter, RequestIdFilter
from vacancies.audit_actions import VacancyAction

pytestmark = pytest.mark.django_db

TOKEN = "a-long-monitoring-token-for-tests"


def test_every_response_carries_a_new_request_id(client):
    first, second = client.get("/healthz"), client.get("/sign-in/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_incoming_request_id_is_kept_and_a_strange_one_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21-0001"})["X-Request-ID"] == "lb-7f3a9c21-0001"
    for strange in ["short", "has spaces in it", "<script>alert(1)</script>", "x" * 200]:
        answered = client.get("/healthz", headers={"X-Request-ID": strange})["X-Request-ID"]
        assert answered != strange
        assert len(answered) == 32


def test_a_redirect_to_sign_in_carries_the_request_id_too(client):
    response = client.get("/my-homes/")
    assert response.status_code == 302
    assert response["X-Request-ID"]


def test_audit_events_hold_the_request_id(client, home_staff):
    client.post("/sign-in/", {"username": home_staff.email, "password": "wrong password"},
                headers={"X-Request-ID": "req-failed-sign-in-1"})  # fmt: skip
    event = AuditEvent.objects.get(action=audit.Action.SIGN_IN_FAILED)
    assert event.request_id == "req-failed-sign-in-1"


def test_a_vacancy_update_is_audited_with_its_request_id(client, home, home_staff):
    give_figures(home)
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 14, "vacant_accepting": 4}))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=VacancyAction.VACANCIES_CHANGED).latest("at")
    assert event.request_id == response["X-Request-ID"]


def json_line(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("tracker.test", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_log_lines_are_json_with_the_request_id():
    from tracker import request_id

    token = request_id._current.set("req-in-a-log-line")
    try:
        line = json_line("Home %s saved", 42, home_id=42)
    finally:
        request_id._current.reset(token)
    assert line["message"] == "Home 42 saved"
    assert line["request_id"] == "req-in-a-log-line"
    assert line["level"] == "WARNING"
    assert line["logger"] == "tracker.test"
    assert line["home_id"] == 42
    assert line["time"].endswith("Z")


def test_a_log_line_outside_a_request_says_so():
    assert json_line("nightly snapshot done")["request_id"] == "-"


def test_gunicorns_access_line_takes_the_id_from_the_response():
    atoms = {"r": "GET /healthz HTTP/1.1", "s": "200", "{x-request-id}o": "req-from-response"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s", None, None)
    record.args = atoms  # as gunicorn passes them: one mapping
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /healthz HTTP/1.1 200"
    assert line["request_id"] == "req-from-response"


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def samples(family, name: str, **labels) -> list:
    return [s for s in family.samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_are_scraped_and_parse(client, coordinator, home, other_home):
    give_figures(home)  # confirmed now; other_home never confirmed
    client.force_login(coordinator)
    assert client.get("/find-a-bed/?category=nursing").status_code == 200
    assert client.get(f"/homes/{home.pk}/").status_code == 200
    families = scrape(client)

    latency = families["tracker_request_duration_seconds"]
    assert latency.type == "histogram"
    searched = samples(latency, "tracker_request_duration_seconds_count", view="search:search", method="GET",
                       status="2xx")  # fmt: skip
    assert searched
    assert searched[0].value >= 1
    buckets = samples(latency, "tracker_request_duration_seconds_bucket", view="search:search")
    assert any(s.labels["le"] == "+Inf" for s in buckets)

    queries = families["tracker_request_queries"]
    assert samples(queries, "tracker_request_queries_sum", view="search:search")[0].value >= 1

    depth = families["tracker_task_queue_depth"]
    assert samples(depth, "tracker_task_queue_depth", queue="default", status="ready")[0].value == 0

    share = families["tracker_homes_confirmed_24h_ratio"]
    by_council = {s.labels["gss_code"]: s.value for s in share.samples}
    assert by_council[home.local_authority.gss_code] == 1.0
    assert by_council[other_home.local_authority.gss_code] == 0.0
    active = {s.labels["gss_code"]: s.value for s in families["tracker_active_homes"].samples}
    assert active[home.local_authority.gss_code] == 1


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_task_queue_depth_counts_waiting_tasks(client, council_admin):
    from homes.tasks import check_import

    check_import.enqueue(0)  # waits for a worker; none runs in this test
    depth = scrape(client)["tracker_task_queue_depth"]
    assert samples(depth, "tracker_task_queue_depth", queue="default", status="ready")[0].value == 1


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_refuse_everyone_without_the_token(client, service_admin):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404
    client.force_login(service_admin)  # not even the national admin's session
    assert client.get("/metrics").status_code == 404


@override_settings(METRICS_TOKEN="")
def test_metrics_are_off_without_a_token_set(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
