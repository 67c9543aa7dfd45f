"""The nightly snapshot of each council's beds and freshness (docs/adr/006-area-snapshots.md)."""

import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from registers.choices import HomeStatus
from registers.models import CareHome
from vacancies.models import (
    CapacitySnapshot,
    CategoryVacancy,
    FreshnessSnapshot,
    HomeVacancies,
    VacancyChange,
    VacancyUpdate,
)

WEEK = 7  # days: "confirmed in the last 7 days"
# Moved on after each snapshot's transaction commits (vacancies 0019): see ``_when_visible``.
COMMITTED = "vacancies_snapshots_committed"


def _when_visible() -> None:
    """Once the snapshots just written are committed, move the mark the dashboards' charts are
    kept by (vacancies/areas.snapshots_written). The snapshots' id sequences move as rows are
    written, before a reader can see them: a dashboard drawn in between kept the day's charts
    without them. ``setval``, not ``nextval`` alone: a standby (where dashboards read) sees a
    sequence move only when the move is logged, which ``nextval`` does once in 32 calls."""

    def move_on():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, nextval(%s))", [COMMITTED, COMMITTED])

    transaction.on_commit(move_on)


def day_bounds(date: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def take_snapshot(date: datetime.date | None = None) -> int:
    """Record every council's position now as ``date``'s (today by default). Idempotent: rerunning replaces it."""
    date = date or timezone.localdate()
    capacity_rows = CategoryVacancy.objects.bed_totals("home__local_authority_id", "category")
    snapshots = [
        CapacitySnapshot(
            date=date,
            local_authority_id=row["home__local_authority_id"],
            category=row["category"],
            homes=row["homes"],
            capacity=row["total_capacity"] or 0,
            occupied=row["total_occupied"] or 0,
            vacant_accepting=row["total_accepting"] or 0,
            vacant_unavailable=row["total_unavailable"] or 0,
        )
        for row in capacity_rows
    ]
    CapacitySnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["date", "local_authority", "category"],
        update_fields=["homes", "capacity", "occupied", "vacant_accepting", "vacant_unavailable"],
        batch_size=2000,
    )
    start, end = day_bounds(date)
    week_start, _ = day_bounds(date - datetime.timedelta(days=WEEK - 1))

    def confirming_homes(since):
        return dict(
            VacancyUpdate.objects.filter(
                made_at__gte=since, made_at__lt=end, home__status=HomeStatus.ACTIVE, kind__in=VacancyUpdate.CONFIRMING
            )
            .values("home__local_authority_id")
            .annotate(n=Count("home_id", distinct=True))
            .values_list("home__local_authority_id", "n")
        )

    updated, updated_week = confirming_homes(start), confirming_homes(week_start)
    closed = dict(
        HomeVacancies.objects.filter(closed_to_admissions=True, home__status=HomeStatus.ACTIVE)
        .values("home__local_authority_id")
        .annotate(n=Count("home_id"))
        .values_list("home__local_authority_id", "n")
    )
    homes = (
        CareHome.objects.active()
        .values("local_authority_id")
        .annotate(n=Count("id"))
        .values_list("local_authority_id", "n")
    )
    FreshnessSnapshot.objects.bulk_create(
        [
            FreshnessSnapshot(
                date=date,
                local_authority_id=la,
                homes=n,
                updated=min(updated.get(la, 0), n),
                updated_week=min(updated_week.get(la, 0), n),
                closed=closed.get(la, 0),
            )
            for la, n in homes
        ],
        update_conflicts=True,
        unique_fields=["date", "local_authority"],
        update_fields=["homes", "updated", "updated_week", "closed"],
    )
    _when_visible()
    return len(snapshots)


COUNT_FIELDS = ("capacity", "occupied", "vacant_accepting", "vacant_unavailable")


def replay_history(first_day: datetime.date, last_day: datetime.date | None = None, *, synthetic: bool = False) -> int:
    """Rebuild past days' snapshots by replaying the full vacancy history from its start.

    For demo and generated data only (they have every change since each home's
    first figures); a real deployment records each night's snapshot as it goes.
    """
    last_day = last_day or timezone.localdate()
    homes = dict(CareHome.objects.active().values_list("pk", "local_authority_id"))
    state: dict[tuple[int, str], dict] = {}
    closed_home: dict[int, bool] = {}
    confirmed_on: dict[datetime.date, set[int]] = {}
    changes = (
        VacancyChange.objects.filter(update__home__in=homes)
        .order_by("update__made_at", "id")
        .values_list("update__home_id", "update__made_at", "category", "field", "new_value")
    )
    updates = VacancyUpdate.objects.filter(
        home__in=homes,
        made_at__date__gte=first_day - datetime.timedelta(days=WEEK - 1),
        kind__in=VacancyUpdate.CONFIRMING,
    ).values_list("home_id", "made_at")
    for home_id, made_at in updates:
        confirmed_on.setdefault(timezone.localdate(made_at), set()).add(home_id)
    pending = iter(changes.iterator(chunk_size=5000))
    next_change = next(pending, None)
    written = 0
    day = first_day
    while day <= last_day:
        _, end = day_bounds(day)
        while next_change is not None and next_change[1] < end:
            home_id, _, category, field, value = next_change
            if category and field in COUNT_FIELDS:
                state.setdefault((home_id, category), dict.fromkeys(COUNT_FIELDS, 0))[field] = int(value or 0)
            elif category and field == "closed":
                state.setdefault((home_id, category), dict.fromkeys(COUNT_FIELDS, 0))["closed"] = value == "yes"
            elif not category and field == "closed_to_admissions":
                closed_home[home_id] = value == "yes"
            next_change = next(pending, None)
        totals: dict[tuple[int, str], dict] = {}
        for (home_id, category), values in state.items():
            row = totals.setdefault((homes[home_id], category), {"homes": 0, **dict.fromkeys(COUNT_FIELDS, 0)})
            row["homes"] += 1
            for field in ("capacity", "occupied", "vacant_unavailable"):
                row[field] += values[field]
            if not values.get("closed") and not closed_home.get(home_id):
                row["vacant_accepting"] += values["vacant_accepting"]
        CapacitySnapshot.objects.bulk_create(
            [
                CapacitySnapshot(date=day, local_authority_id=la, category=c, is_synthetic=synthetic, **row)
                for (la, c), row in totals.items()
            ],
            update_conflicts=True,
            unique_fields=["date", "local_authority", "category"],
            update_fields=["homes", *COUNT_FIELDS],
        )
        per_la: dict[int, dict] = {}
        week = set().union(*(confirmed_on.get(day - datetime.timedelta(days=n), ()) for n in range(WEEK)))
        for home_id, la in homes.items():
            counts = per_la.setdefault(la, {"homes": 0, "updated": 0, "updated_week": 0, "closed": 0})
            counts["homes"] += 1
            counts["updated"] += home_id in confirmed_on.get(day, ())
            counts["updated_week"] += home_id in week
            counts["closed"] += bool(closed_home.get(home_id))
        FreshnessSnapshot.objects.bulk_create(
            [
                FreshnessSnapshot(date=day, local_authority_id=la, is_synthetic=synthetic, **counts)
                for la, counts in per_la.items()
            ],
            update_conflicts=True,
            unique_fields=["date", "local_authority"],
            update_fields=["homes", "updated", "updated_week", "closed"],
        )
        written += len(totals)
        day += datetime.timedelta(days=1)
    _when_visible()
    return written
