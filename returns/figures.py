"""What the returns add up to: an area's month (who answered), its workforce over a year (care
homes' and home-care agencies' apart), and the national extract (one row per location and
month, docs/returns.md), so that our answers can be handed to the national collection
instead of typed again. The extract's page
and its CSV, and the API's returns, are made by one builder (``extract_rows``).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from returns import definition
from returns.models import MonthlyReturn
from returns.window import month_of, previous_month, window_for
from vacancies.trends import PALETTE, Series, Trend


def _number(key: str, prefix: str = "answers__"):
    return Cast(KT(f"{prefix}{key}"), IntegerField())


def _sum_of(*keys: str, kind: str):
    """The sum of these answers over the returns of ``kind``'s locations (each kind's figures
    from its own returns only: an agency's never reach a care home's, and the other way round)."""
    total = None
    for key in keys:
        term = _number(key)
        total = term if total is None else total + term
    return Sum(total, filter=Q(home__kind=kind))


@dataclass
class WorkforceMonth:
    month: datetime.date
    # Care homes: those that answered, their staff, and their occupied beds.
    homes: int
    direct: int
    agency: int
    care_staff: int
    occupied: int
    # Home-care agencies (no beds): those that answered, their care workers, people and hours.
    agencies: int = 0
    care_workers: int = 0
    absent: int = 0
    people: int = 0
    hours: int = 0

    @property
    def agency_share(self) -> float | None:
        """Agency and bank staff as a share of all care homes' staff, in per cent."""
        staff = self.direct + self.agency
        return round(100 * self.agency / staff, 1) if staff else None

    @property
    def care_staff_per_100_beds(self) -> float | None:
        """Care homes' care staff (employed, agency and bank) per 100 occupied beds."""
        return round(100 * self.care_staff / self.occupied, 1) if self.occupied else None

    @property
    def absent_share(self) -> float | None:
        """Home-care agencies' care workers absent, as a share of those they employ, in per cent."""
        return round(100 * self.absent / self.care_workers, 1) if self.care_workers else None

    @property
    def hours_per_person(self) -> float | None:
        """Hours of home care delivered in a week for each person supported."""
        return round(self.hours / self.people, 1) if self.people else None


def workforce(area, months: int = 12, latest: datetime.date | None = None, locations=None) -> list[WorkforceMonth]:
    """The area's workforce by month, oldest first, from the returns answered: care homes' and
    home-care agencies' apart. One query.
    ``locations``: the area's locations as (id, kind), when the caller has them. Then the rows are
    read by the unique index on home and month (PostgreSQL otherwise plans a parallel scan of every
    home, ten times slower here), and the months whose windows have closed are kept in this
    process by those locations: a closed month's returns never change (``submissions.submit``
    takes the open window's month only), so the same locations always add up to the same figures
    and nobody sees another area's. Only the open month, if the year has it, is read each time."""
    latest = month_of(latest or datetime.date.today())
    wanted = [latest]
    for _ in range(months - 1):
        wanted.insert(0, previous_month(wanted[0]))
    if locations is None:
        rows = _workforce_rows(area.scope("home__"), wanted)
    else:
        theirs = Q(home_id__in=[pk for pk, _ in locations])
        today = timezone.localdate()
        closed = [month for month in wanted if window_for(month).closes < today]
        key = "workforce:" + hashlib.sha256(repr((sorted(locations), closed)).encode()).hexdigest()
        cache = caches["local"]
        rows = cache.get(key)
        if rows is None:
            rows = _workforce_rows(theirs, closed) if closed else {}
            cache.set(key, rows, 24 * 3600)
        if still_open := [month for month in wanted if month not in closed]:
            rows = {**rows, **_workforce_rows(theirs, still_open)}
    names = ("homes", "direct", "agency", "care_staff", "occupied", "agencies", "care_workers", "absent", "people",
             "hours")  # fmt: skip
    return [WorkforceMonth(month, **{name: (rows[month][name] or 0) if month in rows else 0 for name in names})
            for month in wanted]  # fmt: skip


def _workforce_rows(where: Q, wanted: list[datetime.date]) -> dict[datetime.date, dict]:
    home, agency = definition.CARE_HOME, definition.HOME_CARE
    return {
        row["month"]: row
        for row in MonthlyReturn.objects.filter(where, month__in=wanted)
        .values("month")
        .annotate(
            homes=Count("pk", filter=Q(home__kind=home)),
            direct=_sum_of("direct_nurses", "direct_care_staff", "direct_other_staff", kind=home),
            agency=_sum_of("agency_nurses", "agency_care_staff", "agency_other_staff", kind=home),
            care_staff=_sum_of("direct_care_staff", "agency_care_staff", kind=home),
            occupied=Sum(_number("occupied", "beds__"), filter=Q(home__kind=home)),
            agencies=Count("pk", filter=Q(home__kind=agency)),
            care_workers=_sum_of("care_workers", kind=agency),
            absent=_sum_of("care_workers_absent", kind=agency),
            people=_sum_of("people_funded", "people_self_funded", kind=agency),
            hours=_sum_of("hours_delivered", kind=agency),
        )
    }


