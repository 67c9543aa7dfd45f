"""The last N days of vacant-accepting beds per category, for a home's page.

Rebuilt from the history: start from today's figures and undo each change,
newest first, to get each earlier day's closing value (the changes are read with
the rest of a home's page: vacancies/panel.py).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from vacancies.models import CareCategory, in_category_order

TREND_DAYS = 30  # a home's page shows its last 30 days

# NHS identity colours, as many as there are care categories: a chart may draw all twelve.
PALETTE = ["#005eb8", "#007f3b", "#d5281b", "#330072", "#ffb81c", "#41b6e6", "#7c2855", "#425563", "#ed8b00",
           "#00a499", "#ae2573", "#78be20"]  # fmt: skip
# Each care category keeps its colour on every chart (a home's, an area's), and no two share one.
CATEGORY_COLOURS = dict(zip(CareCategory.values, PALETTE, strict=True))


@dataclass
class Series:
    label: str
    colour: str
    values: list[int | None]  # one per day, oldest first; None before the category existed
    points: str = ""


@dataclass
class Trend:
    days: list[datetime.date]
    series: list[Series]
    max_value: int
    width: int = 600
    height: int = 200
    # Chart geometry for the template.
    left: int = 40
    bottom: int = 30
    top: int = 10
    # A trend by day, by default; by month, say so (returns/figures.py).
    label_format: str = "%-d %b"
    row_format: str = "%a %-d %b"
    first_format: str = "%-d %B"
    last_format: str = "%-d %B %Y"
    period_words: str = "days"
    period_heading: str = "Day"

    @property
    def ticks(self) -> list[dict]:
        plot = self.height - self.bottom - self.top
        values = sorted({0, self.max_value // 2, self.max_value})
        return [{"value": v, "y": self.top + plot - plot * v / self.max_value} for v in values]

    @property
    def date_labels(self) -> list[dict]:
        last = len(self.days) - 1
        anchors = {0: "start", last // 2: "middle", last: "end"}
        return [
            {"x": self._x(i), "label": self.days[i].strftime(self.label_format), "anchor": anchor}
            for i, anchor in anchors.items()
        ]

    def _x(self, index: int) -> float:
        span = max(len(self.days) - 1, 1)
        return self.left + (self.width - self.left - 10) * index / span

    def _y(self, value: int) -> float:
        plot = self.height - self.bottom - self.top
        return self.top + plot - plot * value / self.max_value

    def layout(self) -> "Trend":
        for series in self.series:
            series.points = " ".join(
                f"{self._x(i):.1f},{self._y(v):.1f}" for i, v in enumerate(series.values) if v is not None
            )
        return self

    @property
    def first_day(self) -> str:
        return self.days[0].strftime(self.first_format)

    @property
    def last_day(self) -> str:
        return self.days[-1].strftime(self.last_format)

    @property
    def table_head(self) -> list[str]:
        """The figures table's column headings (numeric columns end "#": templates/components/nhsuk.jinja)."""
        return [self.period_heading, *(f"{series.label}#" for series in self.series)]

    @property
    def rows(self) -> list["TrendRow"]:
        """The same figures as a table, newest first."""
        return [
            TrendRow(day, day.strftime(self.row_format), [series.values[i] for series in self.series])
            for i, day in reversed(list(enumerate(self.days)))
        ]


def drawn(trend: Trend, **labels: str) -> SafeString:
    """``vacancies/trend.jinja`` for ``trend`` (and its ``labels``: title, heading, chart_id), kept
    in this process by the figures it shows: the same figures always draw the same chart, so
    nobody sees another's. An area's trends change once a day (the nightly snapshot) and drawing
    the dashboard's two cost about a tenth of its request."""
    key = "trend:" + hashlib.sha256(repr((trend, sorted(labels.items()))).encode()).hexdigest()
    cache = caches["local"]
    html = cache.get(key)
    if html is None:
        html = engines["jinja2"].env.get_template("vacancies/trend.jinja").render({"trend": trend, **labels})
        cache.set(key, html, 24 * 3600)
    return mark_safe(html)  # noqa: S308 - trend.jinja's output, autoescaped


@dataclass(slots=True)
class TrendRow:
    day: datetime.date
    label: str
    values: list[int | None]


def accepting_trend(
    current: dict[str, int],
    changes: list[tuple[str, str, datetime.date]],
    first_day: datetime.date,
    days: int = TREND_DAYS,
) -> Trend | None:
    """``current``: each category's vacant accepting beds now; ``changes``: each change of a
    category's vacant accepting beds since ``first_day`` began, newest first, as (category,
    its old value, the day it was made here)."""
    if not current:
        return None
    day_list = [first_day + datetime.timedelta(days=n) for n in range(days)]
    value: dict[str, int | None] = dict(current)
    closing: dict[str, dict[datetime.date, int | None]] = {category: {} for category in current}
    pending = list(changes)
    for day in reversed(day_list):
        for category in closing:
            closing[category][day] = value.get(category)
        # Undo the changes made on this day, to get the previous day's closing value.
        while pending and pending[0][2] >= day:
            category, old_value, _ = pending.pop(0)
            if category in value:
                value[category] = int(old_value) if old_value != "" else None
    series = [
        Series(CareCategory(category).label, CATEGORY_COLOURS[category], [closing[category][d] for d in day_list])
        for category in in_category_order(current, lambda category: category)
    ]
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    return Trend(days=day_list, series=series, max_value=max(highest, 1)).layout()
