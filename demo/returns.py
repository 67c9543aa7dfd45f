"""A year of monthly returns for synthetic care homes and home-care agencies (issue 27): the
dataset's, and the demo's.

Each location has a habit: most answer early in every window, some on its last days, some
lapse for a few months together, a few rarely answer. A home's headcounts follow its beds and
whether it has nursing; an agency's people and hours follow the size of its workforce; both
drift a little from month to month (most months nothing changes). Beds are a home's figures,
with its occupancy moving a little; an agency has none. A home is taken to have joined the
portal with its first update in the history (an agency 400 days ago: its capacity has no
history in the dataset), so its missed months count.

Made once: homes that already have returns are left as they are.
"""

import datetime
import random

from django.db import connection
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from psycopg.types.json import Jsonb

from demo.bulk import copy_rows
from registers.choices import ServiceType
from registers.models import CareHome
from returns import definition
from returns.models import MonthlyReturn
from returns.window import closed_months, open_window, window_for
from vacancies.models import CategoryVacancy, VacancyUpdate

HABITS = [("early", 78), ("late", 12), ("lapsing", 7), ("rarely", 3)]


def _habit(rng) -> str:
    return rng.choices([name for name, _ in HABITS], [weight for _, weight in HABITS])[0]


def _missed(rng, habit: str, months: int) -> set[int]:
    """Which of the months (0 newest) this home misses."""
    if habit == "early":
        return {n for n in range(months) if rng.random() < 0.02}
    if habit == "late":
        return {n for n in range(months) if rng.random() < 0.08}
    if habit == "lapsing":
        start, length = rng.randrange(months), rng.randint(2, 5)
        return set(range(start, min(months, start + length)))
    return {n for n in range(months) if rng.random() < 0.6}


def _home_answers(rng, beds: int, nursing: bool, month: datetime.date) -> dict:
    """A care home's answers: headcounts from its beds and whether it has nursing."""
    direct_care = max(1, round(beds * rng.uniform(0.9, 1.3)))
    answers = {
        "direct_nurses": round(beds * rng.uniform(0.1, 0.2)) if nursing else rng.randint(0, 1),
        "direct_care_staff": direct_care,
        "direct_other_staff": max(1, round(beds * rng.uniform(0.3, 0.5))),
        "agency_nurses": rng.randint(0, 3) if nursing else 0,
        "agency_care_staff": round(direct_care * rng.uniform(0.02, 0.18)),
        "agency_other_staff": rng.randint(0, 2),
        "visiting": rng.choices(["open", "restricted", "essential_only", "closed"], [88, 9, 2, 1])[0],
    }
    direct = answers["direct_nurses"] + answers["direct_care_staff"] + answers["direct_other_staff"]
    answers["flu_vaccinated"] = round(direct * rng.uniform(0.35, 0.7))
    answers["covid_vaccinated"] = round(direct * rng.uniform(0.15, 0.45))
    return answers


def _agency_answers(rng, workers: int) -> dict:
    """A home-care agency's answers: from the size of its workforce. Each care worker supports
    one to three people, most of them council- or NHS-funded, for 6 to 14 hours a week each;
    a few are off sick; some agencies could take on a few more hours, many none."""
    care_workers = max(2, round(workers * rng.uniform(0.92, 1.08)))
    people = round(care_workers * rng.uniform(1.0, 3.0))
    funded = round(people * rng.uniform(0.55, 0.9))
    return {
        "people_funded": funded,
        "people_self_funded": people - funded,
        "care_workers": care_workers,
        "care_workers_absent": round(care_workers * rng.uniform(0.0, 0.12)),
        "hours_delivered": round(people * rng.uniform(6, 14)),
        "extra_hours_possible": 0 if rng.random() < 0.4 else rng.randrange(5, 5 + care_workers * 4, 5),
    }


def _fresh(rng, kind: str, size: int, nursing: bool, month: datetime.date) -> dict:
    """A return's answers for ``kind`` (``size``: a home's beds, an agency's care workers)."""
    made = _agency_answers(rng, size) if kind == definition.HOME_CARE else _home_answers(rng, size, nursing, month)
    return {question.key: made.get(question.key) for question in definition.questions_for(month, kind)}


def _drift(rng, answers: dict, fresh: dict) -> dict:
    """Next month's answers: the same, most months; otherwise a figure or two moves. Kept within
    the definition's limits (vaccinated or absent staff no more than those employed)."""
    if rng.random() < 0.6:
        return {key: answers[key] if answers.get(key) is not None else fresh[key] for key in fresh}
    moved = dict(fresh)
    for key in fresh:
        if answers.get(key) is not None and rng.random() < 0.7:
            moved[key] = answers[key]
    for key in moved:
        if limit := definition.BY_KEY[key].at_most:
            moved[key] = min(moved[key], sum(moved[other] for other in limit))
    return moved


