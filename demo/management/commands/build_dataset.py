"""A realistic, synthetic England for demos and benchmarks: homes, providers,
staff, and a year of vacancy history. Deterministic from --seed, idempotent.

    manage.py build_dataset                 # one region (Yorkshire and The Humber): quick
    manage.py build_dataset --scale national  # about 15,500 homes, about 455,000 places

Homes are spread over the real councils in proportion to their number of live
postcodes (a stand-in for population) at real postcodes. Everything it makes
is marked as synthetic (``is_synthetic`` on its homes, providers, accounts and
snapshots), and a rebuild deletes only what is so marked: never a home, account
or snapshot it did not make. Against a database that holds real homes it builds
nothing unless told to (``--alongside-real-homes``). Its CQC location IDs are
twelve digits starting 99 (1-99...), longer than any CQC has issued, and its
providers have no CQC ID, so a real file cannot meet them.
"""

import datetime
import random
import time
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Membership, Role, User
from demo import agency_dataset, enquiries, package_requests, returns
from demo.bulk import copy_rows as _copy
from demo.models import DatasetBuild
from demo.profiles import public_profile
from demo.real_homes import add_flag, real_homes
from registers.choices import CqcRating, Facility, Funding, ServiceType
from registers.models import CareHome, LocalAuthority, Postcode, PostcodeArea, Provider
from tracker.sql import table
from vacancies.models import (
    CapacitySnapshot,
    CategoryVacancy,
    FreshnessSnapshot,
    HomeVacancies,
    VacancyChange,
    VacancyUpdate,
)
from vacancies.updates import CATEGORY_FIELDS

NATIONAL_HOMES = 15_500
DAYS = 365
ID_PREFIX = "1-99"  # then 10 digits: see the module's docstring
EMAIL_DOMAIN = "dataset.example"
PASSWORD = "dataset-password-2026"  # noqa: S105 - synthetic accounts for load tests
REGION_FOR_DEFAULT = "Yorkshire and The Humber"

RATINGS = [
    (CqcRating.GOOD, 0.74),
    (CqcRating.OUTSTANDING, 0.05),
    (CqcRating.REQUIRES_IMPROVEMENT, 0.16),
    (CqcRating.INADEQUATE, 0.01),
    (CqcRating.NOT_YET_RATED, 0.04),
]
NURSING_CATEGORIES = ["nursing", "nursing_dementia", "ld_nursing", "mh_nursing", "d2a", "intermediate"]
RESIDENTIAL_CATEGORIES = ["residential", "residential_dementia", "ld_residential", "mh_residential", "ypd", "respite"]


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


