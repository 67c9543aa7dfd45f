"""Times the CQC sync against our stub of CQC's API at national scale (issue 25): a first
load of 15,500 care homes, then a day of CQC's changes (300 locations).

Run by `make bench` (bench/run.py), or alone: `python bench/cqc_sync_bench.py`, against the
development database with postcodes loaded. Like the import benchmark it adds real-looking
homes (IDs 1-6 and nine digits: neither the dataset's nor import_bench's), each as a council
imported it from an older CQC file (ratings not known for some, registered beds behind for
others, coordinates from our postcode table), and deletes everything it added afterwards.
The stub runs in a process of its own (tests/cqc_stub.py), serving CQC's shape.

- The first load runs with no rate limit: what it measures is the portal's own work, which
  must be faster than CQC's limit allows (so that the limit, not the portal, paces it).
  The time the limit imposes is worked out from the requests it made.
- The day's changes run with CQC's limit on (CQC_API_REQUESTS_PER_MINUTE), as in production;
  the stub counts the most requests that started within any minute.

Prints one JSON object.
"""

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

from tracker.embedded_postgres import ensure_running  # noqa: E402

ensure_running()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402

from homes import cqc_sync  # noqa: E402
from homes.cqc_api import CqcApi  # noqa: E402
from homes.models import CqcLocation, CqcSyncRun  # noqa: E402
from homes.postcodes import Places  # noqa: E402
from registers.models import CareHome, Postcode, Provider  # noqa: E402
from tests.cqc_stub import KEY, location_document, provider_document  # noqa: E402

LOCATIONS = int(os.environ.get("CQC_BENCH_LOCATIONS", "15500"))
CHANGES = int(os.environ.get("CQC_BENCH_CHANGES", "300"))
NEW = CHANGES // 10  # of the day's changes, homes newly registered with CQC
PROVIDERS = LOCATIONS // 3
RATINGS = [("Good", 74), ("Outstanding", 5), ("Requires improvement", 16), ("Inadequate", 1), ("Not yet rated", 4)]
QUESTIONS = ["Safe", "Effective", "Caring", "Responsive", "Well-led"]


def location_id(n: int) -> str:
    return f"1-6{n:09d}"


def provider_id(n: int) -> str:
    return f"1-5{n:09d}"


def build(rng: random.Random) -> tuple[list[dict], dict[str, dict]]:
    """CQC's register (documents) and the portal's homes as an older file left them."""
    wanted = LOCATIONS + NEW
    postcodes = list(Postcode.objects.order_by("?")[: wanted * 11 // 10])
    places = Places({p.postcode for p in postcodes})
    postcodes = [p for p in postcodes if (places.locate(p.postcode) or (0, 0, None))[2] is not None]
    if len(postcodes) < wanted:
        raise SystemExit("Load the postcodes first: python manage.py load_places")
    postcodes = postcodes[:wanted]
    providers = Provider.objects.bulk_create(
        Provider(name=f"CQC Bench Provider {n}", cqc_provider_id=provider_id(n)) for n in range(PROVIDERS)
    )
    documents, homes = [], []
    for n, postcode in enumerate(postcodes):
        latitude, longitude, council = places.locate(postcode.postcode)
        rating = rng.choices([r for r, _ in RATINGS], weights=[w for _, w in RATINGS])[0]
        rated = rating != "Not yet rated"
        document = location_document(
            location_id(n), f"CQC Bench Home {n}", postcode.postcode, provider_id=provider_id(n % PROVIDERS),
            local_authority=places.councils.names[council], latitude=round(latitude + 0.0002, 6),
            longitude=round(longitude - 0.0002, 6), nursing=rng.random() < 0.5, beds=rng.randint(10, 90),
            rating=rating, report_date=f"20{rng.randint(19, 26)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" if rated
            else None, key_questions={q: rng.choice(["Good", "Good", "Requires improvement"]) for q in QUESTIONS}
            if rated else None, registration_date="2014-05-01",
        )  # fmt: skip
        if n >= LOCATIONS:  # registered with CQC later: the day's new homes
            documents.append(document | {"registrationDate": datetime.date.today().isoformat()})
            continue
        documents.append(document)
        nursing = "with nursing" in str(document["gacServiceTypes"])
        homes.append(
            CareHome(
                cqc_location_id=location_id(n), name=document["name"], provider=providers[n % PROVIDERS],
                address_line_1=document["postalAddressLine1"], town="Town", postcode=postcode.postcode,
                local_authority_id=council, latitude=latitude, longitude=longitude, phone="0113 496 0000",
                service_type="with_nursing" if nursing else "without_nursing",
                service_user_bands=["older_people", "dementia"],
                registered_beds=document["numberOfBeds"] - (n % 5 == 0),  # a fifth behind CQC's register
            )
        )  # fmt: skip
    CareHome.objects.bulk_create(homes, batch_size=2000)
    providers_documents = {p.cqc_provider_id: provider_document(p.cqc_provider_id, p.name) for p in providers}
    return documents, providers_documents


def day_of_changes(documents: list[dict], after: datetime.datetime, rng: random.Random) -> list[tuple[str, str]]:
    """CHANGES locations CQC changed an hour after ``after``: new ratings, beds, deregistrations (one in
    twenty), and NEW homes newly registered."""
    when = (after + datetime.timedelta(hours=1)).isoformat()
    chosen = rng.sample(range(LOCATIONS), CHANGES - NEW)
    changed = []
    for number, n in enumerate(chosen):
        document = documents[n]
        if number % 20 == 0:
            document |= {"registrationStatus": "Deregistered", "deregistrationDate": after.date().isoformat()}
        elif number % 4 == 0:
            document["numberOfBeds"] += 2
        else:
            document["currentRatings"] = {"overall": {"rating": "Requires improvement", "reportDate": after.date()
                                                      .isoformat(), "keyQuestionRatings": []}}  # fmt: skip
        changed.append((when, document["locationId"]))
    changed += [(when, document["locationId"]) for document in documents[LOCATIONS:]]
    return changed


def watch(api: CqcApi) -> list[float]:
    """When each of ``api``'s requests started (after waiting its turn under the limit)."""
    starts, wait_turn = [], api.limit.wait_turn

    def waited():
        wait_turn()
        starts.append(time.monotonic())

    api.limit.wait_turn = waited
    return starts


def most_in_a_minute(starts: list[float]) -> int:
    most, first = 0, 0
    for last, moment in enumerate(starts):
        while moment - starts[first] >= 60:
            first += 1
        most = max(most, last - first + 1)
    return most


class StubProcess:
    """tests/cqc_stub.py serving a register, in a process of its own."""

    def __init__(self, documents, providers, changed, directory):
        self.path = Path(directory) / f"register-{len(changed)}.json"
        self.path.write_text(json.dumps({"locations": documents, "providers": list(providers.values()),
                                         "changed": changed}))  # fmt: skip

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "cqc_stub.py"), str(self.path)], stdout=subprocess.PIPE, text=True,
            cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        self.url = self.process.stdout.readline().strip()
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(10)


