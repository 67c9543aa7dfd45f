"""Result cards: what a home's card says in search results and on the
shortlist, and the same facts as a CSV row.

``cards_from`` turns the named rows of vacancies/search.py into plain values
(every decision made here, none in the template); templates/vacancies/cards.jinja
draws them. The cards are the search page's inner loop, so they are a Jinja2
template (docs/adr/009-html.md).
"""

from dataclasses import dataclass
from urllib.parse import quote_plus

from django.middleware.csrf import get_token
from django.template import engines
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from registers.choices import ServiceType, rating_label
from registers.models import dialable
from tracker.components import macro
from vacancies import reports
from vacancies.freshness import Freshness, freshness
from vacancies.models import BedSex, CareCategory, ClosureReason, in_category_order

CATEGORY_LABELS = dict(CareCategory.choices)
SEX_WORDS = {BedSex.MALE: " (male only)", BedSex.FEMALE: " (female only)"}
CLOSURE_REASONS = dict(ClosureReason.choices)
SERVICE_TYPES = dict(ServiceType.choices)
TEMPLATE = "vacancies/cards.jinja"


def url_for_each(name: str):
    """A function from a primary key to the URL ``name`` takes it in: one reverse() per page, not per card."""
    marker = "8" * 18
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def categories_line(categories) -> str:
    """ "Nursing: 3 · Residential: closed · Nursing dementia: 2 (female only) · Respite: 0 (1 held)",
    from the rows' ``categories`` (category, accepting and held now, sex, closed): the beds
    a coordinator can have, less those held for a discharge team."""

    def beds(c) -> str:
        held = c.get("held") or 0
        free = max(0, c["accepting"] - held)
        return f"{free}{SEX_WORDS.get(c['sex'], '')}" + (f" ({held} held)" if held else "")

    return " · ".join(
        f"{CATEGORY_LABELS[c['category']]}: " + ("closed" if c["closed"] else beds(c))
        for c in in_category_order(categories, lambda c: c["category"])
    )


@dataclass(slots=True)
class Card:
    """What a result card shows about one home (attributes, not a dict: a Jinja2
    template reads an object's attribute at once, a dict's after a failed try)."""

    home_id: int
    name: str
    url: str
    toggle_url: str
    shortlisted: bool
    place: str
    miles: float | None
    distance: str
    service_type: str
    closed: bool
    closed_text: str
    beds: int | None  # vacant, accepting admissions and not held for a discharge team
    beds_plural: str
    held: int  # held for a discharge team now
    freshness: Freshness
    reported_wrong: str  # "Reported wrong today": a report since the home last confirmed its figures
    categories: str
    rating: str
    phone: str
    tel: str
    email: str


def cards_from(rows: list[dict], *, back_query: str = "") -> list[Card]:
    """A card for each row of vacancies/search.py, in order. ``back_query`` takes the
    home's page back to the search."""
    home_url, toggle_url = url_for_each("vacancies:home"), url_for_each("search:toggle_shortlist")
    back = f"?back={quote_plus(back_query)}" if back_query else ""
    now, zone = timezone.now(), timezone.get_current_timezone()
    cards = []
    for row in rows:
        fresh = freshness(row["last_confirmed_at"], now, zone)
        closed_text = ""
        if row["closed"]:
            closed_text = CLOSURE_REASONS.get(row["closed_reason"], "")
            if reopening := row["reopening_date"]:
                closed_text += f", reopening {reopening.day} {reopening:%b}"
        rated = row["cqc_rating_date"]
        beds, distance = row["beds"], row["distance"]
        cards.append(
            Card(
                home_id=row["home_id"],
                name=row["name"],
                url=f"{home_url(row['home_id'])}{back}",
                toggle_url=toggle_url(row["home_id"]),
                shortlisted=row["shortlisted"],
                place=f"{row['town']}, {row['postcode']}",
                miles=distance,
                distance="" if distance is None else f"{distance:.1f}",
                service_type=SERVICE_TYPES.get(row["service_type"], row["service_type"]),
                closed=row["closed"],
                closed_text=closed_text,
                beds=beds,
                beds_plural=pluralize(beds) if beds is not None else "",
                held=row["held"] or 0,
                freshness=fresh,
                reported_wrong=reports.label(row["reported_at"]),
                categories=categories_line(row["categories"] or []),
                rating=rating_label(row["cqc_rating"]) + (f" ({rated:%b %Y})" if rated else ""),
                phone=row["phone"],
                tel=dialable(row["phone"]),
                email=row["email"],
            )
        )
    return cards


@dataclass(slots=True)
class ShortlistItem:
    name: str
    toggle_url: str
    shortlisted: bool


def cards_html(request, cards: list[dict], *, chosen_category: str = "", enquire_url: str = "") -> SafeString:
    """The cards as list items (for an <ol class="tracker-results">). ``chosen_category``
    labels the bed count when the search chose one; ``enquire_url``: where a coordinator
    in a discharge team sends an enquiry to a home (none: no link)."""
    html = (
        engines["jinja2"]
        .env.get_template(TEMPLATE)
        .render(cards=cards, csrf_token=get_token(request), next_path=request.get_full_path(), chosen=chosen_category,
                enquire_url=enquire_url)
    )  # fmt: skip
    return mark_safe(html)  # noqa: S308 - rendered by Jinja2 with autoescape


def shortlist_button(request, home, shortlisted: bool, *, next_path: str | None = None) -> SafeString:
    """The add/remove button of one home (its page, and the htmx swap after a press)."""
    item = {
        "name": home.name,
        "toggle_url": reverse("search:toggle_shortlist", args=[home.pk]),
        "shortlisted": shortlisted,
    }
    next_path = request.get_full_path() if next_path is None else next_path
    button = macro("shortlist_button", "vacancies/shortlist_button.jinja")
    return mark_safe(button(item, get_token(request), next_path))  # noqa: S308


CSV_HEADER = [
    "Name", "Town", "Postcode", "Local authority", "Distance (miles)", "Vacant accepting",
    "Vacant accepting by category", "Closed to admissions", "Last confirmed", "CQC rating", "CQC rating date",
    "Phone", "Email", "CQC location ID",
]  # fmt: skip


def csv_row(row: dict) -> list:
    """One row of vacancies/search.py as a line of the results' or the shortlist's CSV."""
    confirmed = row["last_confirmed_at"]
    return [
        row["name"], row["town"], row["postcode"], row["local_authority"],
        "" if row["distance"] is None else f"{row['distance']:.1f}", "" if row["beds"] is None else row["beds"],
        categories_line(row["categories"] or []), "yes" if row["closed"] else "no",
        confirmed.isoformat() if confirmed else "never", rating_label(row["cqc_rating"]),
        row["cqc_rating_date"] or "", row["phone"], row["email"], row["cqc_location_id"],
    ]  # fmt: skip
