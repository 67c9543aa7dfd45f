"""An area's capacity: a council, a region, or England, for the dashboard.

Council admins see their own council only; service admins any council,
region or England. The current position is aggregated from the current-state
tables; trends come from the nightly snapshots, never from the raw history.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from accounts.roles import roles_for
from homes.models import CareHome, CareHomeChange, CqcLocation, LocalAuthority, Region
from vacancies.freshness import STALE_AFTER
from vacancies.models import (
    BedHold,
    CapacitySnapshot,
    CareCategory,
    CategoryVacancy,
    ClosureReason,
    FreshnessSnapshot,
    in_category_order,
)
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


def totals_by_category(area: Area) -> list[dict]:
    """Beds per care category in the area; ``held``: vacant beds held for a discharge team now."""
    return category_totals(area.scope("home__"))


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


def closures(area: Area) -> list[dict]:
    rows = (
        area.homes()
        .filter(vacancies__closed_to_admissions=True)
        .values("vacancies__closed_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [{"reason": ClosureReason(row["vacancies__closed_reason"]).label, "homes": row["n"]} for row in rows]


def freshness_bands(area: Area, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    day, three_days = now - STALE_AFTER, now - datetime.timedelta(days=3)
    seen = "vacancies__last_confirmed_at"
    counts = area.homes().aggregate(
        total=Count("id"),
        fresh=Count("id", filter=Q(**{f"{seen}__gte": day})),
        recent=Count("id", filter=Q(**{f"{seen}__lt": day, f"{seen}__gte": three_days})),
        older=Count("id", filter=Q(**{f"{seen}__lt": three_days})),
        week=Count("id", filter=Q(**{f"{seen}__gte": now - datetime.timedelta(days=7)})),
    )
    counts["never"] = counts["total"] - counts["fresh"] - counts["recent"] - counts["older"]
    return counts


def above_registration(area: Area):
    """Homes whose beds by care category add up to more than CQC registers them for (registrations
    lag reality: a flag for the council to look at, not an error)."""
    return (
        area.homes()
        .filter(registered_beds__isnull=False)
        .annotate(figures=Sum("categories__capacity"))
        .filter(figures__gt=F("registered_beds"))
        .order_by("name")
    )


# What the dashboard lists of the week's news from CQC's register: at most this many.
CQC_CHANGES_LISTED = 50
CQC_NEWS = ["status", "cqc_rating", "registered_beds", "local_authority"]


@dataclass(frozen=True)
class CqcWeek:
    new: list  # CqcLocation: registered with CQC this week, not in the portal
    changes: list  # CareHomeChange: deregistered (archived), rating, registered beds, moves


def cqc_week(area: Area, now: datetime.datetime | None = None) -> CqcWeek:
    """The week's changes CQC's register brought to the area's homes (homes/cqc_sync.py)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=7)
    new = CqcLocation.objects.newly_registered(timezone.localdate(now) - datetime.timedelta(days=7))
    changes = (
        CareHomeChange.objects.filter(source=CareHomeChange.Source.CQC, changed_at__gte=since, field__in=CQC_NEWS)
        .filter(area.scope("home__"))
        .select_related("home")
        .order_by("-changed_at", "-id")
    )
    return CqcWeek(
        new=list(new.filter(area.scope()).order_by("-registration_date", "name")[:CQC_CHANGES_LISTED]),
        changes=list(changes[:CQC_CHANGES_LISTED]),
    )


def stale_homes(area: Area, now: datetime.datetime | None = None):
    now = now or timezone.now()
    today = timezone.localdate()
    return (
        area.homes()
        .filter(
            Q(vacancies__isnull=True)
            | Q(vacancies__last_confirmed_at__isnull=True)
            | Q(vacancies__last_confirmed_at__lt=now - STALE_AFTER)
        )
        .select_related("vacancies", "local_authority")
        .annotate(reminded_today=Max("reminders__sent_at", filter=Q(reminders__date=today)))
        .order_by(F("vacancies__last_confirmed_at").asc(nulls_first=True), "name")
    )


PERIODS = {"7": 7, "30": 30, "365": 365}


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
