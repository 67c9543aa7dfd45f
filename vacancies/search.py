"""Finding a suitable bed: the search form and the one query behind the
results page, their CSV, and each coordinator's shortlist.

Search reads ``SearchEntry``: one narrow row per home, or per home and care
category, kept by the database (docs/adr/007-search-entries.md). One SQL
query filters them (a bounding box on an index, then great-circle distance;
array containment for bands and funding), counts them (a window), takes a
page, and joins what a card says about each of the page's homes
(``HOME_FACTS``). The shortlist reads the same facts. The SQL is written
here, from fixed fragments and parameters, because building it through the
ORM cost more than running it (docs/adr/005-search.md); its rows come back
named, and its tables are the models' (tracker/sql.py).
"""

import datetime
import math
from dataclasses import dataclass

from django import forms
from django.core.cache import caches
from django.core.paginator import Page
from django.db.models.expressions import RawSQL
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from homes.postcodes import locate_search_location
from registers.choices import RATING_RANK, CqcRating, Funding, ServiceUserBand
from registers.models import CareHome, LocalAuthority
from tracker.forms import NhsFormMixin, unchanging_fields
from tracker.paging import MAX_PAGE, CountedPaginator
from tracker.sql import named_rows, table, value
from vacancies.models import (
    BedHold,
    BedSex,
    CareCategory,
    CategoryVacancy,
    FigureReport,
    HomeVacancies,
    SearchEntry,
    ShortlistEntry,
)

EARTH_RADIUS_MILES = 3958.8
RADII = [("5", "5 miles"), ("10", "10 miles"), ("20", "20 miles"), ("50", "50 miles"), ("any", "Any distance")]
UPDATED_WITHIN = [("24h", "24 hours"), ("3d", "3 days"), ("any", "Any time")]
UPDATED_DELTA = {"24h": datetime.timedelta(hours=24), "3d": datetime.timedelta(days=3)}
RATING_AT_LEAST = [
    ("", "Any rating"),
    (CqcRating.OUTSTANDING, "Outstanding"),
    (CqcRating.GOOD, "Good or better"),
    (CqcRating.REQUIRES_IMPROVEMENT, "Requires improvement or better"),
]
SORTS = [("distance", "Distance"), ("beds", "Most vacant beds"), ("updated", "Most recently updated")]
PAGE_SIZE = 25

ENTRIES, HOMES, COUNCILS = table(SearchEntry), table(CareHome), table(LocalAuthority)
BOARDS, CATEGORIES, SHORTLIST = table(HomeVacancies), table(CategoryVacancy), table(ShortlistEntry)
HOLDS, REPORTS = table(BedHold), table(FigureReport)

# What a result card and a CSV row say about a home ``h`` (joined to its board
# ``v`` and council ``la`` by HOME_JOINS from a row ``e`` with a home_id).
# The one parameter: whose shortlist ``shortlisted`` looks in.
HOME_FACTS = f"""h.name, h.town, h.postcode, h.phone, h.email, h.cqc_location_id, h.service_type, h.cqc_rating,
       h.cqc_rating_date, la.name AS local_authority, COALESCE(v.closed_to_admissions, false) AS closed,
       v.closed_reason, v.reopening_date, v.last_confirmed_at,
       EXISTS (SELECT 1 FROM {SHORTLIST} s WHERE s.user_id = %s AND s.home_id = h.id) AS shortlisted,
       (SELECT max(r.reported_at) FROM {REPORTS} r WHERE r.home_id = h.id
           AND r.reported_at > COALESCE(v.last_confirmed_at, '-infinity')) AS reported_at,
       (SELECT json_agg(json_build_object('category', c.category, 'accepting', c.vacant_accepting,
                                          'sex', c.sex, 'closed', c.closed, 'held', (
            SELECT count(*) FROM {HOLDS} b WHERE b.home_id = h.id AND b.category = c.category
               AND b.outcome = 'held' AND b.held_until > now())))
          FROM {CATEGORIES} c WHERE c.home_id = h.id) AS categories"""  # noqa: S608 - constants only
