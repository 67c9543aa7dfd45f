"""A client for CQC's public API (issue 25): what the CQC sync reads.

    https://api.service.cqc.org.uk/public/v1 (CQC_API_URL), key in the
    Ocp-Apim-Subscription-Key header (CQC_API_KEY)

- ``care_home_pages()``: ``/locations?careHome=Y``, page by page (IDs, names, postcodes);
- ``changed_location_ids(start, end)``: ``/changes/location``, every location (of any kind)
  CQC changed between two moments;
- ``location(id)`` and ``provider(id)``: one document each.

Every request has a timeout, waits its turn under CQC's rate limit (no more than
CQC_API_REQUESTS_PER_MINUTE in any minute), and is tried again with backoff after a
connection error, a timeout, a 5xx, a 429 (after its Retry-After) or a body that is not
JSON. What still fails raises ``CqcUnavailable`` (the run stops and resumes later); a
location CQC does not have raises ``NotFound``.
"""

import collections
import datetime
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from django.conf import settings
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

# A page of /locations or /changes/location: as many as CQC gives (its maximum).
PER_PAGE = 1000
# Pages a list may run to before we stop believing it ends (15,500 care homes are 16).
MAX_PAGES = 1000
# A Retry-After longer than this is not waited for in one go: the run stops and resumes.
LONGEST_WAIT = 300


class CqcUnavailable(Exception):
    """CQC's API did not answer usably, after trying again: nothing more can be read now."""


class NotFound(Exception):
    """CQC has no such location or provider (404)."""


class _TryAgain(Exception):
    """One attempt failed in a way worth trying again; ``wait`` is CQC's Retry-After, if it said."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


class RateLimit:
    """No more than ``per_minute`` requests start in any 60 seconds: a sliding window, so a
    day's few hundred go at once and a first load of thousands is paced at CQC's limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.per_minute, self.clock, self.sleep = per_minute, clock, sleep
        self.started: collections.deque[float] = collections.deque()
        self.lock = threading.Lock()

    def wait_turn(self) -> None:
        with self.lock:
            now = self.clock()
            while self.started and now - self.started[0] >= 60:
                self.started.popleft()
            if len(self.started) >= self.per_minute:
                self.sleep(60 - (now - self.started[0]))
                self.started.popleft()
                now = self.clock()
            self.started.append(now)


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds (a number or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = datetime.datetime.strptime(value, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=datetime.UTC)
    except ValueError:
        return None
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


@dataclass
class Page:
    number: int
    total_pages: int
    ids: list[str]


class CqcApi:
    def __init__(
        self,
        base_url: str | None = None,
        key: str | None = None,
        *,
        per_minute: int | None = None,
        attempts: int | None = None,
        backoff: float | None = None,
        timeout: float | None = None,
        partner_code: str | None = None,
    ):
        self.base_url = (base_url or settings.CQC_API_URL).rstrip("/")
        self.key = settings.CQC_API_KEY if key is None else key
        self.limit = RateLimit(per_minute or settings.CQC_API_REQUESTS_PER_MINUTE)
        self.attempts = attempts or settings.CQC_API_ATTEMPTS
        self.backoff = settings.CQC_API_BACKOFF_SECONDS if backoff is None else backoff
        self.timeout = timeout or settings.CQC_API_TIMEOUT_SECONDS
        self.partner_code = settings.CQC_PARTNER_CODE if partner_code is None else partner_code
        self.session = requests.Session()
        self.session.headers.update({"Ocp-Apim-Subscription-Key": self.key, "Accept": "application/json"})
        self.requests_made = 0
        self.retries = 0

    # --- one request ----------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _TryAgain) and error.wait is not None:
            return error.wait
        return wait_random_exponential(multiplier=self.backoff, max=max(self.backoff * 60, 0.01))(state)

    def _once(self, path: str, params: dict) -> dict:
        self.limit.wait_turn()
        self.requests_made += 1
        try:
            response = self.session.get(f"{self.base_url}{path}", params=params, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise _TryAgain(f"{path}: {type(error).__name__}") from error
        if response.status_code == 404:
            raise NotFound(path)
        if response.status_code == 429:
            wait = _retry_after(response)
            if wait is not None and wait > LONGEST_WAIT:
                raise CqcUnavailable(f"{path}: CQC asks us to wait {wait:.0f} s (429)")
            raise _TryAgain(f"{path}: 429 Too Many Requests", wait)
        if response.status_code >= 500:
            raise _TryAgain(f"{path}: {response.status_code}", _retry_after(response))
        if response.status_code != 200:
            raise CqcUnavailable(f"{path}: {response.status_code} {response.reason}")
        try:
            body = response.json()
        except ValueError as error:
            raise _TryAgain(f"{path}: the answer is not JSON") from error
        if not isinstance(body, dict):
            raise _TryAgain(f"{path}: the answer is not a JSON object")
        return body

    def get(self, path: str, **params) -> dict:
        if self.partner_code:
            params["partnerCode"] = self.partner_code
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_TryAgain),
            before_sleep=lambda state: setattr(self, "retries", self.retries + 1),
            reraise=True,
        )
        try:
            return retrying(self._once, path, params)
        except _TryAgain as error:
            raise CqcUnavailable(f"{error} (after {self.attempts} tries)") from error

    # --- what the sync reads ----------------------------------------------------------

    def _pages(self, path: str, key: str, id_of, first: int = 1, **params) -> Iterator[Page]:
        number, total = first, None
        while total is None or number <= total:
            if number > MAX_PAGES:
                raise CqcUnavailable(f"{path}: more than {MAX_PAGES} pages; the list does not end")
            body = self.get(path, page=number, perPage=PER_PAGE, **params)
            items = body.get(key)
            if not isinstance(items, list):
                raise CqcUnavailable(f"{path} page {number}: no list of {key}")
            if total is None:
                # The first answer's count holds for the whole list: a list that grows
                # while it is read, or says it never ends, stops there.
                total = _whole(body.get("totalPages"))
                if total is None:
                    raise CqcUnavailable(f"{path} page {number}: no totalPages")
            if not items and number > first:
                return  # past the end, whatever the count said
            yield Page(number, total, [found for item in items if (found := id_of(item))])
            number += 1

    def care_home_pages(self, first: int = 1) -> Iterator[Page]:
        def id_of(item):
            return item.get("locationId") if isinstance(item, dict) else None

        return self._pages("/locations", "locations", id_of, first, careHome="Y")

    def agency_pages(self, first: int = 1) -> Iterator[Page]:
        """Home-care agencies: CQC's "Domiciliary care service" (ADR 019)."""

        def id_of(item):
            return item.get("locationId") if isinstance(item, dict) else None

        return self._pages("/locations", "locations", id_of, first, gacServiceTypeDescription=DOMICILIARY)

    def changed_location_ids(self, start: datetime.datetime, end: datetime.datetime, first: int = 1) -> Iterator[Page]:
        def id_of(item):
            return item if isinstance(item, str) else None

        return self._pages(
            "/changes/location", "changes", id_of, first, startTimestamp=_timestamp(start), endTimestamp=_timestamp(end)
        )

    def location(self, location_id: str) -> dict:
        return self.get(f"/locations/{location_id}")

    def provider(self, provider_id: str) -> dict:
        return self.get(f"/providers/{provider_id}")


DOMICILIARY = "Domiciliary care service"


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
