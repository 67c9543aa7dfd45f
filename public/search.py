"""Find a care home: a family's search, in plain words, over every active home.

Filters are what families ask (type of care, how it is paid for, CQC rating, a
bed available now) and read the search entries the database keeps
(docs/adr/007-search-entries.md), joined to the homes for what a public card
shows. One query a page, its rows named (tracker/sql.py). Counts of beds are
used to choose homes but never leave this module: cards carry a band.
"""

import math
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.core.paginator import Page
from django.urls import reverse
from django.utils import timezone

from homes.postcodes import locate_place
from public.availability import CONFIRMED_WITHIN, Availability, availability
from registers.choices import RATING_RANK, CqcRating, Funding, ServiceType, ServiceUserBand, rating_label
from registers.models import CareHome
from tracker.forms import NhsFormMixin
from tracker.paging import MAX_PAGE, CountedPaginator
from tracker.sql import named_rows, table
from vacancies.models import CategoryVacancy, HomeVacancies, SearchEntry
from vacancies.search import DISTANCE_SQL, UNHELD_BEDS

PAGE_SIZE = 20
RADII = [("5", "5 miles"), ("10", "10 miles"), ("20", "20 miles"), ("50", "50 miles")]
CARE = {
    "nursing": ("Nursing care", f"h.service_type = '{ServiceType.WITH_NURSING}'"),
    "residential": ("Residential care (without nursing)", f"h.service_type = '{ServiceType.WITHOUT_NURSING}'"),
    "dementia": ("Dementia", ServiceUserBand.DEMENTIA),
    "learning_disabilities": ("Learning disabilities or autism", ServiceUserBand.LEARNING_DISABILITIES),
    "mental_health": ("Mental health conditions", ServiceUserBand.MENTAL_HEALTH),
    "younger_adults": ("Younger adults (under 65)", ServiceUserBand.YOUNGER_ADULTS),
    "physical_disabilities": ("Physical disabilities", ServiceUserBand.PHYSICAL_DISABILITIES),
}
PAYING = {
    "council": ("Council-funded", [Funding.LOCAL_AUTHORITY]),
    "nhs": ("NHS-funded (Continuing Healthcare or funded nursing care)", [Funding.CHC, Funding.FNC]),
    "self": ("Paying for your own care (self-funded)", [Funding.SELF_FUNDED]),
}
RATINGS = [("", "Any rating"), ("good", "Good or Outstanding"), ("outstanding", "Outstanding")]

ENTRIES, HOMES = table(SearchEntry), table(CareHome)
BOARDS, CATEGORIES = table(HomeVacancies), table(CategoryVacancy)

# What a public card says about a home ``h`` (its board ``v``), joined once the page is chosen.
CARD_FACTS = f"""h.cqc_location_id, h.name, h.town, h.postcode, h.service_type, h.cqc_rating, h.cqc_rating_date,
       h.fee_from, h.fee_to, h.shows_availability,
       COALESCE(v.closed_to_admissions, false) AS closed,
       COALESCE((SELECT bool_and(c.closed) FROM {CATEGORIES} c WHERE c.home_id = h.id), false) AS all_closed,
       v.last_confirmed_at"""  # noqa: S608 - constants only


