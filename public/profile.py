"""A home's public page: what a family may see, worked out here, drawn by templates/public/.

A page is made from one row (``FACTS``: the home, its provider and council, its board of
vacancies and its care categories), read in one query; its ETag is a digest of that row.
Never a count of beds, a member of staff, an email address, or why a home is closed
(tests/test_public.py reads every public page for them).
"""

import dataclasses
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from homes.models import CqcLocation
from public.availability import Availability, availability
from public.search import fees_words, rating_words
from registers.choices import (
    KEY_QUESTIONS,
    Facility,
    Funding,
    LocationKind,
    ServiceType,
    ServiceUserBand,
    cqc_page,
    rating_label,
)
from registers.models import CareHome, LocalAuthority, Provider, dialable
from tracker.sql import named_rows, table
from vacancies.models import BedHold, CareCategory, CategoryVacancy, HomeVacancies, in_category_order

MAX_COMPARED = 3
RATING_COLUMNS = [f"rating_{name}" for name, _ in KEY_QUESTIONS]
# What a public page is made from: nothing else about the home is read.
FACTS = f"""
SELECT h.id, h.cqc_location_id, h.name, h.status, h.address_line_1, h.address_line_2, h.town, h.county,
       h.postcode, h.phone, h.website, h.cqc_rating, h.cqc_rating_date, {", ".join(f"h.{c}" for c in RATING_COLUMNS)},
       h.service_type, h.service_user_bands, h.registered_beds, h.funding_accepted, h.facilities,
       h.visiting_arrangements, h.public_description, h.fee_from, h.fee_to, h.top_up, h.top_up_note,
       h.shows_availability, h.version, p.name AS provider, la.name AS council,
       v.closed_to_admissions, v.vacant_accepting_total, v.last_confirmed_at,
       (SELECT count(*) FROM {table(BedHold)} b
         WHERE b.home_id = h.id AND b.outcome = 'held' AND b.held_until > now()) AS held,
       ARRAY(SELECT c.category FROM {table(CategoryVacancy)} c WHERE c.home_id = h.id) AS categories,
       NOT EXISTS (SELECT 1 FROM {table(CategoryVacancy)} c WHERE c.home_id = h.id AND NOT c.closed) AS all_closed,
       (SELECT l.checked_at FROM {table(CqcLocation)} l WHERE l.location_id = h.cqc_location_id) AS cqc_checked_at
  FROM {table(CareHome)} h
  JOIN {table(Provider)} p ON p.id = h.provider_id
  JOIN {table(LocalAuthority)} la ON la.id = h.local_authority_id
  LEFT JOIN {table(HomeVacancies)} v ON v.home_id = h.id
 WHERE h.kind = '{LocationKind.CARE_HOME}'
"""  # noqa: S608 - table names and constants only


def facts_of(cqc_id: str) -> dict | None:
    """The row a home's page is made from (archived homes too: their page says so)."""
    rows = named_rows(FACTS + " AND h.cqc_location_id = %s", [cqc_id])
    return rows[0] if rows else None


def facts_of_active(cqc_ids: list[str]) -> dict[str, dict]:
    """Rows for the active homes among ``cqc_ids``, by CQC location ID."""
    rows = named_rows(FACTS + " AND h.cqc_location_id = ANY(%s) AND h.status = 'active'", [cqc_ids])
    return {row["cqc_location_id"]: row for row in rows}


def etag_of(profile: "PublicProfile") -> str:
    """A digest of what the page shows (its availability band and "updated N days ago", not the
    figures behind them) in this release (the templates). Made from the facts instead, it would
    change when hidden figures did: anyone polling the page would learn what the home keeps
    private."""
    shown = repr((dataclasses.astuple(profile), settings.RELEASE))
    return hashlib.md5(shown.encode(), usedforsecurity=False).hexdigest()


