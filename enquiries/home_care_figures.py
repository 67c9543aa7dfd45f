"""A council's home-care figures (issue 26): package requests for the postcode districts of its
area, week by week and district by district (hours requested, offered, placed and unmet), the
median time from a request to the offer accepted, declines by reason, the agencies' spare hours
by district, and the agencies whose capacity is stale, each chased with the homes' reminder
(homecare/reminders.py). A CSV of each; the page and its CSV from the same rows."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import may_see_areas, permission_required
from enquiries.models import DeclineReason, Enquiry, Package, Referral
from enquiries.stats import PERIODS, StatsForm, minutes_words
from homecare import reminders
from homecare.models import AgencyCapacity, CoveredDistrict, hours_figure
from registers.models import CareHome, HomeCareAgency, LocalAuthority, PostcodeArea
from tracker.csv_export import csv_response
from tracker.sql import named_rows, table
from vacancies import areas
from vacancies.freshness import STALE_AFTER, freshness
from vacancies.models import Reminder

ENQUIRIES, PACKAGES, REFERRALS = table(Enquiry), table(Package), table(Referral)
DISTRICTS, COUNCILS, COVERED = table(PostcodeArea), table(LocalAuthority), table(CoveredDistrict)
CAPACITIES, LOCATIONS = table(AgencyCapacity), table(CareHome)
STALE_LISTED = 100

# The area's package requests since a moment (parameters: since, then the area's councils or
# NULL, twice), with the largest offer (never more than was asked) and the hours placed.
# A postcode district's council is the one that commissions social care there (homes 0003).
_FROM = f"""
  FROM {ENQUIRIES} e JOIN {PACKAGES} p ON p.enquiry_id = e.id JOIN {DISTRICTS} d ON d.code = p.district_id"""
_WHERE = """
 WHERE e.kind = 'package' AND e.created_at >= %s
   AND (%s::bigint[] IS NULL OR d.local_authority_id = ANY(%s::bigint[]))"""
_REQUESTS = _FROM + _WHERE

# Unmet: what was asked and not placed, once it can no longer be (withdrawn, placed with fewer
# hours, or still open after its start date); a request still open before its start is waiting.
WEEKS = f"""
WITH requests AS (
SELECT e.created_at, e.state, e.needed_from, p.district_id, p.hours_a_week, d.local_authority_id AS council_id,
       (SELECT max(LEAST(r.offered_hours, p.hours_a_week)) FROM {REFERRALS} r
         WHERE r.enquiry_id = e.id AND r.offered_hours IS NOT NULL) AS offered,
       (SELECT r.offered_hours FROM {REFERRALS} r WHERE r.enquiry_id = e.id AND r.status = 'completed') AS placed
{_REQUESTS})
SELECT date_trunc('week', q.created_at AT TIME ZONE %s)::date AS week, q.district_id AS district,
       la.name AS council, count(*) AS requests, sum(q.hours_a_week) AS requested,
       coalesce(sum(q.offered), 0) AS offered, coalesce(sum(q.placed), 0) AS placed,
       coalesce(sum(GREATEST(q.hours_a_week - coalesce(q.placed, 0), 0))
                FILTER (WHERE q.state <> 'open' OR q.needed_from < %s), 0) AS unmet
  FROM requests q LEFT JOIN {COUNCILS} la ON la.id = q.council_id
 GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2"""  # noqa: S608

TO_OFFER_ACCEPTED = f"""
SELECT count(*) FILTER (WHERE e.state = 'placed') AS placed, count(*) AS requests,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.closed_at - e.created_at) / 60)
           FILTER (WHERE e.state = 'placed') AS median_minutes
{_REQUESTS}"""  # noqa: S608

DECLINES = f"""
SELECT r.decline_reason, count(*) AS n
{_FROM} JOIN {REFERRALS} r ON r.enquiry_id = e.id
{_WHERE} AND r.status = 'rejected'
 GROUP BY r.decline_reason ORDER BY n DESC, r.decline_reason"""

# An agency covering several districts counts in each: its hours there are the district's own
# figure where it has one, else the agency's.
SPARE = f"""
SELECT cd.district_id AS district, la.name AS council, count(*) AS agencies,
       count(*) FILTER (WHERE coalesce(cd.hours_available, c.hours_available) > 0) AS with_hours,
       coalesce(sum(coalesce(cd.hours_available, c.hours_available)), 0) AS spare_hours,
       count(*) FILTER (WHERE c.last_confirmed_at >= %s) AS fresh
  FROM {COVERED} cd JOIN {LOCATIONS} h ON h.id = cd.agency_id AND h.status = 'active'
  LEFT JOIN {CAPACITIES} c ON c.agency_id = cd.agency_id
  JOIN {DISTRICTS} d ON d.code = cd.district_id LEFT JOIN {COUNCILS} la ON la.id = d.local_authority_id
 WHERE (%s::bigint[] IS NULL OR d.local_authority_id = ANY(%s::bigint[]))
 GROUP BY cd.district_id, la.name ORDER BY cd.district_id"""  # noqa: S608


@dataclass
class Figures:
    area: areas.Area
    days: int
    weeks: list[dict]  # per week and district
    by_week: list[dict]
    by_district: list[dict]
    placements: dict
    declines: list[dict]
    spare: list[dict]


def _summed(rows: list[dict], key: str) -> list[dict]:
    totals = defaultdict(lambda: {"requests": 0, "requested": Decimal(0), "offered": Decimal(0),
                                  "placed": Decimal(0), "unmet": Decimal(0)})  # fmt: skip
    for row in rows:
        total = totals[row[key]]
        for name in total:
            total[name] += row[name]
    return [{key: value, **total} for value, total in totals.items()]


def figures(area: areas.Area, days: int) -> Figures:
    now = timezone.now()
    since = now - datetime.timedelta(days=days)
    councils = list(area.la_ids) if area.la_ids is not None else None
    weeks = named_rows(WEEKS, [since, councils, councils, timezone.get_current_timezone_name(), timezone.localdate()])
    declines = named_rows(DECLINES, [since, councils, councils])
    return Figures(
        area=area, days=days, weeks=weeks, by_week=_summed(weeks, "week"),
        by_district=sorted(_summed(weeks, "district"), key=lambda row: row["district"]),
        placements=named_rows(TO_OFFER_ACCEPTED, [since, councils, councils])[0],
        declines=[{"reason": DeclineReason(row["decline_reason"]).label, "n": row["n"]} for row in declines],
        spare=named_rows(SPARE, [now - STALE_AFTER, councils, councils]),
    )  # fmt: skip


def stale_agencies(area: areas.Area):
    """The area's active agencies whose capacity is over a day old or was never given, the
    oldest first, each with whether it was reminded today."""
    agencies = HomeCareAgency.objects.active().filter(area.scope())
    return reminders.stale(agencies).select_related("capacity").order_by("capacity__last_confirmed_at", "name")


def _with_freshness(agencies: list) -> list:
    reminded = set(
        Reminder.objects.filter(home__in=[a.pk for a in agencies], date=timezone.localdate()).values_list(
            "home_id", flat=True
        )
    )
    for agency in agencies:
        capacity = getattr(agency, "capacity", None)
        agency.freshness = freshness(capacity.last_confirmed_at if capacity else None)
        agency.reminded_today = agency.pk in reminded
    return agencies


def _area_and_days(request) -> tuple[areas.Area, int]:
    return areas.area_or_404(request), PERIODS.get(request.GET.get("days", "90"), 90)


@require_GET
@permission_required(may_see_areas)
def area_home_care(request) -> HttpResponse:
    area, days = _area_and_days(request)
    found = figures(area, days)
    stale = _with_freshness(list(stale_agencies(area)[:STALE_LISTED]))
    form = StatsForm(initial={"area": area.key, "days": str(days)}, choices=areas.areas_for(request.user))
    median = found.placements["median_minutes"]
    for row in [*found.by_week, *found.by_district, *found.spare]:  # hours as people write them: 20, 7.5
        row["text"] = {key: _hours(value) for key, value in row.items() if isinstance(value, Decimal)}
    context = {
        "figures": found, "form": form, "to_offer_accepted": minutes_words(median), "stale": stale,
        "stale_listed": STALE_LISTED, "csv": f"?area={area.key}&days={days}",
    }  # fmt: skip
    return render(request, "enquiries/area_home_care.jinja", context)


def _hours(value) -> str:
    return hours_figure(value) if value is not None else ""


CSVS = {
    "weeks": (
        ["Week starting", "Postcode district", "Council", "Package requests", "Hours requested", "Hours offered",
         "Hours placed", "Hours unmet"],
        lambda found, area: ([r["week"].isoformat(), r["district"], r["council"] or "", r["requests"],
                              *(_hours(r[k]) for k in ("requested", "offered", "placed", "unmet"))]
                             for r in found.weeks),
    ),
    "declines": (["Reason", "Declines"], lambda found, area: ([r["reason"], r["n"]] for r in found.declines)),
    "spare": (
        ["Postcode district", "Council", "Agencies covering it", "With hours to take on", "Spare hours a week",
         "Updated in the last day"],
        lambda found, area: ([r["district"], r["council"] or "", r["agencies"], r["with_hours"],
                              _hours(r["spare_hours"]), r["fresh"]] for r in found.spare),
    ),
    "stale": (
        ["Agency", "CQC location ID", "Phone", "Last updated"],
        lambda found, area: ([a.name, a.cqc_location_id, a.phone, freshness(
            a.capacity.last_confirmed_at if getattr(a, "capacity", None) else None).exact]
            for a in stale_agencies(area).iterator(chunk_size=500)),
    ),
}  # fmt: skip


@require_GET
@permission_required(may_see_areas)
def area_home_care_csv(request, table: str) -> HttpResponse:
    if table not in CSVS:
        raise Http404
    area, days = _area_and_days(request)
    header, rows = CSVS[table]
    found = figures(area, days) if table != "stale" else None
    return csv_response(f"home-care-{table}-{area.key}-{days}-days.csv", header, rows(found, area))
