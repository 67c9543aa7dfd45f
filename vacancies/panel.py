"""What a home's page shows about its beds (figures, beds held for discharge teams, freshness,
reports, closure, trend) and what else it reads beside the home: one statement.

The page's home is read by its permission's query (homes/access.py); everything else it shows
comes from ``read``'s one hand-written statement, where five ORM queries cost 2.2 ms of Python a
request (ADR 023): each part as JSON in one row, made back into the models' instances.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from homes.models import CqcLocation
from tracker.sql import from_json, named_rows, table
from vacancies import reports
from vacancies.freshness import freshness
from vacancies.models import (
    BedHold,
    CategoryVacancy,
    FigureReport,
    HomeVacancies,
    ShortlistEntry,
    VacancyChange,
    VacancyUpdate,
    in_category_order,
)
from vacancies.snapshots import day_bounds
from vacancies.trends import TREND_DAYS, accepting_trend

SHOWN_REPORTS = 5  # the newest reports made since the home last confirmed

# Each category with the times its beds held now are held until (soonest first); the standing
# reports; each change of a category's vacant accepting beds in the trend's days, newest first,
# on the day it was made here; when CQC's facts were last checked; whether it is on the
# person's shortlist.
PAGE_READS = f"""
SELECT
  (SELECT json_agg(to_jsonb(c) || jsonb_build_object('held_until', ARRAY(
       SELECT h.held_until FROM {table(BedHold)} h
       WHERE h.home_id = c.home_id AND h.category = c.category AND h.outcome = %(held)s
         AND h.held_until > %(now)s ORDER BY h.held_until)))
   FROM {table(CategoryVacancy)} c WHERE c.home_id = %(home)s) AS categories,
  (SELECT json_agg(r ORDER BY r.reported_at DESC) FROM (
       SELECT * FROM {table(FigureReport)}
       WHERE home_id = %(home)s AND (%(since)s::timestamptz IS NULL OR reported_at > %(since)s::timestamptz)
       ORDER BY reported_at DESC LIMIT {SHOWN_REPORTS}) r) AS reports,
  (SELECT json_agg(json_build_object('category', c.category, 'old_value', c.old_value,
                                     'day', (u.made_at AT TIME ZONE %(zone)s)::date)
                   ORDER BY u.made_at DESC, c.id DESC)
   FROM {table(VacancyChange)} c JOIN {table(VacancyUpdate)} u ON u.id = c.update_id
   WHERE u.home_id = %(home)s AND u.made_at >= %(start)s AND c.field = 'vacant_accepting') AS changes,
  (SELECT checked_at FROM {table(CqcLocation)} WHERE location_id = %(cqc)s ORDER BY id LIMIT 1) AS cqc_checked,
  EXISTS (SELECT FROM {table(ShortlistEntry)} WHERE user_id = %(user)s AND home_id = %(home)s) AS shortlisted
"""  # noqa: S608 - table names from the models; values are parameters


@dataclass(slots=True)
class PageReads:
    vacancy: dict  # the beds' panel (templates/vacancies/panel.jinja)
    cqc_checked: datetime.datetime | None
    shortlisted: bool


def read(home, board: HomeVacancies | None, shortlister=None, today: datetime.date | None = None) -> PageReads:
    """``board``: the home's HomeVacancies with ``last_confirmed_by`` (read with the home), or None;
    ``shortlister``: the person whose shortlist the home may be on (None: nobody's)."""
    today = today or timezone.localdate()
    first_day = today - datetime.timedelta(days=TREND_DAYS - 1)
    confirmed = board.last_confirmed_at if board else None
    (row,) = named_rows(PAGE_READS, {
        "home": home.pk, "held": BedHold.Outcome.HELD, "now": timezone.now(), "since": confirmed,
        "zone": settings.TIME_ZONE, "start": day_bounds(first_day)[0], "cqc": home.cqc_location_id,
        "user": shortlister.pk if shortlister else None,
    })  # fmt: skip
    objects = row["categories"] or []
    categories = from_json(CategoryVacancy, objects)
    for category, read_row in zip(categories, objects, strict=True):
        category.held_until = [parse_datetime(until) for until in read_row["held_until"]]
        category.unheld = max(0, category.vacant_accepting - len(category.held_until))
    categories = in_category_order(categories)
    standing = from_json(FigureReport, row["reports"])
    changes = [
        (change["category"], change["old_value"], datetime.date.fromisoformat(change["day"]))
        for change in row["changes"] or ()
    ]
    return PageReads(
        vacancy={
            "reports": standing,
            "reported_wrong": reports.label(standing[0].reported_at if standing else None),
            "board": board,
            "categories": categories,
            "freshness": freshness(confirmed),
            "trend": accepting_trend({each.category: each.vacant_accepting for each in categories}, changes, first_day)
            if categories
            else None,
        },
        cqc_checked=row["cqc_checked"],
        shortlisted=row["shortlisted"],
    )
