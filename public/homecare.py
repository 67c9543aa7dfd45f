"""Find home care, for families (issue 26): the home-care agencies covering a postcode's
district, the care they give, their CQC rating, and whether they are taking on new clients
there, as a band (public/availability.py ``taking_on``), never their hours. An agency's page.

Like the homes' pages (public/search.py, public/profile.py): one query a page, its rows named;
hours choose and order agencies and make their band, and never leave this module.
"""

import math
import re
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.core.paginator import Page
from django.urls import reverse
from django.utils import timezone

from homecare.models import AgencyCapacity, Care, CoveredDistrict
from homes.models import CqcLocation
from homes.postcodes import district_of
from public.availability import CONFIRMED_WITHIN, PLENTY_HOURS, Availability, taking_on
from public.profile import RATING_COLUMNS, WhereAndCqc, where_and_cqc
from public.search import rating_words
from registers.choices import HomeStatus, LocationKind
from registers.models import CareHome, LocalAuthority, PostcodeArea, Provider
from tracker.forms import NhsFormMixin
from tracker.paging import MAX_PAGE, CountedPaginator
from tracker.sql import named_rows, table

PAGE_SIZE = 20
AGENCIES, CAPACITIES, DISTRICTS = table(CareHome), table(AgencyCapacity), table(CoveredDistrict)
AGENCY = f"'{LocationKind.HOME_CARE_AGENCY}'"


class FindHomeCareForm(NhsFormMixin, forms.Form):
    all_optional = True
    same_html_for_same_value = ("postcode", "care", "taking_on")
    postcode = forms.CharField(
        label="Postcode where the care is needed",
        required=False,
        max_length=10,
        help_text="For example LS6 2AD, or its first part, LS6",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}),
    )
    care = forms.MultipleChoiceField(
        label="Care needed",
        choices=Care.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Agencies that give every kind you choose",
    )
    taking_on = forms.BooleanField(label="Only agencies taking on new clients in this area", required=False)

    def clean_postcode(self) -> str:
        """The postcode's district ("LS6"): agencies say which districts they cover."""
        typed = self.cleaned_data["postcode"].strip()
        if not typed:
            return ""
        district = district_of(typed)
        if district is None:
            raise forms.ValidationError(f"“{typed}” is not a postcode. Enter one like LS6 2AD, or its first part, LS6")
        return district


@dataclass(slots=True)
class AgencyCard:
    """What a family's result card shows about an agency: no hours, no staff."""

    cqc_location_id: str
    href: str  # its public page
    name: str
    place: str
    rating: str
    care: list[str]
    band: Availability | None


@dataclass
class Found:
    form: FindHomeCareForm
    district: str  # "" until a postcode is given
    page: Page | None
    cards: list[AgencyCard]

    @property
    def summary(self) -> list[str]:
        clean = getattr(self.form, "cleaned_data", {})
        words = [Care(value).label for value in clean.get("care") or []]
        return words + (["Taking on new clients"] if clean.get("taking_on") else [])

    @property
    def meta_description(self) -> str:
        if not self.district:
            return (
                "Find home care in England: the home-care agencies registered with CQC that cover your postcode, "
                "the care they give, their CQC rating and whether they are taking on new clients."
            )
        count = self.page.paginator.count
        found = f"{count:,} home-care agenc{'y' if count == 1 else 'ies'} covering {self.district}"
        chosen = f" ({', '.join(self.summary).lower()})" if self.summary else ""
        number = f", page {self.page.number}" if self.page.number > 1 else ""
        return f"{found}{chosen}{number}: the care each gives, its CQC rating and whether it is taking on new clients."


def _band_rank(stale_before) -> tuple[str, list]:
    """The band as a number to order and filter by (0 taking on, 1 limited, 2 not taking on,
    3 not confirmed or not published), the SQL twin of ``taking_on``."""
    sql = """CASE WHEN NOT a.shows_availability OR a.hours IS NULL OR a.last_confirmed_at IS NULL
                       OR a.last_confirmed_at < %s THEN 3
                  WHEN a.hours >= %s THEN 0 WHEN a.hours > 0 THEN 1 ELSE 2 END"""
    return sql, [stale_before, PLENTY_HOURS]