def _trend(figures: list[WorkforceMonth], series: list[Series]) -> Trend:
    highest = max((value for s in series for value in s.values if value is not None), default=1)
    return Trend(
        days=[m.month for m in figures], series=series, max_value=max(highest, 1), label_format="%b %Y",
        row_format="%B %Y", first_format="%B %Y", last_format="%B %Y", period_words="months",
        period_heading="Month",
    ).layout()  # fmt: skip


def _whole(values) -> list[int | None]:
    return [None if value is None else round(value) for value in values]


def workforce_trend(figures: list[WorkforceMonth]) -> Trend | None:
    """Care homes' two measures as a chart (whole numbers: per cent, and per 100 beds)."""
    if not any(month.homes for month in figures):
        return None
    return _trend(figures, [
        Series("Agency and bank share of staff (%)", PALETTE[0], _whole(m.agency_share for m in figures)),
        Series("Care staff per 100 occupied beds", PALETTE[1], _whole(m.care_staff_per_100_beds for m in figures)),
    ])  # fmt: skip


def home_care_trend(figures: list[WorkforceMonth]) -> Trend | None:
    """Home-care agencies' two measures as a chart (whole numbers: per cent, and hours)."""
    if not any(month.agencies for month in figures):
        return None
    return _trend(figures, [
        Series("Care workers absent (%)", PALETTE[0], _whole(m.absent_share for m in figures)),
        Series("Hours of care a week per person supported", PALETTE[1], _whole(m.hours_per_person for m in figures)),
    ])  # fmt: skip


WORKFORCE_HEADER = ["Month", "Homes that answered", "Staff employed directly", "Agency and bank staff",
                    "Agency and bank share of staff (%)", "Care staff", "Occupied beds",
                    "Care staff per 100 occupied beds", "Home-care agencies that answered", "Care workers employed",
                    "Care workers absent", "Care workers absent (%)", "People supported",
                    "Hours of care delivered last week", "Hours per person supported"]  # fmt: skip


def workforce_rows(figures: list[WorkforceMonth]):
    for m in figures:
        yield [f"{m.month:%Y-%m}", m.homes, m.direct, m.agency, m.agency_share, m.care_staff, m.occupied,
               m.care_staff_per_100_beds, m.agencies, m.care_workers, m.absent, m.absent_share, m.people, m.hours,
               m.hours_per_person]  # fmt: skip


def extract_columns(month: datetime.date) -> list[str]:
    """The extract's columns for ``month`` (docs/returns.md says what each holds): every kind's
    questions, a row leaving empty those its kind is not asked."""
    return [
        "month", "cqc_location_id", "location_name", "location_kind", "cqc_provider_id", "provider_name",
        "local_authority_code", "local_authority", "submitted", "submitted_at", "submitted_via",
        *(name for name, _ in definition.BEDS),
        *(question.key for question in definition.questions_of_any_kind(month)),
    ]  # fmt: skip


def extract_records(homes, month: datetime.date):
    """One record per location in ``homes`` (a queryset of care homes, agencies or both, in the
    order given) for ``month``, answered or not: the API's returns, and the CSV's rows
    (``extract_rows``). A care home's record carries its beds; an agency has none (null).
    Two queries."""
    answered = {
        row.home_id: row
        for row in MonthlyReturn.objects.filter(home__in=homes.values("pk"), month=month).only(
            "home_id", "answers", "beds", "submitted_at", "via"
        )
    }
    keys = {kind: [question.key for question in definition.questions_for(month, kind)] for kind in definition.KINDS}
    for home in homes.select_related("provider", "local_authority").only(
        "cqc_location_id", "name", "kind", "provider__cqc_provider_id", "provider__name", "local_authority__gss_code",
        "local_authority__name",
    ):  # fmt: skip
        done = answered.get(home.pk)
        yield {
            "id": home.pk,
            "month": f"{month:%Y-%m}",
            "cqc_location_id": home.cqc_location_id,
            "location_name": home.name,
            "location_kind": home.kind,
            "cqc_provider_id": home.provider.cqc_provider_id or None,
            "provider_name": home.provider.name,
            "local_authority_code": home.local_authority.gss_code,
            "local_authority": home.local_authority.name,
            "submitted": done is not None,
            "submitted_at": done.submitted_at if done else None,
            "submitted_via": done.via if done else None,
            "beds": {name: done.beds.get(name) for name, _ in definition.BEDS} if done and not home.is_agency
            else None,
            "answers": {key: done.answers.get(key) for key in keys[home.kind]} if done else None,
        }  # fmt: skip


def extract_rows(homes, month: datetime.date):
    """The extract's CSV rows (``extract_columns``), one per location, by CQC location ID."""
    keys = [question.key for question in definition.questions_of_any_kind(month)]
    for record in extract_records(homes.order_by("cqc_location_id"), month):
        beds, answers = record["beds"] or {}, record["answers"] or {}
        yield [
            record["month"], record["cqc_location_id"], record["location_name"], record["location_kind"],
            record["cqc_provider_id"] or "", record["provider_name"], record["local_authority_code"],
            record["local_authority"], "yes" if record["submitted"] else "no",
            record["submitted_at"].isoformat(timespec="seconds") if record["submitted_at"] else "",
            record["submitted_via"] or "",
            *(beds.get(name, "") for name, _ in definition.BEDS),
            *(answers.get(key, "") for key in keys),
        ]  # fmt: skip
