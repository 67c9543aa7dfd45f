"""What the returns add up to: an area's month (who answered), its workforce over a year,
and the national extract (one row per location and month, docs/returns.md), so that our
answers can be handed to the national collection instead of typed again. The extract's page
and its CSV, and the API's returns, are made by one builder (``extract_rows``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from returns import definition
from returns.models import MonthlyReturn
from returns.window import month_of, previous_month
from vacancies.trends import PALETTE, Series, Trend


def _number(key: str, prefix: str = "answers__"):
    return Cast(KT(f"{prefix}{key}"), IntegerField())


def _sum_of(*keys: str):
    total = None
    for key in keys:
        term = _number(key)
        total = term if total is None else total + term
    return Sum(total)


@dataclass
class WorkforceMonth:
    month: datetime.date
    homes: int
    direct: int
    agency: int
    care_staff: int
    occupied: int

    @property
    def agency_share(self) -> float | None:
        """Agency and bank staff as a share of all staff, in per cent."""
        staff = self.direct + self.agency
        return round(100 * self.agency / staff, 1) if staff else None

    @property
    def care_staff_per_100_beds(self) -> float | None:
        """Care staff (employed, agency and bank) per 100 occupied beds."""
        return round(100 * self.care_staff / self.occupied, 1) if self.occupied else None


def workforce(area, months: int = 12, latest: datetime.date | None = None, home_ids=None) -> list[WorkforceMonth]:
    """The area's workforce by month, oldest first, from the returns answered. One query.
    ``home_ids``: the area's homes, when the caller has them (read by the unique index on home
    and month; PostgreSQL otherwise plans a parallel scan of every home, ten times slower here)."""
    latest = month_of(latest or datetime.date.today())
    wanted = [latest]
    for _ in range(months - 1):
        wanted.insert(0, previous_month(wanted[0]))
    rows = {
        row["month"]: row
        for row in MonthlyReturn.objects.filter(
            Q(home_id__in=list(home_ids)) if home_ids is not None else area.scope("home__"), month__in=wanted
        )
        .values("month")
        .annotate(
            homes=Count("pk"),
            direct=_sum_of("direct_nurses", "direct_care_staff", "direct_other_staff"),
            agency=_sum_of("agency_nurses", "agency_care_staff", "agency_other_staff"),
            care_staff=_sum_of("direct_care_staff", "agency_care_staff"),
            occupied=Sum(_number("occupied", "beds__")),
        )
    }
    return [
        WorkforceMonth(month, row["homes"], row["direct"] or 0, row["agency"] or 0, row["care_staff"] or 0,
                       row["occupied"] or 0)
        if (row := rows.get(month)) else WorkforceMonth(month, 0, 0, 0, 0, 0)
        for month in wanted
    ]  # fmt: skip


def workforce_trend(figures: list[WorkforceMonth]) -> Trend | None:
    """The two measures as a chart (whole numbers: per cent, and per 100 beds)."""
    if not any(month.homes for month in figures):
        return None
    share = [None if m.agency_share is None else round(m.agency_share) for m in figures]
    ratio = [None if m.care_staff_per_100_beds is None else round(m.care_staff_per_100_beds) for m in figures]
    series = [
        Series("Agency and bank share of staff (%)", PALETTE[0], share),
        Series("Care staff per 100 occupied beds", PALETTE[1], ratio),
    ]
    highest = max((value for s in series for value in s.values if value is not None), default=1)
    return Trend(
        days=[m.month for m in figures], series=series, max_value=max(highest, 1), label_format="%b %Y",
        row_format="%B %Y", first_format="%B %Y", last_format="%B %Y", period_words="months",
        period_heading="Month",
    ).layout()  # fmt: skip


WORKFORCE_HEADER = ["Month", "Homes that answered", "Staff employed directly", "Agency and bank staff",
                    "Agency and bank share of staff (%)", "Care staff", "Occupied beds",
                    "Care staff per 100 occupied beds"]  # fmt: skip


def workforce_rows(figures: list[WorkforceMonth]):
    for m in figures:
        yield [f"{m.month:%Y-%m}", m.homes, m.direct, m.agency, m.agency_share, m.care_staff, m.occupied,
               m.care_staff_per_100_beds]  # fmt: skip


def extract_columns(month: datetime.date) -> list[str]:
    """The extract's columns for ``month`` (docs/returns.md says what each holds)."""
    return [
        "month", "cqc_location_id", "location_name", "cqc_provider_id", "provider_name", "local_authority_code",
        "local_authority", "submitted", "submitted_at", "submitted_via",
        *(name for name, _ in definition.BEDS),
        *(question.key for question in definition.questions_for(month)),
    ]  # fmt: skip


def extract_records(homes, month: datetime.date):
    """One record per home in ``homes`` (a CareHome queryset, in the order given) for ``month``,
    answered or not: the API's returns, and the CSV's rows (``extract_rows``). Two queries."""
    answered = {
        row.home_id: row
        for row in MonthlyReturn.objects.filter(home__in=homes.values("pk"), month=month).only(
            "home_id", "answers", "beds", "submitted_at", "via"
        )
    }
    keys = [question.key for question in definition.questions_for(month)]
    for home in homes.select_related("provider", "local_authority").only(
        "cqc_location_id", "name", "provider__cqc_provider_id", "provider__name", "local_authority__gss_code",
        "local_authority__name",
    ):  # fmt: skip
        done = answered.get(home.pk)
        yield {
            "id": home.pk,
            "month": f"{month:%Y-%m}",
            "cqc_location_id": home.cqc_location_id,
            "location_name": home.name,
            "cqc_provider_id": home.provider.cqc_provider_id or None,
            "provider_name": home.provider.name,
            "local_authority_code": home.local_authority.gss_code,
            "local_authority": home.local_authority.name,
            "submitted": done is not None,
            "submitted_at": done.submitted_at if done else None,
            "submitted_via": done.via if done else None,
            "beds": {name: done.beds.get(name) for name, _ in definition.BEDS} if done else None,
            "answers": {key: done.answers.get(key) for key in keys} if done else None,
        }


def extract_rows(homes, month: datetime.date):
    """The extract's CSV rows (``extract_columns``), one per home, by CQC location ID."""
    keys = [question.key for question in definition.questions_for(month)]
    for record in extract_records(homes.order_by("cqc_location_id"), month):
        beds, answers = record["beds"] or {}, record["answers"] or {}
        yield [
            record["month"], record["cqc_location_id"], record["location_name"], record["cqc_provider_id"] or "",
            record["provider_name"], record["local_authority_code"], record["local_authority"],
            "yes" if record["submitted"] else "no",
            record["submitted_at"].isoformat(timespec="seconds") if record["submitted_at"] else "",
            record["submitted_via"] or "",
            *(beds.get(name, "") for name, _ in definition.BEDS),
            *(answers.get(key, "") for key in keys),
        ]  # fmt: skip
