"""Finding a suitable bed: the search form and the query behind it.

One query builds the page: homes filtered in SQL (bounding box then
great-circle distance, array containment for bands and funding, the chosen
category's row joined once), counted, sliced to 25, then the page's category
rows prefetched. See docs/adr/005-search.md.
"""

import datetime
import functools
import math
from dataclasses import dataclass

from django import forms
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone

from homes.choices import RATING_RANK, CqcRating, Funding, ServiceUserBand
from homes.models import CareHome, LocalAuthority
from homes.postcodes import locate_search_location
from tracker.forms import NhsFormMixin
from vacancies.models import BedSex, CareCategory, CategoryVacancy

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


@functools.cache
def council_choices() -> tuple[tuple[str, str], ...]:
    """The 153 councils: reference data that changes only with a release (by migration)."""
    return tuple(LocalAuthority.objects.councils().values_list("gss_code", "name"))


class SearchForm(NhsFormMixin, forms.Form):
    all_optional = True  # every filter is optional: no "(optional)" on each label
    near = forms.CharField(
        label="Near postcode", required=False, max_length=10, help_text="A full postcode or a district, like LS6"
    )
    radius = forms.ChoiceField(label="Within", choices=RADII, required=False, initial="20")
    category = forms.ChoiceField(
        label="Care category", choices=[("", "Any care category"), *CareCategory.choices], required=False
    )
    sex = forms.ChoiceField(
        label="Bed for", choices=[("", "Anyone"), (BedSex.FEMALE, "A woman"), (BedSex.MALE, "A man")], required=False
    )
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
    rating = forms.ChoiceField(label="CQC rating", choices=RATING_AT_LEAST, required=False)
    updated = forms.ChoiceField(label="Updated within", choices=UPDATED_WITHIN, required=False, initial="any")
    open = forms.ChoiceField(
        label="Show",
        choices=[("yes", "Only homes open to admissions"), ("no", "All homes, including closed")],
        required=False,
        initial="yes",
        widget=forms.RadioSelect,
    )
    la = forms.ChoiceField(label="Local authority", required=False)
    name = forms.CharField(label="Name contains", required=False, max_length=100)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].choices = [("", "Anywhere"), *council_choices()]
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
    form: SearchForm
    homes: object  # the filtered, annotated, ordered queryset
    active: dict  # filter name -> its value, for the "relax a filter" hints and the summary
    sort: str

    @property
    def has_location(self) -> bool:
        return self.form.location is not None


def distance_expression(latitude: float, longitude: float):
    """Great-circle distance in miles from a point (haversine), in SQL."""
    lat0, lng0 = math.radians(latitude), math.radians(longitude)
    dlat = (Radians(F("latitude")) - Value(lat0)) / 2
    dlng = (Radians(F("longitude")) - Value(lng0)) / 2
    a = Power(Sin(dlat), 2) + Value(math.cos(lat0)) * Cos(Radians(F("latitude"))) * Power(Sin(dlng), 2)
    return Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(a))


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

    homes = CareHome.objects.active().select_related("vacancies")
    active: dict = {}
    category = clean.get("category") or ""
    open_only = clean.get("open") == "yes"
    min_beds = clean.get("min_beds")
    sex = clean.get("sex") or ""

    if category:
        active["category"] = CareCategory(category).label
        rows = Q(categories__category=category)
        if open_only:
            rows &= Q(categories__closed=False)
        if min_beds:
            rows &= Q(categories__vacant_accepting__gte=min_beds)
        if sex:
            rows &= Q(categories__sex__in=[BedSex.ANY, sex])
        homes = homes.filter(rows).annotate(beds=F("categories__vacant_accepting"))
    else:
        homes = homes.annotate(beds=F("vacancies__vacant_accepting_total"))
        if min_beds:
            homes = homes.filter(vacancies__vacant_accepting_total__gte=min_beds)
        if sex:
            homes = homes.filter(
                Exists(
                    CategoryVacancy.objects.filter(
                        home=OuterRef("pk"), vacant_accepting__gt=0, closed=False, sex__in=[BedSex.ANY, sex]
                    )
                )
            )
    if min_beds:
        active["min_beds"] = f"At least {min_beds} vacant bed{'s' if min_beds != 1 else ''}"
    if sex:
        active["sex"] = "For a woman" if sex == BedSex.FEMALE else "For a man"
    if open_only:
        homes = homes.filter(vacancies__closed_to_admissions=False)
        active["open"] = "Open to admissions only"

    if bands := clean.get("bands"):
        homes = homes.filter(service_user_bands__contains=bands)
        active["bands"] = "Cares for " + ", ".join(ServiceUserBand(b).label for b in bands)
    if funding := clean.get("funding"):
        homes = homes.filter(funding_accepted__contains=funding)
        active["funding"] = "Accepts " + ", ".join(Funding(f).label for f in funding)
    if rating := clean.get("rating"):
        allowed = [value for value, rank in RATING_RANK.items() if rank >= RATING_RANK[rating]]
        homes = homes.filter(cqc_rating__in=allowed)
        active["rating"] = f"Rated {CqcRating(rating).label} or better"
    if (updated := clean.get("updated")) in UPDATED_DELTA:
        homes = homes.filter(vacancies__last_confirmed_at__gte=timezone.now() - UPDATED_DELTA[updated])
        active["updated"] = f"Updated within {dict(UPDATED_WITHIN)[updated]}"
    if la := clean.get("la"):
        homes = homes.filter(local_authority__gss_code=la)
        active["la"] = dict(form.fields["la"].choices).get(la, la)
    if name := (clean.get("name") or "").strip():
        homes = homes.filter(name__icontains=name)
        active["name"] = f"Name contains “{name}”"

    if form.location:
        label, latitude, longitude = form.location
        homes = homes.annotate(distance=distance_expression(latitude, longitude))
        radius = clean.get("radius") or "20"
        if radius != "any":
            miles = float(radius)
            dlat = miles / 69.0
            dlng = miles / (69.0 * max(math.cos(math.radians(latitude)), 0.01))
            homes = homes.filter(
                latitude__range=(latitude - dlat, latitude + dlat),
                longitude__range=(longitude - dlng, longitude + dlng),
                distance__lte=miles,
            )
            active["near"] = f"Within {miles:g} miles of {label}"
        else:
            active["near"] = f"Near {label}"
    else:
        homes = homes.annotate(distance=Value(None, output_field=FloatField()))

    sort = clean.get("sort") or ("distance" if form.location else "beds")
    if sort == "distance" and not form.location:
        sort = "beds"
    order = {
        "distance": [F("distance").asc(), F("beds").desc(nulls_last=True), "name"],
        "beds": [F("beds").desc(nulls_last=True), F("vacancies__last_confirmed_at").desc(nulls_last=True), "name"],
        "updated": [F("vacancies__last_confirmed_at").desc(nulls_last=True), "name"],
    }[sort]
    return Search(form=form, homes=homes.order_by(*order, "pk"), active=active, sort=sort)


def relaxations(params, search: Search) -> list[dict]:
    """When nothing matches: which single filter to drop, and how many homes that would show."""
    hints = []
    for name, label in search.active.items():
        count = build(params, drop=name).homes.count()
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
