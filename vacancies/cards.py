"""Result cards: a home as search results and the shortlist show it.

Everything a card shows is worked out here, once, as plain strings in a dict,
so the template (vacancies/results.html) only places them: a page of 25 cards
is a few hundred simple lookups rather than thousands of tag and filter calls
(it was most of the search page's time; see docs/adr/007-search-entries.md).
"""

from urllib.parse import quote_plus

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from homes.choices import CqcRating, ServiceType
from homes.models import CareHome
from vacancies.freshness import freshness
from vacancies.models import BedSex, CareCategory, ClosureReason

CATEGORY_ORDER = {value: index for index, value in enumerate(CareCategory.values)}
CATEGORY_LABELS = dict(CareCategory.choices)
SEX_WORDS = {BedSex.MALE: " (male only)", BedSex.FEMALE: " (female only)"}
CLOSURE_REASONS = dict(ClosureReason.choices)
SERVICE_TYPES = dict(ServiceType.choices)
RATINGS = dict(CqcRating.choices)


def url_for_each(name: str):
    """A function from a primary key to the URL ``name`` takes it in: one reverse() per page, not per card."""
    marker = "8" * 18
    head, tail = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


def category_rows(home: CareHome) -> list:
    """The home's category rows in the care categories' own order (from a prefetch)."""
    return sorted(home.categories.all(), key=lambda row: CATEGORY_ORDER[row.category])


def categories_line(rows) -> str:
    """ "Nursing: 3 · Residential: closed · Nursing dementia: 2 (female only)", from
    (category, vacant accepting, sex, closed) rows."""
    return " · ".join(
        f"{CATEGORY_LABELS[category]}: " + ("closed" if closed else f"{accepting}{SEX_WORDS.get(sex, '')}")
        for category, accepting, sex, closed in sorted(rows, key=lambda row: CATEGORY_ORDER[row[0]])
    )


def shortlist_item(home: CareHome, shortlisted: bool, toggle_url=None) -> dict:
    """What the shortlist button needs (vacancies/results.html#shortlist_button)."""
    toggle_url = toggle_url or url_for_each("search:toggle_shortlist")
    return {"name": home.name, "toggle_url": toggle_url(home.pk), "shortlisted": shortlisted}


# Everything a card shows, for a list of homes, in one query (the ORM took three
# times as long to build and read this as the database took to answer it).
CARDS_SQL = """
SELECT h.id, h.name, h.town, h.postcode, h.phone, h.email, h.service_type, h.cqc_rating, h.cqc_rating_date,
       v.closed_to_admissions, v.closed_reason, v.reopening_date, v.last_confirmed_at, v.vacant_accepting_total,
       EXISTS (SELECT 1 FROM vacancies_shortlistentry s WHERE s.user_id = %s AND s.home_id = h.id),
       (SELECT json_agg(json_build_array(c.category, c.vacant_accepting, c.sex, c.closed))
          FROM vacancies_categoryvacancy c WHERE c.home_id = h.id)
  FROM homes_carehome h LEFT JOIN vacancies_homevacancies v ON v.home_id = h.id
 WHERE h.id = ANY(%s::bigint[])
"""


def cards_for(user, home_ids: list[int], *, found: dict | None = None, back_query: str = "") -> list[dict]:
    """One dict per home, in the order given. ``found`` maps a home to its (beds,
    distance) from a search (beds of the chosen category); otherwise a card shows
    the home's total. ``back_query`` takes the home's page back to the search."""
    with connection.cursor() as cursor:
        cursor.execute(CARDS_SQL, [user.pk, list(home_ids)])
        by_id = {row[0]: row for row in cursor.fetchall()}
    detail_url, toggle_url = url_for_each("homes:detail"), url_for_each("search:toggle_shortlist")
    back = f"?back={quote_plus(back_query)}" if back_query else ""
    now = timezone.now()
    cards = []
    for home_id in home_ids:
        if home_id not in by_id:
            continue  # deleted since the search
        (_, name, town, postcode, phone, email, service_type, rating, rating_date,
         closed, closed_reason, reopening, confirmed, total, shortlisted, categories) = by_id[home_id]  # fmt: skip
        beds, distance = found[home_id] if found else (total, None)
        fresh = freshness(confirmed, now)
        closed_text = ""
        if closed:
            closed_text = CLOSURE_REASONS.get(closed_reason, "")
            if reopening:
                closed_text += f", reopening {reopening.day} {reopening:%b}"
        rating_text = RATINGS.get(rating, rating) + (f" ({rating_date:%b %Y})" if rating_date else "")
        cards.append(
            {
                "name": name,
                "toggle_url": toggle_url(home_id),
                "shortlisted": shortlisted,
                "url": f"{detail_url(home_id)}{back}",
                "place": f"{town}, {postcode}",
                "miles": distance,
                "distance": "" if distance is None else f"{distance:.1f}",
                "service_type": SERVICE_TYPES.get(service_type, service_type),
                "closed": bool(closed),
                "closed_text": closed_text,
                "beds": beds,
                "beds_plural": beds != 1,
                "fresh_words": fresh.words[:1].upper() + fresh.words[1:],
                "fresh_class": fresh.tag_class,
                "fresh_iso": fresh.iso,
                "fresh_exact": fresh.exact,
                "categories": categories_line(categories or []),
                "rating": rating_text,
                "phone": phone,
                "tel": phone.replace(" ", ""),
                "email": email,
            }
        )
    return cards