def fill(homes, seed: int, today: datetime.date | None = None) -> int:
    """A year of returns for ``homes`` (a queryset of synthetic care homes, home-care agencies or
    both) that have none."""
    today = today or timezone.localdate()
    # An anti-join: NOT IN over a year of returns (284,000 rows) outgrew work_mem's hash and ran
    # as a scan per location, minutes on the national dataset each time it was reused.
    homes = homes.filter(status="active").exclude(Exists(MonthlyReturn.objects.filter(home=OuterRef("pk"))))
    found = list(homes.values_list("pk", "service_type", "kind"))
    if not found:
        return 0
    ids = [pk for pk, _, _ in found]
    beds = {
        row["home_id"]: row
        for row in CategoryVacancy.objects.filter(home_id__in=ids).values("home_id").annotate(
            capacity=Sum("capacity"), occupied=Sum("occupied"), reserved=Sum("vacant_unavailable"),
            accepting=Sum("vacant_accepting"),
        )
    }  # fmt: skip
    months = list(reversed(closed_months(today, 12)))  # oldest first
    window = open_window(today)
    rng = random.Random(seed + 27)
    rows = []
    for pk, service_type, kind in found:
        figures = beds.get(pk)
        if kind == definition.HOME_CARE:
            # Care workers: about 30 in a typical agency, a few with hundreds.
            size, nursing = min(400, max(3, round(rng.lognormvariate(3.4, 0.6)))), False
        elif figures is None:
            continue  # a home with no figures yet
        else:
            size, nursing = figures["capacity"], service_type == ServiceType.WITH_NURSING
        habit = _habit(rng)
        missed = _missed(rng, habit, len(months))
        answers: dict = {}
        for index, month in enumerate(months):
            fresh = _fresh(rng, kind, size, nursing, month)
            answers = _drift(rng, answers, fresh) if answers else fresh
            if len(months) - 1 - index in missed:
                continue
            rows.append(_row(rng, pk, month, answers, figures, habit, window_for(month).closes))
        if window is not None and habit != "rarely":
            day = window.opens + datetime.timedelta(days=rng.randint(0, 2) if habit != "late" else 5)
            if day <= today:
                answers = _drift(rng, answers, _fresh(rng, kind, size, nursing, window.month))
                rows.append(_row(rng, pk, window.month, answers, figures, habit, day, exact=True))
    copy_rows(
        MonthlyReturn,
        ["home_id", "month", "answers", "beds", "version", "first_submitted_at", "submitted_at", "via", "is_synthetic"],
        rows,
    )  # fmt: skip
    # A home joined the portal with its first figures (400 days ago, for homes with no history,
    # and agencies, whose capacity has no history in the dataset yet).
    homes_table, updates_table = CareHome._meta.db_table, VacancyUpdate._meta.db_table
    with connection.cursor() as cursor:
        # The history was just copied in, in this transaction: without fresh statistics PostgreSQL
        # can take the updates for a few rows and join them to every home by scanning them all
        # once a home (the test suite's region build sat 25 minutes here after other tests).
        cursor.execute(f"ANALYZE {homes_table}, {updates_table}")
        # Each home's first update read by the history's index on (home, time), whatever the plan.
        cursor.execute(
            f"UPDATE {homes_table} h SET created_at = coalesce("  # noqa: S608
            f"(SELECT u.made_at FROM {updates_table} u WHERE u.home_id = h.id ORDER BY u.made_at LIMIT 1), "
            "now() - interval '400 days') WHERE h.id = ANY(%s)",
            [ids],
        )
        cursor.execute(f"ANALYZE {MonthlyReturn._meta.db_table}")  # the planner's statistics for the new rows
    return len(rows)


def _row(rng, home_id, month, answers, figures, habit, last_day, exact=False) -> tuple:
    opens = window_for(month).opens
    if exact:
        day = last_day
    elif habit == "late":
        day = last_day - datetime.timedelta(days=rng.randint(0, 1))
    else:
        day = opens + datetime.timedelta(days=rng.randint(0, 2))
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59))))
    via = rng.choices(["form", "unchanged", "reminder", "together"], [40, 35, 15, 10])[0]
    if figures is None:  # a home-care agency: no beds
        return (home_id, month, Jsonb(answers), Jsonb({}), 1, at, at, via, True)
    occupied = max(0, min(figures["capacity"], figures["occupied"] + rng.randint(-1, 1)))
    beds = {"capacity": figures["capacity"], "occupied": occupied, "vacant_reserved": figures["reserved"],
            "vacant_accepting": max(0, figures["capacity"] - occupied - figures["reserved"])}  # fmt: skip
    return (home_id, month, Jsonb(answers), Jsonb(beds), 1, at, at, via, True)


def clear(homes) -> None:
    MonthlyReturn.objects.filter(home__in=homes).delete()
