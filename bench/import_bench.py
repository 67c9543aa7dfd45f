"""Times the bulk CSV import of 15,500 CQC-style rows (issue 3's target: under 60 s).

Run: `make bench-import` (or `python bench/import_bench.py`) against the
development database with postcodes loaded. It builds a file of synthetic
homes at real, randomly chosen English postcodes, checks it (the dry run) and
imports it (one transaction), prints both times, then deletes what it added.
"""

import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

from tracker.embedded_postgres import ensure_running

ensure_running()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from homes import csv_import  # noqa: E402
from registers.models import CareHome, Postcode, Provider  # noqa: E402

ROWS = int(os.environ.get("IMPORT_ROWS", "15500"))
HEADER = ["location_id", "provider_id", "name", "address_line_1", "town", "postcode", "phone", "care_home",
          "service_types", "specialisms", "overall_rating", "overall_rating_date"]  # fmt: skip


def build_file(rng: random.Random) -> str:
    postcodes = list(Postcode.objects.order_by("?").values_list("postcode", flat=True)[:ROWS])
    if len(postcodes) < ROWS:
        raise SystemExit("Load the postcodes first: python manage.py load_places")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n, postcode in enumerate(postcodes):
        writer.writerow([
            f"1-9{n:09d}", f"1-8{rng.randrange(3000):09d}", f"Bench Home {n}", f"{n} High Street", "Town", postcode,
            f"01{rng.randrange(10**8, 10**9)}", "Y",
            rng.choice(["Care home service with nursing", "Care home service without nursing"]),
            "Caring for adults over 65 yrs|Dementia", rng.choice(["Good", "Good", "Good", "Outstanding",
                                                                  "Requires improvement"]), "2024-01-15",
        ])  # fmt: skip
    return out.getvalue()


def main() -> None:
    rng = random.Random(7)
    text = build_file(rng)
    user = get_user_model().objects.filter(is_superuser=True).first()
    started = time.perf_counter()
    columns = csv_import.columns_for(csv_import.read_header(text)).fields
    plan = csv_import.plan(text, columns, allowed_la_ids=None)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    created, updated, _archived = csv_import.apply(plan, user=user, filename="bench.csv")
    imported = time.perf_counter() - started
    print(f"rows: {ROWS:,}; problems: {len(plan.problems)}; created: {created:,}; updated: {updated:,}")
    total = checked + imported
    print(f"check (dry run): {checked:.1f} s; import (one transaction): {imported:.1f} s; total {total:.1f} s")
    CareHome.objects.filter(cqc_location_id__startswith="1-9", name__startswith="Bench Home ").delete()
    Provider.objects.filter(homes__isnull=True, name__startswith="CQC provider 1-8").delete()


if __name__ == "__main__":
    main()
