"""What a family is told about a home's beds, or a home-care agency's new hours in their
area: a band, never a count (issues 12 and 26; ADR 019 says how an agency's bands are drawn).

Families read availability as a band with its age in days; figures more than a week old
say so instead ("call the home", "call the agency"), and a home that chose not to publish
its availability shows none.
"""

import datetime
from dataclasses import dataclass

from django.template.defaultfilters import pluralize
from django.utils import timezone

CONFIRMED_WITHIN = datetime.timedelta(days=7)
PLENTY = 3  # vacant beds accepting admissions from which a home has "beds available"
# New hours a week from which an agency is "taking on new clients" in a district: a typical
# new package (about two hours a day); fewer, but some, is "limited".
PLENTY_HOURS = 14


@dataclass(frozen=True, slots=True)
class Availability:
    words: str  # "Beds available"
    colour: str  # its tag's colour
    updated: str  # "Updated 3 days ago"; empty when not confirmed recently
    call_the_home: bool  # the figures are too old (or absent) to go by


NOT_CONFIRMED = Availability("Availability not confirmed recently: call the home", "grey", "", True)


def updated_words(confirmed: datetime.datetime, today: datetime.date) -> str:
    days = (today - timezone.localtime(confirmed).date()).days
    if days <= 0:
        return "Updated today"
    if days == 1:
        return "Updated yesterday"
    return f"Updated {days} day{pluralize(days)} ago"


def availability(
    *,
    shows: bool,
    closed: bool,
    all_categories_closed: bool,
    beds: int | None,
    last_confirmed_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> Availability | None:
    """The band for a home, from its figures (``beds``: vacant beds accepting admissions in
    its open categories). None when the home does not publish its availability."""
    if not shows:
        return None
    now = now or timezone.now()
    if last_confirmed_at is None or beds is None or now - last_confirmed_at > CONFIRMED_WITHIN:
        return NOT_CONFIRMED
    updated = updated_words(last_confirmed_at, timezone.localdate(now))
    if closed or all_categories_closed:
        return Availability("Not taking new residents", "red", updated, False)
    if beds >= PLENTY:
        return Availability("Beds available", "green", updated, False)
    if beds >= 1:
        return Availability("Limited availability", "yellow", updated, False)
    return Availability("No vacancies", "grey", updated, False)


NOT_CONFIRMED_AGENCY = Availability("Not confirmed recently: call the agency", "grey", "", True)


def taking_on(
    *,
    shows: bool,
    hours,
    last_confirmed_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> Availability | None:
    """The band for an agency in one postcode district, from its new hours a week there (the
    district's own figure, else the agency's). None when it does not publish its availability."""
    if not shows:
        return None
    now = now or timezone.now()
    if last_confirmed_at is None or hours is None or now - last_confirmed_at > CONFIRMED_WITHIN:
        return NOT_CONFIRMED_AGENCY
    updated = updated_words(last_confirmed_at, timezone.localdate(now))
    if hours >= PLENTY_HOURS:
        return Availability("Taking on new clients", "green", updated, False)
    if hours > 0:
        return Availability("Limited capacity for new clients", "yellow", updated, False)
    return Availability("Not taking on new clients", "grey", updated, False)
