"""The CQC API client against our stub of CQC's API: its key, its pages, and what it does
when CQC fails: timeouts, 5xx, 429 with Retry-After, bodies that are not JSON, lists that
repeat or never end; and that it never starts more requests in a minute than CQC allows."""

import datetime
import time

import pytest

from homes.cqc_api import CqcApi, CqcUnavailable, NotFound, RateLimit
from tests.cqc_stub import KEY, Register, Stub, location_document, provider_document

NOW = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)


def client(stub, **options) -> CqcApi:
    settings = {"per_minute": 600, "attempts": 3, "backoff": 0.01, "timeout": 0.5, "partner_code": ""} | options
    return CqcApi(stub.url, KEY, **settings)


@pytest.fixture
def stub():
    register = Register()
    for number in range(1, 6):
        register.add(location_document(f"1-10000000{number}", f"Home {number}", "LS6 2AD"))
    register.add(location_document("1-200000001", "A dentist", "LS6 2AD", care_home=False))
    register.providers["1-900000001"] = provider_document("1-900000001", "Aire Valley Care Ltd")
    with Stub(register) as running:
        yield running


def test_the_key_goes_in_cqcs_header_and_pages_are_read_to_the_end(stub, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    api = client(stub, partner_code="CareCapacityTracker")
    pages = list(api.care_home_pages())
    assert [page.ids for page in pages] == [["1-100000001", "1-100000002"], ["1-100000003", "1-100000004"],
                                            ["1-100000005"]]  # fmt: skip
    assert {page.total_pages for page in pages} == {3}
    assert all("careHome=Y" in path and "partnerCode=CareCapacityTracker" in path for _, path in stub.requests)
    assert api.location("1-100000001")["name"] == "Home 1"
    assert api.provider("1-900000001")["name"] == "Aire Valley Care Ltd"
    assert api.requests_made == 5


def test_a_wrong_key_stops_at_once(stub):
    api = CqcApi(stub.url, "not-the-key", per_minute=600, attempts=3, backoff=0.01, timeout=0.5)
    with pytest.raises(CqcUnavailable, match="401"):
        api.location("1-100000001")
    assert len(stub.requests) == 1  # not worth trying again


def test_a_location_cqc_does_not_have_is_not_found(stub):
    with pytest.raises(NotFound):
        client(stub).location("1-999999999")


@pytest.mark.parametrize("fault", [500, 502, 503, "timeout", "not json"])
def test_a_failure_is_tried_again_with_backoff(stub, fault):
    stub.fail("/locations/1-100000001", fault, fault)
    api = client(stub)
    assert api.location("1-100000001")["name"] == "Home 1"
    assert (api.requests_made, api.retries) == (3, 2)


@pytest.mark.parametrize("fault", [500, "timeout", "not json"])
def test_a_failure_that_lasts_says_so_after_the_last_try(stub, fault):
    stub.fail("/locations/1-100000001", fault, fault, fault)
    api = client(stub)
    with pytest.raises(CqcUnavailable, match="after 3 tries"):
        api.location("1-100000001")
    assert api.requests_made == 3


def test_429_waits_as_long_as_retry_after_says(stub):
    stub.retry_after = "1"
    stub.fail("/locations/1-100000001", 429)
    api = client(stub)
    started = time.monotonic()
    assert api.location("1-100000001")["name"] == "Home 1"
    assert time.monotonic() - started >= 1.0
    assert api.retries == 1


def test_a_retry_after_too_long_to_wait_for_stops_the_run(stub):
    stub.retry_after = "3600"
    stub.fail("/locations/1-100000001", 429)
    with pytest.raises(CqcUnavailable, match="wait 3600 s"):
        client(stub).location("1-100000001")


def test_a_list_that_says_it_never_ends_stops_where_the_locations_end(stub, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    stub.fail("/locations", "endless")
    pages = list(client(stub).care_home_pages())
    assert [len(page.ids) for page in pages] == [2, 2, 1]


def test_a_list_beyond_any_sense_is_refused(stub, monkeypatch):
    monkeypatch.setattr("homes.cqc_api.MAX_PAGES", 2)
    monkeypatch.setattr("homes.cqc_api.PER_PAGE", 2)
    with pytest.raises(CqcUnavailable, match="more than 2 pages"):
        list(client(stub).care_home_pages())


def test_changes_are_read_between_two_moments(stub):
    stub.register.changed += [(NOW - datetime.timedelta(hours=2), "1-100000002"),
                              (NOW - datetime.timedelta(days=2), "1-100000003"),
                              (NOW - datetime.timedelta(hours=1), "1-200000001")]  # fmt: skip
    pages = list(client(stub).changed_location_ids(NOW - datetime.timedelta(days=1), NOW))
    assert [page.ids for page in pages] == [["1-100000002", "1-200000001"]]
    assert "startTimestamp=2026-11-30T06%3A00%3A00Z&endTimestamp=2026-12-01T06%3A00%3A00Z" in stub.requests[-1][1]


def test_the_rate_limit_lets_a_minutes_worth_go_then_paces_the_rest():
    """No more than the limit start in any 60 seconds (a sliding window)."""
    now, slept = [0.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(3, clock=lambda: now[0], sleep=sleep)
    starts = []
    for _ in range(7):
        limit.wait_turn()
        starts.append(now[0])
        now[0] += 1  # each request takes a second
    assert starts == [0, 1, 2, 60, 61, 62, 120]
    assert all(sum(1 for t in starts if start <= t < start + 60) <= 3 for start in starts)


def test_requests_to_the_stub_stay_within_the_limit(stub):
    api = client(stub, per_minute=4)
    api.limit.sleep = lambda seconds: time.sleep(min(seconds, 0.01))  # the test does not wait a minute
    waits = []
    real = api.limit.sleep
    api.limit.sleep = lambda seconds: (waits.append(seconds), real(seconds))
    for number in range(1, 6):
        api.location(f"1-10000000{number}")
    assert len(waits) == 1
    assert waits[0] > 59
