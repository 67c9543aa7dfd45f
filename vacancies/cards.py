"""Result cards: a home as search results and the shortlist show it.

Everything a card shows is worked out here, once, as plain values in a dict
(``cards_from``), and written out as HTML by ``cards_html`` from the markup
below. The cards are the search page's inner loop: through a Django template
25 cards took about 2.3 ms a page, most of what the page cost beyond the
framework's own; formatted here they take 0.25 ms (docs/adr/007-search-entries.md).
Every value is escaped with ``html.escape`` as it goes in; tests check that
a home's name cannot inject markup.
"""

from html import escape
from urllib.parse import quote_plus

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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
    """What the shortlist button needs (``shortlist_button_html``)."""
    toggle_url = toggle_url or url_for_each("search:toggle_shortlist")
    return {"name": home.name, "toggle_url": toggle_url(home.pk), "shortlisted": shortlisted}


# What a card shows about a home ``h`` (with its board ``v``), after the home's
# id, beds, distance and the search's total: added to the search's page query
# (vacancies/search.py), so a page of results is one query; the ORM took three
# times as long to build and read this as the database took to answer it.
# The one parameter is the signed-in user (their shortlist).
CARD_COLUMNS = """h.name, h.town, h.postcode, h.phone, h.email, h.service_type, h.cqc_rating, h.cqc_rating_date,
       v.closed_to_admissions, v.closed_reason, v.reopening_date, v.last_confirmed_at,
       EXISTS (SELECT 1 FROM vacancies_shortlistentry s WHERE s.user_id = %s AND s.home_id = h.id),
       (SELECT json_agg(json_build_array(c.category, c.vacant_accepting, c.sex, c.closed))
          FROM vacancies_categoryvacancy c WHERE c.home_id = h.id)"""
CARD_JOINS = "JOIN homes_carehome h ON h.id = e.home_id LEFT JOIN vacancies_homevacancies v ON v.home_id = e.home_id"
SHORTLIST_SQL = f"""
SELECT h.id, v.vacant_accepting_total, NULL, NULL, {CARD_COLUMNS}
  FROM vacancies_shortlistentry e {CARD_JOINS}
 WHERE e.user_id = %s
 ORDER BY h.name, h.id
"""  # noqa: S608 - constants only


def shortlist_cards(user) -> list[dict]:
    """The user's shortlist, by name, each card with the home's total beds."""
    with connection.cursor() as cursor:
        cursor.execute(SHORTLIST_SQL, [user.pk, user.pk])
        return cards_from(cursor.fetchall())


def cards_from(rows, *, back_query: str = "") -> list[dict]:
    """One dict per row of (home id, beds, distance, total, *CARD_COLUMNS), in
    order. ``back_query`` takes the home's page back to the search."""
    detail_url, toggle_url = url_for_each("homes:detail"), url_for_each("search:toggle_shortlist")
    back = f"?back={quote_plus(back_query)}" if back_query else ""
    now = timezone.now()
    cards = []
    for row in rows:
        (home_id, beds, distance, _total, name, town, postcode, phone, email, service_type, rating, rating_date,
         closed, closed_reason, reopening, confirmed, shortlisted, categories) = row  # fmt: skip
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


SHORTLIST_BUTTON = """<form method="post" action="{url}" hx-post="{url}" hx-swap="outerHTML" \
class="tracker-inline-form tracker-no-print">
  <input type="hidden" name="csrfmiddlewaretoken" value="{csrf_token}">
  <input type="hidden" name="next" value="{next}">
  <input type="hidden" name="action" value="{action}">
  <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit" \
data-module="nhsuk-button" aria-pressed="{pressed}">{words}</button>
</form>"""
ADD_WORDS = 'Add<span class="nhsuk-u-visually-hidden"> {}</span> to shortlist'
REMOVE_WORDS = 'On your shortlist: remove<span class="nhsuk-u-visually-hidden"> {}</span>'