def main() -> None:
    rng = random.Random(25)
    before = set(CqcSyncRun.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    documents, providers = build(rng)
    built = time.perf_counter() - started
    result = {"locations": LOCATIONS, "changes": CHANGES, "build_seconds": round(built, 1)}
    try:
        with tempfile.TemporaryDirectory() as directory, override_settings(CQC_API_KEY=KEY, CQC_PARTNER_CODE=""):
            # The first load's list holds only the register's care homes as they were before the day's new ones.
            with StubProcess(documents[:LOCATIONS], providers, [], directory) as stub:
                api = CqcApi(stub.url, KEY, per_minute=10**9)
                started = time.perf_counter()
                first = cqc_sync.sync(full=True, api=api)
                seconds = time.perf_counter() - started
            limit = settings.CQC_API_REQUESTS_PER_MINUTE
            result["first_load"] = {
                "status": first.status, "seconds": round(seconds, 1), "requests": first.requests,
                "counts": first.counts, "locations_per_second": round(first.counts.get("read", 0) / seconds, 1),
                "requests_per_minute": round(first.requests / seconds * 60),
                "at_cqc_limit_minutes": round(max(0, first.requests - limit) / limit, 1), "cqc_limit_per_minute": limit,
            }  # fmt: skip
            changed = day_of_changes(documents, first.changes_to, rng)
            with StubProcess(documents, providers, changed, directory) as stub:
                api = CqcApi(stub.url, KEY)  # CQC's limit, as in production
                starts = watch(api)
                started = time.perf_counter()
                day = cqc_sync.sync(api=api, now=first.changes_to + datetime.timedelta(days=1))
                seconds = time.perf_counter() - started
            result["day_of_changes"] = {
                "status": day.status, "seconds": round(seconds, 1), "requests": day.requests, "counts": day.counts,
                "most_requests_in_a_minute": most_in_a_minute(starts), "cqc_limit_per_minute": limit,
            }  # fmt: skip
    finally:
        started = time.perf_counter()
        CqcLocation.objects.filter(location_id__startswith="1-6", name__startswith="CQC Bench Home ").delete()
        CareHome.objects.filter(cqc_location_id__startswith="1-6", name__startswith="CQC Bench Home ").delete()
        Provider.objects.filter(homes__isnull=True, name__startswith="CQC Bench Provider ").delete()
        CqcSyncRun.objects.exclude(pk__in=before).delete()
        result["cleanup_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
