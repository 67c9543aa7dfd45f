"""A council's view of enquiries to the care homes in its area (agencies' package requests:
enquiries/home_care_figures.py): how many, how fast homes reply,
how often they accept, why they decline, how long from the first enquiry to a placement.
Per home and for the area, over a period; a CSV of the per-home figures."""

import datetime
from dataclasses import dataclass

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import may_see_areas, permission_required
from enquiries.models import DeclineReason, Enquiry, Referral
from registers.models import CareHome
from tracker.csv_export import csv_response
from tracker.forms import NhsFormMixin
from tracker.sql import named_rows, table
from vacancies import areas

PERIODS = {"30": 30, "90": 90, "365": 365}
REFERRALS, ENQUIRIES, HOMES = table(Referral), table(Enquiry), table(CareHome)

# Per home, over referrals sent in the period (parameters: since, then the area's councils or NULL).
PER_HOME = f"""
SELECT h.id, h.name, h.cqc_location_id,
       count(*) AS received,
       count(r.answered_at) AS answered,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM r.answered_at - r.sent_at) / 60) AS median_reply_minutes,
       count(*) FILTER (WHERE r.status IN ('accepted', 'completed')
                           OR (r.status = 'cancelled' AND r.hold_id IS NOT NULL)) AS accepted,
       count(*) FILTER (WHERE r.status = 'rejected') AS declined,
       count(*) FILTER (WHERE r.status = 'completed') AS placed
  FROM {REFERRALS} r JOIN {HOMES} h ON h.id = r.home_id
 WHERE r.sent_at >= %s AND h.kind = 'care_home'
   AND (%s::bigint[] IS NULL OR h.local_authority_id = ANY(%s::bigint[]))
 GROUP BY h.id, h.name, h.cqc_location_id
 ORDER BY received DESC, h.name"""  # noqa: S608 - table names only

AREA = f"""
SELECT count(*) AS received,
       count(r.answered_at) AS answered,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM r.answered_at - r.sent_at) / 60) AS median_reply_minutes,
       count(*) FILTER (WHERE r.status IN ('accepted', 'completed')
                           OR (r.status = 'cancelled' AND r.hold_id IS NOT NULL)) AS accepted,
       count(*) FILTER (WHERE r.status = 'rejected') AS declined,
       count(*) FILTER (WHERE r.answered_at IS NULL AND r.status IN ('requested', 'received')
                          AND e.reply_by < now()) AS overdue
  FROM {REFERRALS} r JOIN {HOMES} h ON h.id = r.home_id JOIN {ENQUIRIES} e ON e.id = r.enquiry_id
 WHERE r.sent_at >= %s AND h.kind = 'care_home'
   AND (%s::bigint[] IS NULL OR h.local_authority_id = ANY(%s::bigint[]))"""  # noqa: S608

DECLINES = f"""
SELECT r.decline_reason, count(*) AS n
  FROM {REFERRALS} r JOIN {HOMES} h ON h.id = r.home_id
 WHERE r.status = 'rejected' AND r.sent_at >= %s AND h.kind = 'care_home'
   AND (%s::bigint[] IS NULL OR h.local_authority_id = ANY(%s::bigint[]))
 GROUP BY r.decline_reason ORDER BY n DESC"""  # noqa: S608

# Placements in the area: from the enquiry's first sending to the confirmation.
TO_PLACEMENT = f"""
SELECT count(*) AS placed,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.closed_at - e.created_at) / 3600)
           AS median_hours
  FROM {ENQUIRIES} e JOIN {REFERRALS} r ON r.enquiry_id = e.id AND r.status = 'completed'
  JOIN {HOMES} h ON h.id = r.home_id
 WHERE e.state = 'placed' AND e.created_at >= %s AND e.kind = 'bed'
   AND (%s::bigint[] IS NULL OR h.local_authority_id = ANY(%s::bigint[]))"""  # noqa: S608


def minutes_words(minutes: float | None) -> str:
    if minutes is None:
        return "none yet"
    if minutes < 60:
        return f"{round(minutes)} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes / 1440:.1f} days"


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "none yet"


@dataclass
class Figures:
    area: areas.Area
    days: int
    totals: dict
    declines: list[dict]
    placements: dict
    homes: list[dict]


def figures(area: areas.Area, days: int) -> Figures:
    since = timezone.now() - datetime.timedelta(days=days)
    councils = list(area.la_ids) if area.la_ids is not None else None
    params = [since, councils, councils]
    totals = named_rows(AREA, params)[0]
    declines = [
        {"reason": DeclineReason(row["decline_reason"]).label, "n": row["n"]} for row in named_rows(DECLINES, params)
    ]
    return Figures(
        area=area, days=days, totals=totals, declines=declines, placements=named_rows(TO_PLACEMENT, params)[0],
        homes=named_rows(PER_HOME, params),
    )  # fmt: skip


class StatsForm(NhsFormMixin, forms.Form):
    area = forms.ChoiceField(label="Area", widget=forms.Select(attrs={"id": "area"}))
    days = forms.ChoiceField(label="Over the last", choices=[(key, f"{n} days") for key, n in PERIODS.items()])

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.key, area.label) for area in choices]


def _days(request) -> int:
    return PERIODS.get(request.GET.get("days", "30"), 30)


@require_GET
@permission_required(may_see_areas)
def area_enquiries(request) -> HttpResponse:
    area, days = areas.area_or_404(request), _days(request)
    form = StatsForm(initial={"area": area.key, "days": str(days)}, choices=areas.areas_for(request.user))
    found = figures(area, days)
    for home in found.homes:
        home["reply"] = minutes_words(home["median_reply_minutes"])
        home["acceptance"] = share(home["accepted"], home["answered"])
    context = {
        "figures": found, "form": form, "homes": found.homes[:100],
        "reply": minutes_words(found.totals["median_reply_minutes"]),
        "acceptance": share(found.totals["accepted"], found.totals["answered"]),
        "to_placement": minutes_words(
            None if found.placements["median_hours"] is None else found.placements["median_hours"] * 60
        ),
    }  # fmt: skip
    return render(request, "enquiries/area.jinja", context)


@require_GET
@permission_required(may_see_areas)
def area_enquiries_csv(request) -> HttpResponse:
    area, days = areas.area_or_404(request), _days(request)
    found = figures(area, days)
    header = ["Home", "CQC location ID", "Enquiries received", "Answered", "Median minutes to reply", "Accepted",
              "Declined", "Placed"]  # fmt: skip
    rows = (
        [h["name"], h["cqc_location_id"], h["received"], h["answered"],
         "" if h["median_reply_minutes"] is None else round(h["median_reply_minutes"]), h["accepted"], h["declined"],
         h["placed"]]
        for h in found.homes
    )  # fmt: skip
    return csv_response(f"enquiries-{area.key}-{days}-days.csv", header, rows)
