"""How fresh a home's figures are, in words and colour: the product's honesty.

Stale after 24 hours; never confirmed is its own state.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.timesince import timesince

STALE_AFTER = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Freshness:
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


def freshness(last_confirmed_at: datetime.datetime | None, now: datetime.datetime | None = None) -> Freshness:
    if last_confirmed_at is None:
        return Freshness("never updated", "never", "grey", "No figures have been entered yet", "")
    now = now or timezone.now()
    age = now - last_confirmed_at
    if age < datetime.timedelta(minutes=1):
        words = "updated just now"
    else:
        words = f"updated {timesince(last_confirmed_at, now, depth=1)} ago".replace("\xa0", " ")
    local = timezone.localtime(last_confirmed_at)
    exact = f"{local:%-d %B %Y} at {local:%H:%M}"
    if age >= STALE_AFTER:
        return Freshness(words, "stale", "red", exact, local.isoformat())
    return Freshness(words, "fresh", "green", exact, local.isoformat())