def find(params, page_number: str | None) -> Found:
    """The agencies covering the district of the postcode these GET parameters give, the ones
    taking on new clients first, then by name."""
    form = FindHomeCareForm(params)
    form.is_valid()
    clean = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
    district = clean.get("postcode") or ""
    if not district:
        return Found(form=form, district="", page=None, cards=[])
    now = timezone.now()
    band, band_params = _band_rank(now - CONFIRMED_WITHIN)
    conditions, values = [], [district, HomeStatus.ACTIVE]
    if care := clean.get("care"):
        conditions.append("c.care_given @> %s::varchar[]")
        values.append(care)
    filters = "WHERE a.band <= 1" if clean.get("taking_on") else ""
    try:
        wanted = min(max(int(page_number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        wanted = 1
    # Every fragment is a constant of this module; every value a parameter.
    sql = f"""WITH a AS (
                SELECT h.id, h.cqc_location_id, h.name, h.town, h.postcode, h.cqc_rating, h.cqc_rating_date,
                       h.shows_availability, c.care_given, c.last_confirmed_at,
                       COALESCE(d.hours_available, c.hours_available) AS hours
                  FROM {DISTRICTS} d
                  JOIN {AGENCIES} h ON h.id = d.agency_id
                  LEFT JOIN {CAPACITIES} c ON c.agency_id = h.id
                 WHERE d.district_id = %s AND h.kind = {AGENCY} AND h.status = %s
                       {"".join(" AND " + condition for condition in conditions)})
              SELECT a.*, count(*) OVER () AS total FROM (SELECT a.*, {band} AS band FROM a) a {filters}
               ORDER BY a.band, a.name, a.id LIMIT %s OFFSET %s"""  # noqa: S608

    def rows(number: int) -> list[dict]:
        return named_rows(sql, [*values, *band_params, PAGE_SIZE, (number - 1) * PAGE_SIZE])

    found = rows(wanted)
    if not found and wanted > 1:
        total = named_rows(sql.replace("LIMIT %s OFFSET %s", ""), [*values, *band_params])
        if total:
            wanted = math.ceil(len(total) / PAGE_SIZE)
            found = rows(wanted)
    if not found and not PostcodeArea.objects.filter(code=district, is_sector=False).exists():
        form.add_error("postcode", f"We cannot find the postcode district {district}. Check the postcode")
        return Found(form=form, district="", page=None, cards=[])
    total = found[0]["total"] if found else 0
    page = Page([], wanted if found else 1, CountedPaginator(total, PAGE_SIZE))
    pages = reverse("public:agency", args=["0"]).removesuffix("0/")  # reversed once, not per card
    page.object_list = [
        AgencyCard(
            cqc_location_id=row["cqc_location_id"],
            href=f"{pages}{quote(row['cqc_location_id'])}/",
            name=row["name"],
            place=f"{row['town']}, {row['postcode']}",
            rating=rating_words(row["cqc_rating"], row["cqc_rating_date"]),
            care=[Care(value).label for value in row["care_given"] or []],
            band=taking_on(
                shows=row["shows_availability"], hours=row["hours"], last_confirmed_at=row["last_confirmed_at"], now=now
            ),
        )
        for row in found
    ]
    return Found(form=form, district=district, page=page, cards=page.object_list)


# What an agency's public page is made from: nothing else about it is read.
FACTS = f"""
SELECT h.id, h.cqc_location_id, h.name, h.status, h.address_line_1, h.address_line_2, h.town, h.county,
       h.postcode, h.phone, h.website, h.cqc_rating, h.cqc_rating_date, {", ".join(f"h.{c}" for c in RATING_COLUMNS)},
       h.shows_availability, p.name AS provider, la.name AS council,
       c.care_given, c.hours_available, c.last_confirmed_at,
       coalesce((SELECT json_agg(json_build_object('district', d.district_id, 'hours', d.hours_available))
                   FROM {DISTRICTS} d WHERE d.agency_id = h.id), '[]') AS districts,
       (SELECT l.checked_at FROM {table(CqcLocation)} l WHERE l.location_id = h.cqc_location_id) AS cqc_checked_at
  FROM {AGENCIES} h
  JOIN {table(Provider)} p ON p.id = h.provider_id
  JOIN {table(LocalAuthority)} la ON la.id = h.local_authority_id
  LEFT JOIN {CAPACITIES} c ON c.agency_id = h.id
 WHERE h.kind = {AGENCY} AND h.cqc_location_id = %s
"""  # noqa: S608 - table names and constants only


def facts_of(cqc_id: str) -> dict | None:
    """The row an agency's page is made from (archived agencies too: their page says so)."""
    rows = named_rows(FACTS, [cqc_id])
    return rows[0] if rows else None


def _district_order(code: str) -> tuple:
    """LS6 before LS16: a district's letters, then its number."""
    match = re.match(r"([A-Z]+)(\d+)(.*)", code)
    return (match[1], int(match[2]), match[3]) if match else (code, 0, "")


@dataclass(slots=True)
class AgencyProfile(WhereAndCqc):
    care: list[str]
    shows_availability: bool
    districts: list[tuple[str, Availability | None]]  # each district covered, with its band
    council: str

    @property
    def meta_description(self) -> str:
        covers = ", ".join(code for code, _ in self.districts[:8]) + ("…" if len(self.districts) > 8 else "")
        care = f" Care: {', '.join(self.care)}." if self.care else ""
        return (
            f"{self.name}: a home-care agency in {self.town} ({self.postcode}) run by {self.provider}"
            f"{f', covering {covers}' if covers else ''}. CQC rating: {self.rating}.{care}"
        )


def profile_of(facts: dict) -> AgencyProfile:
    now = timezone.now()
    districts = sorted(facts["districts"], key=lambda row: _district_order(row["district"]))
    return AgencyProfile(
        **where_and_cqc(facts),
        care=[Care(value).label for value in facts["care_given"] or []],
        shows_availability=facts["shows_availability"],
        districts=[
            (
                row["district"],
                taking_on(
                    shows=facts["shows_availability"],
                    hours=facts["hours_available"] if row["hours"] is None else row["hours"],
                    last_confirmed_at=facts["last_confirmed_at"],
                    now=now,
                ),
            )
            for row in districts
        ],
    )