@dataclass(slots=True)
class WhereAndCqc:
    """What a care home's and a home-care agency's public pages both show: where it is and
    CQC's facts (``where_and_cqc`` reads them)."""

    cqc_location_id: str
    name: str
    provider: str
    address_lines: list[str]
    town: str
    postcode: str
    phone: str
    tel: str
    website: str
    cqc_url: str
    rating: str
    rating_known: bool
    cqc_checked: str  # "5 December 2026": when CQC's facts were last checked with CQC's register
    key_questions: list[tuple[str, str]]


@dataclass(slots=True)
class PublicProfile(WhereAndCqc):
    kind: str
    cares_for: list[str]
    categories: list[str]
    registered_beds: int | None
    funding: list[str]
    fees: str
    top_up: str
    facilities: list[str]
    visiting: str
    description: str
    availability: Availability | None
    council: str

    @property
    def meta_description(self) -> str:
        """What the page is, for search engines' results: from what it shows, unique to the home."""
        cares = f" Cares for {', '.join(self.cares_for).lower()}." if self.cares_for else ""
        return (
            f"{self.name}: a {self.kind.lower()} in {self.town} ({self.postcode}), run by {self.provider}. "
            f"CQC rating: {self.rating}.{cares} Fees, facilities and whether it has a bed now."
        )


def _top_up(said: bool | None, note: str) -> str:
    if said is None:
        return ""
    words = "A top-up may be asked for." if said else "No top-up is asked for."
    return f"{words} {note}" if note else words


def key_questions_of(facts: dict) -> list[tuple[str, str]]:
    """All five of CQC's key questions when the home (or agency) has a rating for any (a family
    should see which are missing); none when it has none."""
    ratings = [facts[column] for column in RATING_COLUMNS]
    if not any(ratings):
        return []
    return [(label, rating_label(rating)) for (_, label), rating in zip(KEY_QUESTIONS, ratings, strict=True)]


def checked_words(checked_at) -> str:
    """ "5 December 2026": the day CQC's facts were last checked with CQC's register; empty: never."""
    return f"{timezone.localtime(checked_at):%-d %B %Y}" if checked_at else ""


def where_and_cqc(facts: dict) -> dict:
    """What a home's page and a home-care agency's both show: who it is, where, how to reach
    it, and CQC's word on it."""
    return {
        "cqc_location_id": facts["cqc_location_id"],
        "name": facts["name"],
        "provider": facts["provider"],
        "address_lines": [facts[key] for key in ("address_line_1", "address_line_2", "town", "county") if facts[key]],
        "town": facts["town"],
        "postcode": facts["postcode"],
        "phone": facts["phone"],
        "tel": dialable(facts["phone"]),
        "website": facts["website"],
        "cqc_url": cqc_page(facts["cqc_location_id"]),
        "rating": rating_words(facts["cqc_rating"], facts["cqc_rating_date"]),
        "rating_known": facts["cqc_rating"] is not None,
        "cqc_checked": checked_words(facts.get("cqc_checked_at")),
        "key_questions": key_questions_of(facts),
        "council": facts["council"],
    }


def profile_of(facts: dict) -> PublicProfile:
    categories = facts["categories"] or []
    has_board = facts["last_confirmed_at"] is not None
    return PublicProfile(
        **where_and_cqc(facts),
        kind=ServiceType(facts["service_type"]).label,
        cares_for=[ServiceUserBand(band).label for band in facts["service_user_bands"]],
        categories=[CareCategory(value).label for value in in_category_order(categories, lambda value: value)],
        registered_beds=facts["registered_beds"],
        funding=[Funding(value).label for value in facts["funding_accepted"]],
        fees=fees_words(facts["fee_from"], facts["fee_to"]),
        top_up=_top_up(facts["top_up"], facts["top_up_note"]),
        facilities=[Facility(value).label for value in facts["facilities"]],
        visiting=facts["visiting_arrangements"],
        description=facts["public_description"],
        availability=availability(
            shows=facts["shows_availability"],
            closed=bool(facts["closed_to_admissions"]),
            all_categories_closed=bool(categories) and facts["all_closed"],
            # Beds held for a discharge team are not available to anyone else.
            beds=max(0, facts["vacant_accepting_total"] - facts["held"]) if has_board and categories else None,
            last_confirmed_at=facts["last_confirmed_at"],
        ),
    )
