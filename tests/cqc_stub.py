"""A stand-in for CQC's public API, written by us, for the tests and the benchmark.

It serves what CQC's API serves, in CQC's shape (docs/adr/016-cqc-sync.md, and the CQC
section of DOMAIN.md): ``/locations`` (paged, ``careHome=Y``: ID, name and postcode
only), ``/locations/{id}``, ``/providers/{id}`` and ``/changes/location`` (the IDs changed
between two timestamps, paged). It asks for the subscription key in the
``Ocp-Apim-Subscription-Key`` header. A test sets up its register (``Register``) and
the faults it wants served (``fail``: a status, a timeout, a body that is not JSON, a
page that repeats or a list that never ends), and reads back what was asked
(``requests``). It runs on its own thread on 127.0.0.1, started and stopped by the test.
"""

import datetime
import json
import math
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = "stub-subscription-key"
# This checkout's ports for live servers and stubs (another checkout's tests use others).
PORTS = range(8220, 8230)


def location_document(
    location_id: str,
    name: str,
    postcode: str,
    *,
    provider_id: str = "1-900000001",
    local_authority: str = "Leeds",
    latitude: float | None = None,
    longitude: float | None = None,
    nursing: bool = True,
    beds: int | None = 40,
    rating: str | None = "Good",
    report_date: str | None = "2024-03-01",
    key_questions: dict[str, str] | None = None,
    registered: bool = True,
    registration_date: str = "2015-04-01",
    deregistration_date: str | None = None,
    care_home: bool = True,
    specialisms: tuple[str, ...] = ("Caring for adults over 65 yrs", "Dementia"),
    phone: str = "01134960000",
    website: str = "www.example.org",
    inspected: str | None = "2024-01-20",
    dormancy: str = "N",
    domiciliary: bool = False,
) -> dict:
    """One location as ``/locations/{id}`` gives it: CQC's field names, CQC's words."""
    document = {
        "locationId": location_id,
        "providerId": provider_id,
        "organisationType": "Location",
        "type": "Social Care Org",
        "name": name,
        "registrationStatus": "Registered" if registered else "Deregistered",
        "registrationDate": registration_date,
        "dormancy": dormancy,
        "careHome": "Y" if care_home else "N",
        "inspectionDirectorate": "Adult social care",
        "website": website,
        "postalAddressLine1": f"1 {name} Road",
        "postalAddressTownCity": "Leeds",
        "postalAddressCounty": "West Yorkshire",
        "region": "Yorkshire and The Humber",
        "postalCode": postcode,
        "mainPhoneNumber": phone,
        "numberOfBeds": beds,
        "localAuthority": local_authority,
        "gacServiceTypes": [
            {"name": "Homecare agencies", "description": "Domiciliary care service"}
            if domiciliary
            else {"name": "Nursing homes", "description": "Care home service with nursing"}
            if nursing
            else {"name": "Residential homes", "description": "Care home service without nursing"}
        ],
        "specialisms": [{"name": specialism} for specialism in specialisms],
        "regulatedActivities": [{"name": "Accommodation for persons who require nursing or personal care"}],
    }
    if latitude is not None:
        document |= {"onspdLatitude": latitude, "onspdLongitude": longitude}
    if not registered:
        document["deregistrationDate"] = deregistration_date or "2026-11-01"
    if inspected:
        document["lastInspection"] = {"date": inspected}
    if rating:
        overall = {"rating": rating}
        if report_date:
            overall["reportDate"] = report_date
        overall["keyQuestionRatings"] = [
            {"name": question, "rating": words, "reportDate": report_date}
            for question, words in (key_questions or {}).items()
        ]
        document["currentRatings"] = {"overall": overall}
    return document


def provider_document(provider_id: str, name: str) -> dict:
    return {"providerId": provider_id, "organisationType": "Provider", "name": name, "registrationStatus": "Registered"}


@dataclass
class Register:
    """What the stub's CQC knows: location and provider documents, and when each changed."""

    locations: dict[str, dict] = field(default_factory=dict)
    providers: dict[str, dict] = field(default_factory=dict)
    changed: list[tuple[datetime.datetime, str]] = field(default_factory=list)

    def add(self, document: dict, changed_at: datetime.datetime | None = None) -> None:
        self.locations[document["locationId"]] = document
        if changed_at is not None:
            self.changed.append((changed_at, document["locationId"]))

    def change(self, location_id: str, changed_at: datetime.datetime, **fields) -> None:
        self.locations[location_id] = self.locations[location_id] | fields
        self.changed.append((changed_at, location_id))


def _page(items: list, query: dict) -> tuple[list, int, int]:
    per_page = int(query.get("perPage", ["500"])[0])
    number = int(query.get("page", ["1"])[0])
    total_pages = max(1, math.ceil(len(items) / per_page))
    return items[(number - 1) * per_page : number * per_page], number, total_pages


def _when(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)