class FindForm(NhsFormMixin, forms.Form):
    all_optional = True
    same_html_for_same_value = ("near", "radius", "care", "paying", "rating", "available")
    near = forms.CharField(
        label="Postcode or town", required=False, max_length=60, help_text="For example LS6 2AD, LS6, or Leeds"
    )
    radius = forms.ChoiceField(label="Within", choices=RADII, required=False, initial="10")
    care = forms.MultipleChoiceField(
        label="Type of care",
        choices=[(key, label) for key, (label, _) in CARE.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Homes that provide every type you choose",
    )
    paying = forms.MultipleChoiceField(
        label="How the care is paid for",
        choices=[(key, label) for key, (label, _) in PAYING.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rating = forms.ChoiceField(label="CQC rating", choices=RATINGS, required=False)
    available = forms.BooleanField(label="Only homes with a bed available now", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = None

    def clean_near(self):
        text = self.cleaned_data["near"].strip()
        if not text:
            return ""
        self.place = locate_place(text)
        if self.place is None:
            raise forms.ValidationError(
                f"We cannot find “{text}”. Enter a postcode like LS6 2AD, or a town or council area like Leeds"
            )
        return self.place[0]


@dataclass(slots=True)
class PublicCard:
    """What a family's result card shows: no counts, no staff."""

    cqc_location_id: str
    href: str  # its public page
    name: str
    place: str
    distance: str
    kind: str
    rating: str
    fees: str
    availability: Availability | None


def fees_words(fee_from: int | None, fee_to: int | None) -> str:
    """ "£900 to £1,250 a week"; empty when the home has not said."""
    if fee_from and fee_to and fee_from != fee_to:
        return f"£{fee_from:,} to £{fee_to:,} a week"
    if fee_from or fee_to:
        return f"From £{fee_from or fee_to:,} a week"
    return ""


def rating_words(rating: str | None, rated) -> str:
    """ "Good (March 2024)"; "Not known" when no CQC data gave it (pages then link to CQC's)."""
    return rating_label(rating) + (f" ({rated:%B %Y})" if rating and rated else "")


def card_from(row: dict, now, pages: str) -> PublicCard:
    """``pages``: the path public pages of homes start with."""
    distance = row.get("distance")
    return PublicCard(
        cqc_location_id=row["cqc_location_id"],
        href=f"{pages}{quote(row['cqc_location_id'])}/",
        name=row["name"],
        place=f"{row['town']}, {row['postcode']}",
        distance="" if distance is None else f"{distance:.1f} miles away",
        kind=ServiceType(row["service_type"]).label,
        rating=rating_words(row["cqc_rating"], row["cqc_rating_date"]),
        fees=fees_words(row["fee_from"], row["fee_to"]),
        availability=availability(
            shows=row["shows_availability"],
            closed=row["closed"],
            all_categories_closed=row["all_closed"],
            beds=row["beds"],
            last_confirmed_at=row["last_confirmed_at"],
            now=now,
        ),
    )


@dataclass
class Found:
    form: FindForm
    page: Page
    cards: list[PublicCard]
    summary: list[str]  # the filters in words


def find(params, page_number: str | None) -> Found:
    """The page of homes these GET parameters ask for. A field that makes no sense is
    reported by the field and left out; the rest still apply."""
    form = FindForm(params)
    form.is_valid()
    clean = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
    conditions, values, summary = ["e.category = ''"], [], []
    distance, distance_params = "NULL::float", []
    if form.place:
        label, latitude, longitude = form.place
        miles = float(clean.get("radius") or "10")
        lat0 = math.radians(latitude)
        distance, distance_params = DISTANCE_SQL, [lat0, math.cos(lat0), math.radians(longitude)]
        dlat, dlng = miles / 69.0, miles / (69.0 * max(math.cos(lat0), 0.01))
        conditions += ["e.latitude BETWEEN %s AND %s", "e.longitude BETWEEN %s AND %s", f"{DISTANCE_SQL} <= %s"]
        values += [latitude - dlat, latitude + dlat, longitude - dlng, longitude + dlng, *distance_params, miles]
        summary.append(f"Within {miles:g} miles of {label}")
    bands = []
    for key in clean.get("care") or []:
        label, condition = CARE[key]
        if isinstance(condition, ServiceUserBand):
            bands.append(condition.value)
        else:
            conditions.append(condition)
        summary.append(label)
    if bands:
        conditions.append("e.service_user_bands @> %s::varchar[]")
        values.append(bands)
    for key in clean.get("paying") or []:
        label, funding = PAYING[key]
        conditions.append("e.funding_accepted && %s::varchar[]")
        values.append([f.value for f in funding])
        summary.append(label)
    if rating := clean.get("rating"):
        conditions.append("e.rating_rank >= %s")
        values.append(RATING_RANK[CqcRating(rating)])
        summary.append(dict(RATINGS)[rating])
    now = timezone.now()
    if clean.get("available"):
        conditions.append(
            f"h.shows_availability AND e.open AND e.beds >= 1 AND {UNHELD_BEDS} >= 1 AND e.last_confirmed_at >= %s"
        )
        values.append(now - CONFIRMED_WITHIN)
        summary.append("A bed available now")
    order = "distance, e.name, e.home_id" if form.place else "e.name, e.home_id"
    try:
        wanted = min(max(int(page_number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        wanted = 1

    # Homes are chosen from the entries (joined to the homes only for their type and whether they
    # publish availability), counted and paged; the page's 20 then get their card facts.
    homes_join = f"JOIN {HOMES} h ON h.id = e.home_id" if any(c.startswith("h.") for c in conditions) else ""
    where = " AND ".join(conditions)

    def rows(number: int) -> list[dict]:
        # Every fragment is a constant of this module; every value is a parameter.
        sql = f"""WITH page AS (
                    SELECT e.home_id, e.name, {distance} AS distance, count(*) OVER () AS total,
                           {UNHELD_BEDS} AS beds
                      FROM {ENTRIES} e {homes_join}
                     WHERE {where}
                     ORDER BY {order} LIMIT %s OFFSET %s)
                  SELECT page.distance, page.total, page.beds, {CARD_FACTS}
                    FROM page JOIN {HOMES} h ON h.id = page.home_id LEFT JOIN {BOARDS} v ON v.home_id = h.id
                   ORDER BY {order.replace("e.", "page.")}"""  # noqa: S608
        return named_rows(sql, [*distance_params, *values, PAGE_SIZE, (number - 1) * PAGE_SIZE])

    found = rows(wanted)
    if not found and wanted > 1:
        count_sql = f"SELECT count(*) AS total FROM {ENTRIES} e {homes_join} WHERE {where}"  # noqa: S608
        total = named_rows(count_sql, values)[0]["total"]
        if total:
            wanted = math.ceil(total / PAGE_SIZE)
            found = rows(wanted)
    total = found[0]["total"] if found else 0
    page = Page([], wanted if found else 1, CountedPaginator(total, PAGE_SIZE))
    pages = reverse("public:profile", args=["0"]).removesuffix("0/")  # reversed once, not per card
    page.object_list = [card_from(row, now, pages) for row in found]
    return Found(form=form, page=page, cards=page.object_list, summary=summary)