HOME_JOINS = f"""JOIN {HOMES} h ON h.id = e.home_id JOIN {COUNCILS} la ON la.id = h.local_authority_id
  LEFT JOIN {BOARDS} v ON v.home_id = e.home_id"""
SHORTLIST_SQL = f"""SELECT e.home_id, vacancies_unheld(se.beds, se.holds) AS beds, vacancies_held(se.holds) AS held,
       NULL::float AS distance, NULL::bigint AS total, {HOME_FACTS}
  FROM {SHORTLIST} e {HOME_JOINS}
  LEFT JOIN {ENTRIES} se ON se.home_id = e.home_id AND se.category = ''
 WHERE e.user_id = %s
 ORDER BY h.name, h.id"""  # noqa: S608 - constants only


def shortlist_rows(user_id: int) -> list[dict]:
    """A person's shortlist by name, as the same rows as a page of results (beds: the home's total)."""
    return named_rows(SHORTLIST_SQL, [user_id, user_id])


def council_choices() -> tuple[tuple[str, str], ...]:
    """The 153 councils: reference data that changes only with a release (by
    migration), so each process keeps it (settings.CACHES "local") for an hour."""
    return caches["local"].get_or_set(
        "council-choices", lambda: tuple(LocalAuthority.objects.councils().values_list("gss_code", "name")), 60 * 60
    )


_ANYWHERE = (("", "Anywhere"),)


class _Councils(BaseChoiceIterator):
    """ "Anywhere" and the councils, read when iterated (not when the form is declared, before
    the database is there), as they are: Django normalises a callable's choices item by item
    each time they are read, and a page reads them twice (its markup's key, its validation):
    0.1 ms each for 154."""

    def __iter__(self):
        yield from _ANYWHERE
        yield from council_choices()