class Stub:
    """The server. ``fail(path, *faults)``: the next requests for ``path`` (no query) get these
    faults in turn: a status (500, 429...), ``"timeout"``, ``"not json"``, ``"repeat"`` (the
    previous page again) or ``"endless"`` (a list page that says there are always more)."""

    def __init__(self, register: Register | None = None, *, key: str = KEY, retry_after: str = "1"):
        self.register = register or Register()
        self.key, self.retry_after = key, retry_after
        self.faults: dict[str, deque] = {}
        self.requests: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.server = None
        self.delay = 0.0  # seconds before each answer: CQC is not on this machine

    def fail(self, path: str, *faults) -> None:
        with self.lock:
            self.faults.setdefault(path, deque()).extend(faults)

    def _fault(self, path: str):
        with self.lock:
            queue = self.faults.get(path)
            return queue.popleft() if queue else None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def most_in_any_minute(self) -> int:
        """The largest number of requests that started within 60 seconds of each other."""
        times, most, start = sorted(t for t, _ in self.requests), 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 60:
                start += 1
            most = max(most, end - start + 1)
        return most

    def __enter__(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as CQC's API answers
            disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

            def log_message(self, *args):
                pass

            def do_GET(self):
                stub.answer(self)

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError(f"No free port for the CQC stub in {PORTS.start}-{PORTS.stop - 1}")
        self.server.daemon_threads = True
        # shutdown() waits for serve_forever to look again: every half second by default, which was
        # half a second at the end of each test with a stub.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        with self.lock:
            self.requests.append((time.monotonic(), handler.path))
        if self.delay:
            time.sleep(self.delay)
        if handler.headers.get("Ocp-Apim-Subscription-Key") != self.key:
            return self._send(
                handler, 401, {"statusCode": 401, "message": "Access denied due to invalid subscription key"}
            )
        fault = self._fault(path)
        if fault == "timeout":
            time.sleep(3)  # longer than the tests' client waits
            return self._send(handler, 200, {})
        if fault == "not json":
            return self._send(handler, 200, b"<html>Service unavailable</html>")
        if isinstance(fault, int):
            headers = {"Retry-After": self.retry_after} if fault == 429 else {}
            return self._send(handler, fault, {"statusCode": fault, "message": "Stub fault"}, headers)
        if path == "/locations":
            homes = [
                {"locationId": d["locationId"], "locationName": d["name"], "postalCode": d.get("postalCode")}
                for d in self.register.locations.values()
                if (query.get("careHome") != ["Y"] or d.get("careHome") == "Y")
                and (
                    "gacServiceTypeDescription" not in query
                    or query["gacServiceTypeDescription"][0]
                    in [service.get("description") for service in d.get("gacServiceTypes") or []]
                )
            ]
            if fault == "repeat":
                query = {**query, "page": [str(max(1, int(query.get("page", ["1"])[0]) - 1))]}
            items, number, total_pages = _page(homes, query)
            if fault == "endless":
                total_pages = 10**6
            return self._send(
                handler, 200, self._paged("/locations", "locations", items, number, total_pages, len(homes))
            )
        if path.startswith("/locations/"):
            document = self.register.locations.get(path.removeprefix("/locations/"))
            if document is None:
                return self._send(handler, 404, {"statusCode": 404, "message": "Location not found"})
            return self._send(handler, 200, document)
        if path.startswith("/providers/"):
            document = self.register.providers.get(path.removeprefix("/providers/"))
            if document is None:
                return self._send(handler, 404, {"statusCode": 404, "message": "Provider not found"})
            return self._send(handler, 200, document)
        if path == "/changes/location":
            start, end = _when(query["startTimestamp"][0]), _when(query["endTimestamp"][0])
            ids = list(dict.fromkeys(i for when, i in sorted(self.register.changed) if start <= when < end))
            items, number, total_pages = _page(ids, query)
            return self._send(
                handler, 200, self._paged("/changes/location", "changes", items, number, total_pages, len(ids))
            )
        return self._send(handler, 404, {"statusCode": 404, "message": "Resource not found"})

    @staticmethod
    def _paged(uri: str, key: str, items: list, number: int, total_pages: int, total: int) -> dict:
        return {
            "total": total,
            "page": number,
            "totalPages": total_pages,
            "perPage": len(items),
            "firstPageUri": f"{uri}?page=1",
            "nextPageUri": f"{uri}?page={number + 1}" if number < total_pages else None,
            key: items,
            "uri": uri,
        }

    @staticmethod
    def _send(handler, status: int, body, headers: dict | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json" if not isinstance(body, bytes) else "text/html")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout the test asked for)


def serve(path: str) -> None:
    """``python tests/cqc_stub.py register.json``: the stub in a process of its own (the
    benchmark's, so that it does not share a Python thread lock with the sync it answers).
    Prints its address, then serves until killed. The file holds the register's locations,
    providers and changes ([when, id], when as ISO 8601)."""
    with open(path) as file:
        saved = json.load(file)
    register = Register(
        locations={document["locationId"]: document for document in saved["locations"]},
        providers={document["providerId"]: document for document in saved["providers"]},
        changed=[(datetime.datetime.fromisoformat(when), location_id) for when, location_id in saved["changed"]],
    )
    with Stub(register) as stub:
        print(stub.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    import sys

    serve(sys.argv[1])