def shortlist_button_html(item: dict, *, csrf_token: str, next_path: str) -> SafeString:
    """The add/remove button of one home (a card, the home's page, and the htmx swap after a press)."""
    on = item["shortlisted"]
    return mark_safe(  # noqa: S308 - every value is escaped
        SHORTLIST_BUTTON.format(
            url=escape(item["toggle_url"]),
            csrf_token=escape(csrf_token),
            next=escape(next_path),
            action="remove" if on else "add",
            pressed="true" if on else "false",
            words=(REMOVE_WORDS if on else ADD_WORDS).format(escape(item["name"])),
        )
    )


CARD = """<li class="tracker-result">
  <div class="nhsuk-card nhsuk-u-margin-bottom-3">
    <div class="nhsuk-card__content">
      <h3 class="nhsuk-card__heading nhsuk-heading-s"><a href="{url}">{name}</a></h3>
      <p class="nhsuk-body-s nhsuk-u-margin-bottom-2">{place}{distance} · {service_type}</p>
      <p class="nhsuk-u-margin-bottom-2">{status}</p>
      <p class="nhsuk-u-margin-bottom-2"><strong class="nhsuk-tag {fresh_class}">{fresh_words}</strong>{fresh_time}</p>
      {categories}<p class="nhsuk-body-s nhsuk-u-margin-bottom-2">CQC: {rating}</p>
      <div class="tracker-card-actions">
        {phone}{email}{button}
      </div>
    </div>
  </div>
</li>
"""
CLOSED = '<strong class="nhsuk-tag nhsuk-tag--red">Closed to admissions</strong> <span class="nhsuk-body-s">{}</span>'
BEDS = '<strong class="tracker-beds">{}</strong> vacant bed{} accepting admissions{}'
DISTANCE = " · <strong>{} miles</strong>"
FRESH_TIME = ' <time class="nhsuk-body-s" datetime="{iso}" title="{exact}">{exact}</time>'
CATEGORIES = '<p class="nhsuk-body-s nhsuk-u-margin-bottom-2">{}</p>\n      '
PHONE = (
    '<a class="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0" href="tel:{tel}">Call {phone}'
    '<span class="nhsuk-u-visually-hidden"> ({name})</span></a>\n        '
)
EMAIL = '<a class="nhsuk-body-s tracker-email" href="mailto:{email}">{email}</a>\n        '


def cards_html(cards: list[dict], *, csrf_token: str, next_path: str, chosen_category: str = "") -> SafeString:
    """The cards as list items (for an <ol class="tracker-results">). ``chosen_category``
    labels the bed count when the search chose one."""
    chosen = f" ({escape(chosen_category)})" if chosen_category else ""
    html = []
    for card in cards:
        name = escape(card["name"])
        if card["closed"]:
            status = CLOSED.format(escape(card["closed_text"]))
        elif card["beds"] is not None:
            status = BEDS.format(card["beds"], "" if card["beds"] == 1 else "s", chosen)
        else:
            status = "No figures entered"
        html.append(
            CARD.format(
                url=escape(card["url"]),
                name=name,
                place=escape(card["place"]),
                distance=DISTANCE.format(card["distance"]) if card["distance"] else "",
                service_type=escape(card["service_type"]),
                status=status,
                fresh_class=card["fresh_class"],
                fresh_words=escape(card["fresh_words"]),
                fresh_time=FRESH_TIME.format(iso=card["fresh_iso"], exact=escape(card["fresh_exact"]))
                if card["fresh_iso"]
                else "",
                categories=CATEGORIES.format(escape(card["categories"])) if card["categories"] else "",
                rating=escape(card["rating"]),
                phone=PHONE.format(tel=escape(card["tel"]), phone=escape(card["phone"]), name=name)
                if card["phone"]
                else "",
                email=EMAIL.format(email=escape(card["email"])) if card["email"] else "",
                button=shortlist_button_html(card, csrf_token=csrf_token, next_path=next_path),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped
