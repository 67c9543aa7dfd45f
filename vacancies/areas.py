"""An area's capacity: a council, a region, or England, for the dashboard.

Council admins see their own council only; service admins any council,
region or England. The current position is aggregated from the current-state
tables; trends come from the nightly snapshots, never from the raw history.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from accounts.roles import roles_for
from homes.models import CareHomeChange, CqcLocation
from registers.choices import HomeStatus, LocationKind
from registers.models import CareHome, LocalAuthority, Region
from tracker.paging import rows_page
from tracker.sql import from_json, named_rows, table
from vacancies.freshness import STALE_AFTER
from vacancies.models import (
    BedHold,
    CapacitySnapshot,
    CareCategory,
    CategoryVacancy,
    ClosureReason,
    FigureReport,
    FreshnessSnapshot,
    HomeVacancies,
    Reminder,
    in_category_order,
)
from vacancies.snapshots import COMMITTED
from vacancies.trends import CATEGORY_COLOURS, PALETTE, Series, Trend


@dataclass(frozen=True)
class Area:
    key: str  # "E08000035", "region:E12000003" or "england"
    label: str
    la_ids: tuple[int, ...] | None  # None: all of England

    @property
    def is_one_council(self) -> bool:
        return self.la_ids is not None and len(self.la_ids) == 1

    def homes(self):
        homes = CareHome.objects.active()
        return homes if self.la_ids is None else homes.filter(local_authority__in=self.la_ids)

    def scope(self, prefix: str = "") -> Q:
        return Q() if self.la_ids is None else Q(**{f"{prefix}local_authority__in": self.la_ids})


def _council(la) -> Area:
    return Area(la.gss_code, la.name, (la.pk,))


ENGLAND = Area("england", "England", None)


def areas_for(user) -> list[Area]:
    """Every area this person may see: England, each region and each council for
    service admins; their own councils for council admins."""
    roles = roles_for(user)
    councils = LocalAuthority.objects.councils().order_by("name")
    if permissions.may_see_every_area(roles):
        areas = [ENGLAND]
        regions = Region.objects.order_by("name").prefetch_related("local_authorities")
        for region in regions:
            ids = tuple(la.pk for la in region.local_authorities.all() if la.is_social_care_authority)
            areas.append(Area(f"region:{region.code}", region.name, ids))
        return areas + [_council(la) for la in councils]
    return [_council(la) for la in councils.filter(pk__in=roles.council_la_ids)]


def area_for(user, key: str | None) -> Area | None:
    """The area ``key`` names, if this person may see it (their first area when
    ``key`` is empty); None when it does not exist or is not theirs."""
    roles = roles_for(user)
    if not permissions.may_see_areas(roles):
        return None
    if permissions.may_see_every_area(roles):
        if not key or key == "england":
            return ENGLAND
        if key.startswith("region:"):
            region = Region.objects.filter(code=key.removeprefix("region:")).first()
            if region is None:
                return None
            return Area(key, region.name, tuple(region.local_authorities.councils().values_list("pk", flat=True)))
    councils = LocalAuthority.objects.councils().order_by("name")
    la = councils.filter(gss_code=key).first() if key else councils.filter(pk__in=roles.council_la_ids).first()
    return _council(la) if la is not None and permissions.may_see_council(roles, la.pk) else None


def area_or_404(request) -> Area:
    """The area a page is about (``area`` in its address, or in the form it posted; the
    person's first area without one), if this person may see it; 404 when it does not exist
    or is not theirs."""
    area = area_for(request.user, request.GET.get("area") or request.POST.get("area"))
    if area is None:
        raise Http404
    return area


@dataclass(frozen=True)
class Position:
    """What the area dashboard shows of an area now, read in one statement (``position``)."""

    totals: list[dict]  # as category_totals gives them
    closures: list[dict]  # {"reason": words, "homes": n}, most homes first
    bands: dict  # as freshness_bands gives them
    above_registration: list[dict]  # {"pk", "name", "figures", "registered_beds"}, by name
    reported: list[dict]  # {"home_id", "name", "reports"}: reports in the last 30 days, most first


ABOVE_REGISTRATION_LISTED = 50
REPORTED_LISTED = 20
REPORTED_DAYS = 30


def position(area: Area, now: datetime.datetime | None = None) -> Position:
    """The area's beds by care category (with those held for discharge teams), its homes closed
    to admissions by reason, how fresh its figures are, homes whose figures exceed CQC's
    registered beds, and homes reported wrong: one statement, each part a JSON column (six
    ORM queries before, each built and sent on its own: docs/adr/023-everyday-pages-speed.md).
    Beds accepting admissions count open categories of open homes only, as ``category_totals``
    (the API's) counts them; a home's figures exceed its registration when its categories' beds
    add up to more than CQC's registered beds (registrations lag reality: a flag, not an error)."""
    now = now or timezone.now()
    # A council's homes by its index, and each one's board and categories by theirs: a LATERAL
    # join, kept one by OFFSET 0 (flattened, the planner hashes every board and category in
    # England, 3 ms). England's by hash joins.
    where, lateral = ("", "") if area.la_ids is None else ("AND home.local_authority_id = ANY(%(councils)s)", "LATERAL")
    offset = "OFFSET 0" if lateral else ""
    held = BedHold.Outcome.HELD
    rows = named_rows(
        f"""
        WITH homes AS MATERIALIZED (
            SELECT home.id, home.name, home.registered_beds, board.closed_to_admissions, board.closed_reason,
                   board.last_confirmed_at
              FROM {table(CareHome)} AS home
              LEFT JOIN {lateral} (SELECT * FROM {table(HomeVacancies)} AS board
                                    {"WHERE board.home_id = home.id" if lateral else ""} {offset}) AS board
                ON board.home_id = home.id
             WHERE home.status = %(active)s AND home.kind = %(care_home)s {where}
        ), categories AS MATERIALIZED (
            SELECT figures.*, homes.closed_to_admissions AS home_closed
              FROM homes JOIN {lateral} (SELECT * FROM {table(CategoryVacancy)} AS figures
                                          {"WHERE figures.home_id = homes.id" if lateral else ""} {offset}) AS figures
                ON figures.home_id = homes.id
        )
        SELECT
          (SELECT coalesce(json_agg(t), '[]') FROM (
              SELECT category, count(*) AS homes, sum(capacity) AS capacity, sum(occupied) AS occupied,
                     coalesce(sum(vacant_accepting) FILTER (WHERE NOT closed AND home_closed = false), 0) AS accepting,
                     sum(vacant_unavailable) AS unavailable
                FROM categories GROUP BY category) AS t) AS totals,
          (SELECT coalesce(json_object_agg(category, n), '{{}}') FROM (
              SELECT hold.category, count(*) AS n
                FROM {table(BedHold)} AS hold JOIN homes ON homes.id = hold.home_id
               WHERE hold.outcome = %(held)s AND hold.held_until > %(now)s
               GROUP BY hold.category) AS t) AS held,
          (SELECT coalesce(json_agg(t ORDER BY t.homes DESC, t.reason), '[]') FROM (
              SELECT closed_reason AS reason, count(*) AS homes FROM homes
               WHERE closed_to_admissions GROUP BY closed_reason) AS t) AS closures,
          (SELECT json_build_object(
              'total', count(*),
              'fresh', count(*) FILTER (WHERE last_confirmed_at >= %(day)s),
              'recent', count(*) FILTER (WHERE last_confirmed_at < %(day)s AND last_confirmed_at >= %(three_days)s),
              'older', count(*) FILTER (WHERE last_confirmed_at < %(three_days)s),
              'week', count(*) FILTER (WHERE last_confirmed_at >= %(week)s)) FROM homes) AS bands,
          (SELECT coalesce(json_agg(t ORDER BY t.name, t.pk), '[]') FROM (
              SELECT homes.id AS pk, homes.name, sum(categories.capacity) AS figures, homes.registered_beds
                FROM homes JOIN categories ON categories.home_id = homes.id
               WHERE homes.registered_beds IS NOT NULL
               GROUP BY homes.id, homes.name, homes.registered_beds
              HAVING sum(categories.capacity) > homes.registered_beds
               ORDER BY homes.name, homes.id LIMIT {ABOVE_REGISTRATION_LISTED}) AS t) AS above_registration,
          (SELECT coalesce(json_agg(t ORDER BY t.reports DESC, t.name), '[]') FROM (
              SELECT homes.id AS home_id, homes.name, count(*) AS reports
                FROM {table(FigureReport)} AS report JOIN homes ON homes.id = report.home_id
               WHERE report.reported_at >= %(reported_since)s
               GROUP BY homes.id, homes.name
               ORDER BY count(*) DESC, homes.name LIMIT {REPORTED_LISTED}) AS t) AS reported
        """,  # noqa: S608 - table names from the models, every value a parameter
        {
            "active": str(HomeStatus.ACTIVE),
            "care_home": str(LocationKind.CARE_HOME),  # an agency has no beds, nor figures to confirm
            "councils": list(area.la_ids or ()),
            "held": str(held),
            "now": now,
            "day": now - STALE_AFTER,
            "three_days": now - datetime.timedelta(days=3),
            "week": now - datetime.timedelta(days=7),
            "reported_since": now - datetime.timedelta(days=REPORTED_DAYS),
        },
    )
    found = rows[0]
    by_category = {row["category"]: row for row in found["totals"]}
    bands = found["bands"]
    bands["never"] = bands["total"] - bands["fresh"] - bands["recent"] - bands["older"]
    return Position(
        totals=[
            {
                "category": value,
                "label": label,
                "homes": by_category[value]["homes"],
                "held": found["held"].get(value, 0),
                **{
                    name: by_category[value][name] or 0 for name in ("capacity", "occupied", "accepting", "unavailable")
                },
            }
            for value, label in CareCategory.choices
            if value in by_category
        ],
        closures=[{"reason": ClosureReason(row["reason"]).label, "homes": row["homes"]} for row in found["closures"]],
        bands=bands,
        above_registration=found["above_registration"],
        reported=found["reported"],
    )


def category_totals(homes: Q) -> list[dict]:
    """Beds per care category of the active homes ``homes`` (a condition on ``home__``) picks."""
    rows = CategoryVacancy.objects.filter(homes).bed_totals("category")
    by_category = {row["category"]: row for row in rows}
    held = dict(
        BedHold.objects.filter(homes, outcome=BedHold.Outcome.HELD, held_until__gt=timezone.now())
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [
        {
            "category": value,
            "label": label,
            "homes": by_category[value]["homes"],
            "held": held.get(value, 0),
            **{
                name: by_category[value][f"total_{name}"] or 0
                for name in ("capacity", "occupied", "accepting", "unavailable")
            },
        }
        for value, label in CareCategory.choices
        if value in by_category
    ]


# What the dashboard lists of the week's news from CQC's register: at most this many.
CQC_CHANGES_LISTED = 50
CQC_NEWS = ["status", "cqc_rating", "registered_beds", "local_authority"]


@dataclass(frozen=True)
class CqcWeek:
    new: list  # NewlyRegistered: with CQC this week, not in the portal (a name and postcode)
    changes: list  # CareHomeChange (with its home's name): deregistered (archived), rating, registered beds, moves


def cqc_week(area: Area, now: datetime.datetime | None = None) -> CqcWeek:
    """The week's changes CQC's register brought to the area's homes (homes/cqc_sync.py).

    One statement for both lists: through the ORM they were two queries whose building cost
    more than the dashboard's whole position (0.8 and 1.0 ms of CPU with nothing to list). The
    rules it states are the ORM's: newly registered and not in the portal is
    ``CqcLocation.objects.newly_registered`` (tests/test_dashboard.py holds the two to the same
    answers), and a change from CQC is a ``CareHomeChange`` of source CQC."""
    now = now or timezone.now()
    (row,) = named_rows(
        f"""
        SELECT
          (SELECT COALESCE(json_agg(json_build_object('name', n.name, 'postcode', n.postcode)
                                    ORDER BY n.registration_date DESC, n.name), '[]')
             FROM (SELECT location.name, location.postcode, location.registration_date
                     FROM {table(CqcLocation)} AS location
                    WHERE location.registered AND location.registration_date >= %(since_day)s
                      AND (%(everywhere)s OR location.local_authority_id = ANY(%(councils)s::bigint[]))
                      AND NOT EXISTS (SELECT 1 FROM {table(CareHome)} AS home
                                       WHERE home.cqc_location_id = location.location_id)
                    ORDER BY location.registration_date DESC, location.name
                    LIMIT %(listed)s) AS n) AS new,
          (SELECT COALESCE(json_agg(c ORDER BY c.changed_at DESC, c.id DESC), '[]')
             FROM (SELECT change.*, home.name AS home_name
                     FROM {table(CareHomeChange)} AS change
                     JOIN {table(CareHome)} AS home ON home.id = change.home_id
                    WHERE change.source = %(cqc)s AND change.changed_at >= %(since)s
                      AND change.field = ANY(%(news)s::text[])
                      AND (%(everywhere)s OR home.local_authority_id = ANY(%(councils)s::bigint[]))
                    ORDER BY change.changed_at DESC, change.id DESC
                    LIMIT %(listed)s) AS c) AS changes
        """,  # noqa: S608 - table names from the models, every value a parameter
        {
            "since_day": timezone.localdate(now) - datetime.timedelta(days=7),
            "since": now - datetime.timedelta(days=7),
            "everywhere": area.la_ids is None,
            "councils": list(area.la_ids or ()),
            "listed": CQC_CHANGES_LISTED,
            "cqc": CareHomeChange.Source.CQC,
            "news": CQC_NEWS,
        },
    )
    changes = from_json(CareHomeChange, row["changes"])
    for change, found in zip(changes, row["changes"], strict=True):
        change.home_name = found["home_name"]
    return CqcWeek(new=[NewlyRegistered(**location) for location in row["new"]], changes=changes)


@dataclass(frozen=True)
class NewlyRegistered:
    name: str
    postcode: str


def stale_page(area: Area, number: str | None, per_page: int = 50) -> Page:
    """The page ``number`` of the area's stale homes (``_stale``) as the dashboard lists them."""
    return rows_page(lambda offset, limit: _stale(area, offset, limit), number, per_page)


def stale_home_ids(area: Area) -> list[int]:
    """Every one of the area's stale homes, in the list's order ("remind all")."""
    return [row["pk"] for row in _stale(area, 0, None)]


def _stale(area: Area, offset: int, limit: int | None) -> list[dict]:
    """The area's active care homes not confirmed within STALE_AFTER (or never), oldest first
    (then by name and id), each with its ``pk``, ``name``, ``phone``, ``email``, ``council``,
    ``confirmed_at``, ``reminded_today`` (the day's reminder's time: at most one a day) and
    ``rows_in_all``; ``limit`` None: all of them. One hand-written statement (the ORM built and
    compiled its two subqueries and window in 2.1 of the dashboard's 13 ms of CPU; this, 0.3 ms),
    each board found as the planner reads it best: by its unique index, home by home, for one
    council (joined, the planner read every board in England to hash them: 5 of Leeds's 8 ms in
    EXPLAIN ANALYZE); by a join for a region or England (a lookup per home there took 459 ms
    against the join's 181, as ``position`` does)."""
    boards = table(HomeVacancies)
    if area.is_one_council:
        board, confirmed = "", f"(SELECT last_confirmed_at FROM {boards} WHERE home_id = home.id)"  # noqa: S608
    else:
        board, confirmed = f"LEFT JOIN {boards} AS board ON board.home_id = home.id", "board.last_confirmed_at"
    sql = f"""
        SELECT home.id AS pk, home.name, home.phone, home.email, council.name AS council,
               {confirmed} AS confirmed_at,
               (SELECT sent_at FROM {table(Reminder)} WHERE home_id = home.id AND date = %(today)s LIMIT 1)
                   AS reminded_today,
               count(*) OVER () AS rows_in_all
          FROM {table(CareHome)} AS home
          JOIN {table(LocalAuthority)} AS council ON council.id = home.local_authority_id
          {board}
         WHERE home.kind = %(kind)s AND home.status = %(status)s
           {"" if area.la_ids is None else "AND home.local_authority_id = ANY(%(councils)s)"}
           AND ({confirmed} IS NULL OR {confirmed} < %(stale_before)s)
         ORDER BY confirmed_at ASC NULLS FIRST, home.name, home.id
         LIMIT %(limit)s OFFSET %(offset)s
    """  # noqa: S608 - table names from the models, every value a parameter
    return named_rows(sql, {
        "today": timezone.localdate(), "kind": LocationKind.CARE_HOME, "status": HomeStatus.ACTIVE,
        "councils": list(area.la_ids or ()), "stale_before": timezone.now() - STALE_AFTER,
        "offset": offset, "limit": limit,  # LIMIT NULL: every row
    })  # fmt: skip


PERIODS = {"7": 7, "30": 30, "365": 365}


def snapshots_written() -> tuple:
    """Where the snapshots' id sequences stand, and the mark moved on once the snapshots written
    are visible (vacancies/snapshots.py): every snapshot written moves them on (a rerun's upsert
    too, and a write whose transaction rolled back), so the same values mean the same snapshots,
    as every reader sees them. What the dashboard's charts are kept by (dashboard_views.py)."""
    (row,) = named_rows(
        "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')) AS capacity, "
        "pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')) AS freshness, "
        "pg_sequence_last_value(%s) AS committed",
        [CapacitySnapshot._meta.db_table, FreshnessSnapshot._meta.db_table, COMMITTED],
    )
    return row["capacity"], row["freshness"], row["committed"]


def trends(area: Area, days: int, today: datetime.date | None = None) -> tuple[Trend | None, Trend | None]:
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    day_list = [first + datetime.timedelta(days=n) for n in range(days)]
    capacity = (
        CapacitySnapshot.objects.filter(area.scope(), date__gte=first, date__lte=today)
        .values("date", "category")
        .annotate(accepting=Sum("vacant_accepting"))
    )
    by_category: dict[str, dict] = {}
    for row in capacity:
        by_category.setdefault(row["category"], {})[row["date"]] = row["accepting"]
    series = [
        Series(CareCategory(category).label, CATEGORY_COLOURS[category], [values.get(d) for d in day_list])
        for category, values in in_category_order(by_category.items(), lambda item: item[0])
    ]
    beds = None
    if series:
        highest = max((v for s in series for v in s.values if v is not None), default=0)
        beds = Trend(days=day_list, series=series, max_value=max(highest, 1)).layout()
    fresh = (
        FreshnessSnapshot.objects.filter(area.scope(), date__gte=first, date__lte=today)
        .values("date")
        .annotate(homes=Sum("homes"), updated=Sum("updated"), updated_week=Sum("updated_week"))
    )
    day_share, week_share = {}, {}
    for row in fresh:
        if row["homes"]:
            day_share[row["date"]] = round(100 * row["updated"] / row["homes"])
            week_share[row["date"]] = round(100 * row["updated_week"] / row["homes"])
    daily = None
    if day_share:
        series = [
            Series("Confirmed in the last 24 hours (%)", PALETTE[1], [day_share.get(d) for d in day_list]),
            Series("Confirmed in the last 7 days (%)", PALETTE[0], [week_share.get(d) for d in day_list]),
        ]
        daily = Trend(days=day_list, series=series, max_value=100).layout()
    return beds, daily