@unchanging_fields
class SearchForm(NhsFormMixin, forms.Form):
    all_optional = True  # every filter is optional: no "(optional)" on each label
    # No field shows anything personal: each is drawn once per value and kept (tracker/forms.py).
    same_html_for_same_value = (
        "near", "radius", "category", "sex", "min_beds", "bands", "funding", "rating", "updated", "open", "la", "name",
        "sort",
    )  # fmt: skip
    near = forms.CharField(
        label="Near postcode", required=False, max_length=10, help_text="A full postcode or a district, like LS6"
    )
    radius = forms.ChoiceField(label="Within", choices=RADII, required=False, initial="20", widget=forms.Select)
    category = forms.ChoiceField(
        label="Care category", choices=[("", "Any care category"), *CareCategory.choices], required=False,
        widget=forms.Select,
    )  # fmt: skip
    sex = forms.ChoiceField(
        label="Bed for", choices=[("", "Anyone"), (BedSex.FEMALE, "A woman"), (BedSex.MALE, "A man")], required=False,
        widget=forms.Select,
    )  # fmt: skip
    min_beds = forms.IntegerField(
        label="At least this many vacant beds", min_value=0, max_value=500, required=False, initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}),
    )  # fmt: skip
    bands = forms.MultipleChoiceField(
        label="Cares for", choices=ServiceUserBand.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    funding = forms.MultipleChoiceField(
        label="Funding accepted", choices=Funding.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    rating = forms.ChoiceField(label="CQC rating", choices=RATING_AT_LEAST, required=False, widget=forms.Select)
    updated = forms.ChoiceField(
        label="Updated within", choices=UPDATED_WITHIN, required=False, initial="any", widget=forms.Select
    )
    open = forms.ChoiceField(
        label="Show",
        choices=[("yes", "Only homes open to admissions"), ("no", "All homes, including closed")],
        required=False,
        initial="yes",
        widget=forms.RadioSelect,
    )
    la = forms.ChoiceField(label="Local authority", choices=_Councils(), required=False, widget=forms.Select)
    name = forms.CharField(label="Name contains", required=False, max_length=100)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.location = None

    def clean_near(self):
        text = self.cleaned_data["near"].strip()
        if not text:
            return ""
        self.location = locate_search_location(text)
        if self.location is None:
            raise forms.ValidationError(
                f"We cannot find “{text}”. Enter a postcode like LS6 2AD, or a district like LS6"
            )
        return self.location[0]


# What a first visit, or a link with only some filters, starts from.
DEFAULTS = {"radius": "20", "updated": "any", "open": "yes", "min_beds": 1}
# What each filter is when it is relaxed (left out).
RELAXED = {"open": "no", "min_beds": None, "updated": "any", "radius": "any"}


def _data_with_defaults(params) -> dict:
    data = params.copy()
    for name, default in DEFAULTS.items():
        data.setdefault(name, str(default))
    return data


@dataclass
class Search:
    """A search: its form, what it filters on (SQL over the search entries ``e``), and its order."""

    form: SearchForm
    active: dict  # filter name -> its value, for the "relax a filter" hints and the summary
    sort: str
    conditions: list[str]
    params: list
    distance: str  # SQL for the distance in miles, or NULL
    distance_params: list
    order: str

    @property
    def has_location(self) -> bool:
        return self.form.location is not None

    @property
    def sort_label(self) -> str:
        return dict(SORTS)[self.sort].lower()

    @property
    def more_filters_chosen(self) -> bool:
        """Whether a filter under "More filters" has a value (so it opens)."""
        return any(self.form[name].value() for name in ("bands", "funding", "rating", "la", "name"))

    def _select(self, columns: str, columns_params: list, rest: str = "", rest_params=()) -> tuple[str, list]:
        # Every fragment is a constant of this module; every value is a parameter.
        sql = f"SELECT {columns} FROM {ENTRIES} e WHERE {' AND '.join(self.conditions)} {rest}"  # noqa: S608
        return sql, [*columns_params, *self.params, *rest_params]

    def count(self) -> int:
        return value(*self._select("count(*)", []))

    def home_ids(self, limit: int) -> list[int]:
        """The matching homes' ids, at most ``limit`` (saved searches' alerts, vacancies/alerts.py)."""
        sql, values = self._select("e.home_id", [], "ORDER BY e.home_id LIMIT %s", [limit])
        return [row["home_id"] for row in named_rows(sql, values)]

    def rows(self, offset: int, limit: int, *, user_id: int | None) -> list[dict]:
        """A page of results in order, each a dict: the home's ``home_id``, ``beds`` (the
        chosen category's, or the home's), ``distance`` in miles (or None), ``total``
        matching homes, and ``HOME_FACTS`` (``shortlisted`` by ``user_id``)."""
        page, values = self._select(
            f"e.home_id, {UNHELD_BEDS} AS beds, {HELD_BEDS} AS held, {self.distance} AS distance, "
            "count(*) OVER () AS total, e.name, e.last_confirmed_at",
            self.distance_params,
            f"ORDER BY {self.order} LIMIT %s OFFSET %s",
            [limit, offset],
        )
        # The facts are joined once the page is chosen; the same order again outside
        # sorts the page's rows, not the search's.
        sql = f"""SELECT e.home_id, e.beds, e.held, e.distance, e.total, {HOME_FACTS}
                    FROM ({page}) e {HOME_JOINS} ORDER BY {self.order}"""  # noqa: S608
        return named_rows(sql, [user_id, *values])


# Great-circle distance (haversine) in miles from a point given by three
# parameters: its latitude in radians, the cosine of that, its longitude in radians.
def distance_sql(alias: str) -> str:
    return f"""({2 * EARTH_RADIUS_MILES} * asin(sqrt(power(sin((radians({alias}.latitude) - %s) / 2), 2)
    + %s * cos(radians({alias}.latitude)) * power(sin((radians({alias}.longitude) - %s) / 2), 2))))"""


DISTANCE_SQL = distance_sql("e")


def distance_params(latitude: float, longitude: float) -> list[float]:
    lat0 = math.radians(latitude)
    return [lat0, math.cos(lat0), math.radians(longitude)]


def within(latitude: float, longitude: float, miles: float, alias: str = "e") -> list[tuple[str, list]]:
    """SQL conditions for "within ``miles`` of a point" on a table with latitude and longitude:
    a bounding box its location index answers, then the true distance."""
    dlat = miles / 69.0
    dlng = miles / (69.0 * max(math.cos(math.radians(latitude)), 0.01))
    return [
        (f"{alias}.latitude BETWEEN %s AND %s", [latitude - dlat, latitude + dlat]),
        (f"{alias}.longitude BETWEEN %s AND %s", [longitude - dlng, longitude + dlng]),
        (f"{distance_sql(alias)} <= %s", [*distance_params(latitude, longitude), miles]),
    ]


def homes_within(latitude: float, longitude: float, miles: float) -> RawSQL:
    """The ids of the homes within ``miles`` of a point, for ``pk__in`` (the API's filters)."""
    conditions = within(latitude, longitude, miles, alias="h")
    sql = f"SELECT h.id FROM {table(CareHome)} h WHERE " + " AND ".join(c for c, _ in conditions)  # noqa: S608
    return RawSQL(sql, [v for _, values in conditions for v in values])  # noqa: S611


# Vacant beds accepting admissions less those held for a discharge team now (a hold past its
# time holds nothing: vacancies/migrations/0007), and how many are held. Nearly every entry
# has no hold: the CASE answers those without calling a function (SQL functions with a
# sub-select are not inlined, and a call per row costs more than the rest of the row).
UNHELD_BEDS = "(CASE WHEN cardinality(e.holds) = 0 THEN e.beds ELSE vacancies_unheld(e.beds, e.holds) END)"
HELD_BEDS = "(CASE WHEN cardinality(e.holds) = 0 THEN 0 ELSE vacancies_held(e.holds) END)"
# ``beds`` is the page query's column of unheld beds (inside it and around it).
ORDERS = {
    "distance": "distance, beds DESC NULLS LAST, e.name, e.home_id",
    "beds": "beds DESC NULLS LAST, e.last_confirmed_at DESC NULLS LAST, e.name, e.home_id",
    "updated": "e.last_confirmed_at DESC NULLS LAST, e.name, e.home_id",
}


def _like_pattern(text: str) -> str:
    """'%text%' for LIKE, with the text's own % _ and \\ taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def build(params, *, drop: str | None = None) -> Search:
    """The search for these GET parameters; ``drop`` leaves one filter out (to suggest relaxing it)."""
    form = SearchForm(_data_with_defaults(params))
    form.is_valid()  # an invalid field is reported by the field, and its default is used
    valid = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
    clean = {**DEFAULTS, **valid}
    if drop:
        clean[drop] = RELAXED.get(drop)
        if drop == "near":
            form.location = None

    category = clean.get("category") or ""
    # The whole-home row (category "") or the chosen category's row of each home.
    conditions, values = ["e.category = %s"], [category]
    active: dict = {}

    def where(condition: str, *condition_values):
        conditions.append(condition)
        values.extend(condition_values)

    if category:
        active["category"] = CareCategory(category).label
    if min_beds := clean.get("min_beds"):
        where(f"e.beds >= %s AND {UNHELD_BEDS} >= %s", min_beds, min_beds)  # the first is cheap: it goes first
        active["min_beds"] = f"At least {min_beds} vacant bed{pluralize(min_beds)}"
    if sex := clean.get("sex") or "":
        where({BedSex.FEMALE: "e.suits_female", BedSex.MALE: "e.suits_male"}[sex])
        active["sex"] = "For a woman" if sex == BedSex.FEMALE else "For a man"
    if clean.get("open") == "yes":
        where("e.open")
        active["open"] = "Open to admissions only"
    if bands := clean.get("bands"):
        where("e.service_user_bands @> %s::varchar[]", list(bands))
        active["bands"] = "Cares for " + ", ".join(ServiceUserBand(b).label for b in bands)
    if funding := clean.get("funding"):
        where("e.funding_accepted @> %s::varchar[]", list(funding))
        active["funding"] = "Accepts " + ", ".join(Funding(f).label for f in funding)
    if rating := clean.get("rating"):
        where("e.rating_rank >= %s", RATING_RANK[rating])
        active["rating"] = f"Rated {CqcRating(rating).label} or better"
    if (updated := clean.get("updated")) in UPDATED_DELTA:
        where("e.last_confirmed_at >= %s", timezone.now() - UPDATED_DELTA[updated])
        active["updated"] = f"Updated within {dict(UPDATED_WITHIN)[updated]}"
    if la := clean.get("la"):
        where(f"e.local_authority_id = (SELECT id FROM {COUNCILS} WHERE gss_code = %s)", la)  # noqa: S608
        active["la"] = dict(form.fields["la"].choices).get(la, la)
    if name := (clean.get("name") or "").strip():
        # The homes' trigram index on UPPER(name) answers this.
        where(f"e.home_id IN (SELECT id FROM {HOMES} WHERE UPPER(name) LIKE UPPER(%s))", _like_pattern(name))  # noqa: S608
        active["name"] = f"Name contains “{name}”"

    distance, point = "NULL::float", []
    if form.location:
        label, latitude, longitude = form.location
        distance, point = DISTANCE_SQL, distance_params(latitude, longitude)
        radius = clean.get("radius") or "20"
        if radius != "any":
            miles = float(radius)
            for condition, condition_values in within(latitude, longitude, miles):
                where(condition, *condition_values)
            active["near"] = f"Within {miles:g} miles of {label}"
        else:
            active["near"] = f"Near {label}"

    sort = clean.get("sort") or ("distance" if form.location else "beds")
    if sort == "distance" and not form.location:
        sort = "beds"
    return Search(
        form=form, active=active, sort=sort, conditions=conditions, params=values,
        distance=distance, distance_params=point, order=ORDERS[sort],
    )  # fmt: skip


def relaxations(params, search: Search) -> list[dict]:
    """When nothing matches: which single filter to drop, and how many homes that would show."""
    hints = []
    for name, label in search.active.items():
        count = build(params, drop=name).count()
        if count:
            relaxed = params.copy()
            relaxed.pop("page", None)
            if name == "near":
                relaxed["radius"] = "any"
            elif name == "min_beds":
                relaxed["min_beds"] = "0"
            elif name in RELAXED:
                relaxed[name] = RELAXED[name]
            else:
                relaxed.pop(name, None)
            hints.append({"label": label, "count": count, "query": relaxed.urlencode()})
    return sorted(hints, key=lambda hint: -hint["count"])[:3]


def page_of(search: Search, number: str | None, *, user_id: int | None) -> tuple[Page, list[dict]]:
    """The page asked for (the last one if past the end, the first if nonsense), and
    its rows (``Search.rows``), with the total from the same query."""
    try:
        wanted = min(max(int(number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        wanted = 1
    rows = search.rows((wanted - 1) * PAGE_SIZE, PAGE_SIZE, user_id=user_id)
    if rows:
        total = rows[0]["total"]
    elif wanted > 1 and (total := search.count()):
        wanted = math.ceil(total / PAGE_SIZE)  # past the end: the last page
        rows = search.rows((wanted - 1) * PAGE_SIZE, PAGE_SIZE, user_id=user_id)
    else:
        total, wanted = 0, 1
    return Page([], wanted, CountedPaginator(total, PAGE_SIZE)), rows