class Command(BaseCommand):
    help = "Build (or rebuild) the synthetic national or regional dataset. Deterministic and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["region", "national"], default="region")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="Rebuild even if the same dataset is there.")
        parser.add_argument(
            "--councils",
            default="",
            help="Only these councils (ONS codes, comma-separated): a small dataset for tests.",
        )
        add_flag(parser, "the dataset")
        parser.add_argument("--remove", action="store_true", help="Delete the synthetic dataset, and build nothing.")

    def handle(self, *args, scale, seed, force, councils, alongside_real_homes, remove, **options):
        started = time.monotonic()
        if remove:
            with transaction.atomic():
                self._clear()
            self.stdout.write("Removed the synthetic dataset (real homes, accounts and snapshots are untouched).")
            return
        real = real_homes(self, alongside=alongside_real_homes, what="the synthetic dataset is not built")
        if real is None:
            return
        chosen = [code for code in councils.split(",") if code]
        councils = list(LocalAuthority.objects.councils().select_related("region"))
        if chosen:
            councils = [la for la in councils if la.gss_code in chosen]
            scale = "councils " + ",".join(sorted(chosen))
        elif scale == "region":
            councils = [la for la in councils if la.region.name == REGION_FOR_DEFAULT]
        weights = self._postcode_counts(councils)
        total_weight = sum(weights.values())
        share = sum(weights.values()) / sum(self._postcode_counts(list(LocalAuthority.objects.councils())).values())
        target = round(NATIONAL_HOMES * share)
        built = DatasetBuild.objects.first()
        existing = CareHome.objects.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN).count()
        self.seed = seed
        if (
            built
            and not force
            and (built.scale, built.seed, built.homes, built.version) == (scale, seed, existing, DatasetBuild.VERSION)
        ):
            self.stdout.write(f"Dataset already built ({existing:,} homes, {scale}, seed {seed}).")
            self._fill_public_profiles()
            enquiries.fill(self.stdout, seed, EMAIL_DOMAIN)
            package_requests.fill(self.stdout, seed, EMAIL_DOMAIN)
            self._fill_returns(seed)
            return
        rng = random.Random(seed)
        with transaction.atomic():
            self._clear()
            homes = self._homes(rng, councils, weights, total_weight, target)
            self._history(rng, homes, keep_snapshots=bool(real))
            self._people(homes)
            agencies = self._agencies(random.Random(seed + 26), councils, weights, total_weight, share)
            enquiries.fill(self.stdout, seed, EMAIL_DOMAIN)
            package_requests.fill(self.stdout, seed, EMAIL_DOMAIN)
            self._fill_returns(seed)
            DatasetBuild.objects.create(scale=scale, seed=seed, homes=len(homes), version=DatasetBuild.VERSION)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {len(homes):,} homes and {agencies:,} home-care agencies ({scale}, seed {seed}) in "
                f"{time.monotonic() - started:.0f} s."
            )
        )
        self.stdout.write(f"Every dataset account's password: {PASSWORD}")

    def _fill_returns(self, seed: int) -> None:
        # Care homes and home-care agencies alike answer the return.
        homes = CareHome.locations.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN)
        made = returns.fill(homes, seed)
        if made:
            self.stdout.write(f"  {made:,} monthly returns over the last year")

    # --- bookkeeping -------------------------------------------------------

    def _clear(self) -> None:
        """Delete what an earlier build made, and only that: rows marked synthetic (the demo's
        homes from seed_demo too are left: they are not the dataset's)."""
        homes = CareHome.objects.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN)
        enquiries.clear(EMAIL_DOMAIN)
        # The history is millions of rows: deleted in SQL, not collected by the ORM.
        with connection.cursor() as cursor:
            tables = {"changes": table(VacancyChange), "updates": table(VacancyUpdate), "homes": table(CareHome)}
            changes_sql = (
                "DELETE FROM {changes} WHERE update_id IN (SELECT u.id FROM {updates} u JOIN {homes} h "
                "ON h.id = u.home_id WHERE h.is_synthetic AND h.email LIKE %s)"
            )
            updates_sql = (
                "DELETE FROM {updates} WHERE home_id IN (SELECT id FROM {homes} WHERE is_synthetic AND email LIKE %s)"
            )
            cursor.execute(changes_sql.format(**tables), ["%@" + EMAIL_DOMAIN])
            cursor.execute(updates_sql.format(**tables), ["%@" + EMAIL_DOMAIN])
        User.objects.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN).delete()
        # One statement (agencies' too), before the locations' own deletion would collect each row.
        returns.clear(CareHome.locations.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN))
        homes.delete()
        agency_dataset.clear(EMAIL_DOMAIN)
        Provider.objects.filter(is_synthetic=True, name__startswith="Dataset ").filter(homes__isnull=True).delete()
        CapacitySnapshot.objects.filter(is_synthetic=True).delete()
        FreshnessSnapshot.objects.filter(is_synthetic=True).delete()
        DatasetBuild.objects.all().delete()

    def _postcode_counts(self, councils) -> dict[int, int]:
        """Postcode sectors per council: a stand-in for its population."""
        counts = dict(
            PostcodeArea.objects.filter(is_sector=True, local_authority__in=councils)
            .values("local_authority")
            .annotate(n=Count("code"))
            .values_list("local_authority", "n")
        )
        return {la.pk: counts.get(la.pk, 1) for la in councils}

    # --- homes ---------------------------------------------------------------

    def _postcodes_by_council(self, councils, seed: int) -> dict[int, list]:
        lad_to_council = {}
        for la in LocalAuthority.objects.filter(pk__in=[c.pk for c in councils]):
            lad_to_council[la.gss_code] = la.pk
        for district in LocalAuthority.objects.filter(upper_tier__in=councils):
            lad_to_council[district.gss_code] = district.upper_tier_id
        by_council = defaultdict(list)
        with connection.cursor() as cursor:
            table = Postcode._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a model's table
            # A repeatable random 8% of England's 1.5 million postcodes is plenty; a small table is used whole.
            sample = "TABLESAMPLE BERNOULLI (8) REPEATABLE (%s)" if cursor.fetchone()[0] > 200_000 else ""
            cursor.execute(
                f"SELECT postcode, latitude, longitude, lad_code FROM {table} {sample} ORDER BY postcode",  # noqa: S608
                [seed] if sample else [],
            )
            for postcode, lat, lng, lad in cursor.fetchall():
                if lad in lad_to_council:
                    by_council[lad_to_council[lad]].append((postcode, lat, lng))
        return by_council

    def _agencies(self, rng, councils, weights, total_weight, share) -> int:
        """Home-care agencies in England's proportion to its care homes, spread like the homes."""
        target = round(agency_dataset.NATIONAL_AGENCIES * share)
        per_council = {la.pk: round(target * weights[la.pk] / total_weight) for la in councils}
        made = agency_dataset.build(rng, councils, self.postcodes, per_council, EMAIL_DOMAIN)
        self.stdout.write(f"  {made:,} home-care agencies")
        return made

    def _homes(self, rng, councils, weights, total_weight, target) -> list[dict]:
        postcodes = self.postcodes = self._postcodes_by_council(councils, rng.randrange(10**6))
        per_council = {la.pk: max(1, round(target * weights[la.pk] / total_weight)) for la in councils}
        # Providers: a few national groups of 100+, many small groups, most homes single-owner.
        group_sizes = [rng.randint(100, 320) for _ in range(max(1, target // 2500))]
        group_sizes += [rng.randint(10, 60) for _ in range(target // 300)]
        group_sizes += [rng.randint(2, 9) for _ in range(target // 25)]
        slots = [g for g, size in enumerate(group_sizes) for _ in range(size)]
        rng.shuffle(slots)
        providers = Provider.objects.bulk_create(
            [Provider(name=f"Dataset Care Group {g + 1}", is_synthetic=True) for g in range(len(group_sizes))]
        )
        homes, singles = [], []
        today = timezone.localdate()
        number = 0
        for la in councils:
            pool = postcodes.get(la.pk) or []
            for _ in range(per_council[la.pk]):
                if not pool:
                    break
                postcode, lat, lng = rng.choice(pool)
                number += 1
                nursing = rng.random() < 0.45
                rating = _weighted(rng, RATINGS)
                group = slots.pop() if slots else None
                if group is None:
                    singles.append(Provider(name=f"Dataset Single Home Owner {number}", is_synthetic=True))
                homes.append(
                    {
                        "number": number,
                        "la": la.pk,
                        "town": la.name.split(",")[0],  # "Bristol, City of" -> "Bristol"
                        "postcode": postcode,
                        "lat": lat,
                        "lng": lng,
                        "nursing": nursing,
                        "rating": rating,
                        "group": group,
                        "single": len(singles) - 1 if group is None else None,
                        "rated": None
                        if rating == CqcRating.NOT_YET_RATED
                        else today - datetime.timedelta(days=rng.randint(30, 1800)),
                    }
                )
        single_providers = Provider.objects.bulk_create(singles, batch_size=5000)
        provider_ids = [p.pk for p in providers]
        rows = []
        now = timezone.now()
        for home in homes:
            provider_id = (
                provider_ids[home["group"]] if home["group"] is not None else single_providers[home["single"]].pk
            )
            home["provider"] = provider_id
            bands = ["older_people", "dementia"] if rng.random() < 0.6 else ["older_people"]
            if rng.random() < 0.12:
                bands = ["younger_adults", "learning_disabilities"]
            funding = [
                f
                for f, p in (
                    (Funding.LOCAL_AUTHORITY, 0.9),
                    (Funding.SELF_FUNDED, 0.85),
                    (Funding.CHC, 0.35 if home["nursing"] else 0.05),
                    (Funding.FNC, 0.8 if home["nursing"] else 0),
                    (Funding.DISCHARGE_TO_ASSESS, 0.3),
                )
                if rng.random() < p
            ]
            facilities = [f for f in Facility.values if rng.random() < 0.5]
            name = f"Dataset {'Nursing' if home['nursing'] else 'Care'} Home {home['number']}"
            profile = public_profile(
                self.seed, home["number"], name=name, town=home["town"], nursing=home["nursing"], bands=bands
            )
            rows.append(
                {
                    "cqc_location_id": f"{ID_PREFIX}{home['number']:010d}",
                    "name": name,
                    "provider_id": provider_id,
                    "address_line_1": f"{rng.randint(1, 200)} Example Road",
                    "address_line_2": "",
                    "town": home["town"],
                    "county": "",
                    "postcode": home["postcode"],
                    "local_authority_id": home["la"],
                    "latitude": home["lat"],
                    "longitude": home["lng"],
                    "phone": f"01{rng.randrange(10**8, 10**9)}"[:5] + " " + f"{rng.randrange(10**5, 10**6)}",
                    "email": f"home{home['number']}@{EMAIL_DOMAIN}",
                    "website": "",
                    "service_type": ServiceType.WITH_NURSING if home["nursing"] else ServiceType.WITHOUT_NURSING,
                    "service_user_bands": "{" + ",".join(bands) + "}",
                    "cqc_rating": home["rating"],
                    "cqc_rating_date": home["rated"],
                    "funding_accepted": "{" + ",".join(funding) + "}",
                    "facilities": "{" + ",".join(facilities) + "}",
                    "description": "",
                    **profile,
                    "status": "active",
                    "is_synthetic": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        _copy(CareHome, list(rows[0]), (tuple(row.values()) for row in rows))
        ids = dict(CareHome.objects.filter(is_synthetic=True).values_list("cqc_location_id", "pk"))
        for home in homes:
            home["id"] = ids[f"{ID_PREFIX}{home['number']:010d}"]
        self.stdout.write(f"  {len(homes):,} homes, {len(providers) + len(singles):,} providers")
        return homes

    def _fill_public_profiles(self) -> None:
        """Public page fields for a dataset built before homes had public pages (every dataset
        home has a description for families, so one without has not been filled)."""
        missing = CareHome.objects.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN, public_description="")
        homes = list(missing.values("pk", "cqc_location_id", "name", "town", "service_type", "service_user_bands"))
        if not homes:
            return
        fields = list(public_profile(self.seed, 0, name="", town="", nursing=False, bands=[]))
        columns = ", ".join(f"{name} {CareHome._meta.get_field(name).db_type(connection)}" for name in fields)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE incoming_profiles (id bigint, {columns}) ON COMMIT DROP")
            with cursor.copy(f"COPY incoming_profiles (id, {', '.join(fields)}) FROM STDIN") as copy:
                for home in homes:
                    number = int(home["cqc_location_id"].removeprefix(ID_PREFIX))
                    profile = public_profile(
                        self.seed, number, name=home["name"], town=home["town"],
                        nursing=home["service_type"] == ServiceType.WITH_NURSING, bands=home["service_user_bands"],
                    )  # fmt: skip
                    copy.write_row([home["pk"], *profile.values()])
            assignments = ", ".join(f"{name} = p.{name}" for name in fields)
            cursor.execute(
                f"UPDATE {table(CareHome)} h SET {assignments} FROM incoming_profiles p WHERE h.id = p.id"  # noqa: S608
            )
        self.stdout.write(f"  Public page details added to {len(homes):,} homes.")

    # --- a year of vacancies --------------------------------------------------

    def _history(self, rng, homes, *, keep_snapshots: bool) -> None:
        """A year of updates for each home, and the councils' nightly snapshots from them
        (``keep_snapshots``: a day and council the database already has a real snapshot
        for keeps it; the dataset's are left out)."""
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        today = timezone.localdate()
        first_day = today - datetime.timedelta(days=DAYS - 1)
        categories_rows, board_rows, update_rows, change_rows = [], [], [], []
        # Snapshot sums by (council, category) as per-day differences, summed at the end.
        capacity_diff: dict[tuple, list] = defaultdict(lambda: [0] * (DAYS + 1))
        updated_per_day: dict[int, list] = defaultdict(lambda: [0] * DAYS)
        updated_week_per_day: dict[int, list] = defaultdict(lambda: [0] * DAYS)  # confirmed in the 7 days to then
        homes_per_la: dict[int, int] = defaultdict(int)
        update_id = self._next_id(VacancyUpdate)
        places = 0
        for home in homes:
            homes_per_la[home["la"]] += 1
            # Homes' habits: 60% confirm daily, 20% weekly, 8% monthly, 10% lapsed (they stopped 3 to 60
            # days ago), 2% never entered figures. The dashboard's freshness figures come from these.
            habit = rng.random()
            if habit >= 0.98:
                continue
            pool = NURSING_CATEGORIES if home["nursing"] else RESIDENTIAL_CATEGORIES
            chosen = [pool[0]] + [
                c
                for c in pool[1:]
                if rng.random() < (0.5 if c in ("nursing_dementia", "residential_dementia") else 0.06)
            ]
            total_beds = max(6, min(150, int(rng.gauss(29.5, 12))))
            # England's published shape (week to 14 July 2025): 86.0% of beds occupied, 10.8% vacant
            # and admittable, 3.2% vacant and not. Each home has an occupancy it tends back to.
            usual = min(0.99, max(0.6, rng.gauss(0.86, 0.06)))
            state, targets = {}, {}
            for i, category in enumerate(chosen):
                capacity = max(1, total_beds // len(chosen) + (total_beds % len(chosen) if i == 0 else 0))
                occupied = min(capacity, round(capacity * min(1.0, max(0.5, rng.gauss(usual, 0.03)))))
                unavailable = min(capacity - occupied, round(capacity * rng.choice([0, 0, 0.03, 0.05, 0.08])))
                state[category] = [capacity, occupied, capacity - occupied - unavailable, unavailable]
                targets[category] = round(capacity * usual)
                places += capacity
            if habit < 0.60:
                days = list(range(DAYS))
            elif habit < 0.80:
                days = list(range(rng.randrange(7), DAYS, 7))
            elif habit < 0.88:
                days = list(range(rng.randrange(28), DAYS, rng.choice([28, 30, 31])))
            else:
                stop = DAYS - rng.randint(3, 60)
                days = list(range(0, stop, rng.choice([1, 2, 7])))
            for day in {d for first in days for d in range(first, min(first + 7, DAYS))}:
                updated_week_per_day[home["la"]][day] += 1
            last_made, version = None, 0
            for index, day in enumerate(days):
                made_at = now - datetime.timedelta(days=DAYS - 1 - day, hours=rng.randint(0, 8))
                if made_at > now:
                    made_at = now
                changes = []
                if index == 0:
                    for category, (cap, occ, acc, una) in state.items():
                        changes += [
                            (category, "capacity", "", cap),
                            (category, "occupied", "", occ),
                            (category, "vacant_accepting", "", acc),
                            (category, "vacant_unavailable", "", una),
                        ]
                        for slot, value in enumerate((cap, occ, acc, una, 1)):  # the last slot counts homes
                            capacity_diff[(home["la"], category, slot)][day] += value
                elif rng.random() < 0.3:
                    category = rng.choice(chosen)
                    cap, occ, acc, una = state[category]
                    # An admission or a discharge, more likely the one that brings the home back to its usual.
                    admit = rng.random() < (0.7 if occ < targets[category] else 0.3 if occ > targets[category] else 0.5)
                    if acc > 0 and admit:
                        new_occ, new_acc = occ + 1, acc - 1
                    elif occ > 0 and not admit:
                        new_occ, new_acc = occ - 1, acc + 1
                    else:
                        new_occ, new_acc = occ, acc
                    if (new_occ, new_acc) != (occ, acc):
                        state[category] = [cap, new_occ, new_acc, una]
                        changes = [(category, "occupied", occ, new_occ), (category, "vacant_accepting", acc, new_acc)]
                        capacity_diff[(home["la"], category, 1)][day] += new_occ - occ
                        capacity_diff[(home["la"], category, 2)][day] += new_acc - acc
                version += bool(changes)
                update_rows.append(
                    (update_id, home["id"], "update" if changes else "no_change", None, made_at, version)
                )
                for category, field, old, new in changes:
                    change_rows.append((update_id, category, field, str(old), str(new)))
                updated_per_day[home["la"]][day] += 1
                update_id += 1
                last_made = made_at
            for category, (cap, occ, acc, una) in state.items():
                categories_rows.append((home["id"], category, cap, occ, acc, una, "", "any", False, "", None))
            board_rows.append(
                (home["id"], False, "", None, last_made, None, sum(v[2] for v in state.values()), version)
            )
        _copy(
            CategoryVacancy,
            ["home_id", "category", *CATEGORY_FIELDS],
            categories_rows,
        )
        _copy(
            HomeVacancies,
            [
                "home_id",
                "closed_to_admissions",
                "closed_reason",
                "reopening_date",
                "last_confirmed_at",
                "last_confirmed_by_id",
                "vacant_accepting_total",
                "version",
            ],
            board_rows,
        )
        _copy(VacancyUpdate, ["id", "home_id", "kind", "made_by_id", "made_at", "version"], update_rows)
        _copy(VacancyChange, ["update_id", "category", "field", "old_value", "new_value"], change_rows)
        # Nightly snapshots for the year, from the running sums.
        snapshot_rows = []
        keys = {(la, category) for la, category, _ in capacity_diff}
        for la, category in keys:
            running = [0, 0, 0, 0, 0]  # capacity, occupied, accepting, unavailable, homes
            for day in range(DAYS):
                for slot in range(5):
                    running[slot] += capacity_diff[(la, category, slot)][day]
                if running[4]:
                    snapshot_rows.append(
                        (first_day + datetime.timedelta(days=day), la, category, running[4], *running[:4], True)
                    )
        _copy(
            CapacitySnapshot,
            [
                "date",
                "local_authority_id",
                "category",
                "homes",
                "capacity",
                "occupied",
                "vacant_accepting",
                "vacant_unavailable",
                "is_synthetic",
            ],
            snapshot_rows,
            keep_existing=keep_snapshots,
        )
        fresh_rows = [
            (
                first_day + datetime.timedelta(days=day),
                la,
                homes_per_la[la],
                min(counts[day], homes_per_la[la]),
                min(updated_week_per_day[la][day], homes_per_la[la]),
                0,
                True,
            )
            for la, counts in updated_per_day.items()
            for day in range(DAYS)
        ]
        _copy(
            FreshnessSnapshot,
            ["date", "local_authority_id", "homes", "updated", "updated_week", "closed", "is_synthetic"],
            fresh_rows,
            keep_existing=keep_snapshots,
        )
        self.stdout.write(
            f"  {places:,} places; {len(update_rows):,} updates and {len(change_rows):,} changes over {DAYS} days"
        )

    def _next_id(self, model) -> int:
        return (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1

    # --- people ------------------------------------------------------------------

    def _people(self, homes) -> None:
        password = make_password(PASSWORD)
        now = timezone.now()
        users = []
        for home in homes:
            users.append((f"manager{home['number']}@{EMAIL_DOMAIN}", f"Manager of home {home['number']}"))
        groups = sorted({home["group"] for home in homes if home["group"] is not None})
        users += [(f"provider{g + 1}@{EMAIL_DOMAIN}", f"Admin of Dataset Care Group {g + 1}") for g in groups]
        las = sorted({home["la"] for home in homes})
        users += [(f"council{la}@{EMAIL_DOMAIN}", f"Council admin {la}") for la in las]
        users += [(f"coordinator{n}@{EMAIL_DOMAIN}", f"Discharge coordinator {n}") for n in range(1, 201)]
        _copy(
            User,
            [
                "email",
                "full_name",
                "password",
                "is_superuser",
                "is_staff",
                "is_active",
                "date_joined",
                "default_search_postcode",
                "is_synthetic",
            ],
            ((email, name, password, False, False, True, now, "", True) for email, name in users),
        )
        ids = dict(
            User.objects.filter(is_synthetic=True, email__endswith="@" + EMAIL_DOMAIN).values_list("email", "pk")
        )
        provider_of_group = {}
        for home in homes:
            if home["group"] is not None:
                provider_of_group[home["group"]] = home["provider"]
        memberships = [
            (ids[f"manager{h['number']}@{EMAIL_DOMAIN}"], Role.HOME_STAFF, h["id"], None, None, now) for h in homes
        ]
        memberships += [
            (ids[f"provider{g + 1}@{EMAIL_DOMAIN}"], Role.PROVIDER_ADMIN, None, provider_of_group[g], None, now)
            for g in groups
        ]
        memberships += [(ids[f"council{la}@{EMAIL_DOMAIN}"], Role.COUNCIL_ADMIN, None, None, la, now) for la in las]
        memberships += [
            (ids[f"coordinator{n}@{EMAIL_DOMAIN}"], Role.COORDINATOR, None, None, None, now) for n in range(1, 201)
        ]
        _copy(
            Membership,
            ["user_id", "role", "home_id", "provider_id", "local_authority_id", "created_at"],
            memberships,
        )
        self.stdout.write(f"  {len(users):,} accounts (password: {PASSWORD})")
