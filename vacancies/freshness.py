"""How fresh a home's figures are, in words and colour: the product's honesty.

Stale after 24 hours; never confirmed is its own state.
"""

import datetime
from typing import NamedTuple

from django.utils import timezone

STALE_AFTER = datetime.timedelta(hours=24)
ONE_MINUTE = datetime.timedelta(minutes=1)


class Freshness(NamedTuple):
    """A home's freshness (a tuple: made for every card of every list, 100 on a page of My homes)."""

    words: str  # "updated 3 hours ago"
    level: str  # fresh | stale | never
    colour: str  # its NHS.UK tag's colour
    exact: str  # "24 November 2026 at 09:41"
    iso: str

    @property
    def is_stale(self) -> bool:
        return self.level != "fresh"

    @property
    def sentence(self) -> str:
        """The words at the start of a sentence: "Updated 3 hours ago"."""
        return self.words[:1].upper() + self.words[1:]


NEVER = Freshness("never updated", "never", "grey", "No figures have been entered yet", "")


# Largest first: an age is given in the largest unit it has one of ("3 hours", "2 weeks").
UNITS = [
    (365 * 86400, "year"),
    (30 * 86400, "month"),
    (7 * 86400, "week"),
    (86400, "day"),
    (3600, "hour"),
    (60, "minute"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


def age_in_words(seconds: float) -> str:
    """ "3 hours", "1 day": the age in its largest whole unit (a search page words 25 of these)."""
    for size, unit in UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
    return "0 minutes"


def freshness(
    last_confirmed_at: datetime.datetime | None, now: datetime.datetime | None = None, zone=None
) -> Freshness:
    """``last_confirmed_at``'s freshness at ``now``, its time told in ``zone`` (the current time
    zone unless given: a list reads the time and the zone once for all its rows)."""
    if last_confirmed_at is None:
        return NEVER
    now = now or timezone.now()
    age = now - last_confirmed_at
    words = "updated just now" if age < ONE_MINUTE else f"updated {age_in_words(age.total_seconds())} ago"
    local = last_confirmed_at.astimezone(zone or timezone.get_current_timezone())
    exact = f"{local.day} {MONTHS[local.month - 1]} {local.year} at {local.hour:02d}:{local.minute:02d}"
    if age >= STALE_AFTER:
        return Freshness(words, "stale", "red", exact, local.isoformat())
    return Freshness(words, "fresh", "green", exact, local.isoformat())
