"""When a month's return is answered: from the 8th to the 14th of the month, or to the next
working day when the 14th is a Saturday, a Sunday or a bank holiday in England (the
national collection's notice). Bank holidays come from the ``holidays`` package, a
maintained calendar, not a list kept here.

A return is named by the month of its window ("the return for December" is answered from
8 December). Reminders go on the window's first day and its second-to-last day.
"""

import datetime
from dataclasses import dataclass
from functools import cache

import holidays
from django.utils import timezone

OPENS_ON = 8
DUE_ON = 14


@cache
def bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Window:
    month: datetime.date  # the first of the month the return is for
    opens: datetime.date  # the first day answers are taken
    closes: datetime.date  # the last day answers are taken

    def __contains__(self, day: datetime.date) -> bool:
        return self.opens <= day <= self.closes

    @property
    def reminder_days(self) -> tuple[datetime.date, datetime.date]:
        """The first day, and the second-to-last day."""
        return self.opens, self.closes - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


def window_for(month: datetime.date) -> Window:
    month = month_of(month)
    return Window(month, month.replace(day=OPENS_ON), next_working_day(month.replace(day=DUE_ON)))


def open_window(today: datetime.date | None = None) -> Window | None:
    """The window open today, if any."""
    today = today or timezone.localdate()
    window = window_for(today)
    return window if today in window else None


def next_window(today: datetime.date | None = None) -> Window:
    """The window open today, or the next to open."""
    today = today or timezone.localdate()
    window = window_for(today)
    return window if today <= window.closes else window_for(next_month(month_of(today)))


def closed_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The ``count`` most recent months whose windows have closed before ``today``, newest first."""
    month = month_of(today)
    if today <= window_for(month).closes:
        month = previous_month(month)
    months = []
    for _ in range(count):
        months.append(month)
        month = previous_month(month)
    return months
