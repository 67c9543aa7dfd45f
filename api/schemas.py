"""What the API's JSON looks like (and so its OpenAPI schema): one place for every shape."""

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from homecare.models import Care
from registers.choices import CqcRating, LocationKind
from vacancies.models import BedSex, CareCategory


class Vacancy(Schema):
    category: str
    label: str
    capacity: int
    occupied: int
    vacant_accepting: int
    vacant_unavailable: int
    unavailable_reason: str
    sex: str
    held: int = Field(description="Vacant beds held for a discharge team now (not offered to others)")
    held_until: list[datetime.datetime] = Field(
        description="When each held bed is free again by itself, unless the team places someone first"
    )
    closed: bool
    closed_reason: str
    reopening_date: datetime.date | None


class Home(Schema):
    id: int
    cqc_location_id: str
    name: str
    provider: str
    town: str
    postcode: str
    latitude: float
    longitude: float
    local_authority: str = Field(description="The council's ONS code")
    cqc_rating: str | None = Field(
        description=f"CQC's overall rating ({', '.join(CqcRating.values)}); null when not known"
    )
    closed_to_admissions: bool
    closed_reason: str
    last_confirmed_at: datetime.datetime | None = Field(description="When the home last confirmed its figures")
    version: int = Field(description="The figures' version: it goes up with every change (send it as If-Match)")
    vacancies: list[Vacancy]


class HomePage(Schema):
    homes: list[Home]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null on the last")


class Change(Schema):
    id: int = Field(description="The home's id (as in /homes)")
    removed: bool = Field(description="True when the home left the key's scope: archived, or deleted")
    home: Home | None = Field(description="The home as it is now; null when removed")


class ChangePage(Schema):
    changes: list[Change]
    next: str = Field(description="Pass as ?cursor= next time (always present)")
    more: bool = Field(description="True when this page was full: ask again straight away")


class AgencyDistrict(Schema):
    district: str = Field(description="A postcode district the agency covers, like LS6")
    hours_available: float | None = Field(
        description="New hours a week it can take on there now: the district's own figure, else the agency's; "
        "null when not said"
    )
    own_figure: bool = Field(description="True when the district has a figure of its own")


class Agency(Schema):
    id: int
    cqc_location_id: str
    name: str
    provider: str
    town: str
    postcode: str = Field(description="The agency's office")
    latitude: float
    longitude: float
    local_authority: str = Field(description="The council's ONS code (of the agency's office)")
    cqc_rating: str | None = Field(
        description=f"CQC's overall rating ({', '.join(CqcRating.values)}); null when not known"
    )
    care_given: list[str] = Field(description=f"The care it gives: any of {', '.join(Care.values)}")
    hours_available: float | None = Field(
        description="New hours a week it can take on now (0 to 168, in quarter-hours); null when not said"
    )
    earliest_start: datetime.date | None = Field(description="The earliest it can start a new package")
    two_carer_calls_now: bool | None = Field(description="Whether it can take on two-carer calls now; null: not said")
    last_confirmed_at: datetime.datetime | None = Field(description="When the agency last confirmed its capacity")
    stale: bool = Field(description="True when its capacity was last confirmed over 24 hours ago, or never")
    version: int = Field(description="The capacity's version: it goes up with every change")
    districts: list[AgencyDistrict]


class AgencyPage(Schema):
    agencies: list[Agency]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null on the last")


class AgencyChangeEntry(Schema):
    id: int = Field(description="The agency's id (as in /agencies)")
    removed: bool = Field(description="True when the agency left the key's scope: archived, or deleted")
    agency: Agency | None = Field(description="The agency as it is now; null when removed")


class AgencyChangePage(Schema):
    changes: list[AgencyChangeEntry]
    next: str = Field(description="Pass as ?cursor= next time (always present)")
    more: bool = Field(description="True when this page was full: ask again straight away")


class CategoryTotal(Schema):
    category: str
    label: str
    homes: int
    capacity: int
    occupied: int
    vacant_accepting: int = Field(description="Vacant beds accepting admissions in open homes and categories")
    vacant_unavailable: int
    held: int


class Totals(Schema):
    area: str = Field(description="A council's ONS code, or what the key sees: a provider's homes, or England")
    homes: int = Field(description="Active homes in the area")
    closed_to_admissions: int = Field(description="Of them, homes closed to admissions")
    categories: list[CategoryTotal]


def _text(value):
    if value is not None and not isinstance(value, str):
        raise ValueError("a date as text, like 2026-12-01")
    return value


# A date in a body: its text only (pydantic would take a number as seconds since 1970).
TextDate = Annotated[datetime.date, Field(strict=False), BeforeValidator(_text)]
# What is sent is read as JSON's own types: "3" is not a number nor "true" a yes/no (the
# schema says integer and boolean; pydantic would take either). Choices are their text.
AS_SENT = ConfigDict(strict=True)


class CategoryFigures(Schema):
    """One care category's beds. Fields left out keep their current values (a new category
    starts with none unavailable, for anyone, open)."""

    model_config = AS_SENT

    category: CareCategory = Field(description="The care category, like nursing (a new one is added)", strict=False)
    capacity: int | None = Field(None, description="Registered beds in this category (0 to 2000)")
    occupied: int | None = Field(None, description="Beds occupied")
    vacant_accepting: int | None = Field(None, description="Vacant beds accepting admissions")
    vacant_unavailable: int | None = Field(None, description="Vacant beds not available (say why)")
    unavailable_reason: str | None = Field(None, description="reserved, staffing, isolation, refurbishment or other")
    sex: BedSex | None = Field(None, description="Who the vacant beds are for: any, male or female", strict=False)
    closed: bool | None = Field(None, description="The category is closed to admissions (say why)")
    closed_reason: str | None = Field(None, description="outbreak, cqc_enforcement, staffing, refurbishment or other")
    reopening_date: TextDate | None = Field(None, description="When it expects to reopen (today or later)")


class Figures(Schema):
    """A home's figures as the provider's system has them. Categories not listed, and
    whole-home fields left out, keep their current values."""

    model_config = AS_SENT

    categories: list[CategoryFigures] = Field(
        default_factory=list, max_length=len(CareCategory.values), description="The categories to set"
    )
    closed_to_admissions: bool | None = Field(None, description="The whole home is closed to admissions")
    closed_reason: str | None = Field(None, description="Why (with closed_to_admissions): as for a category")
    reopening_date: TextDate | None = Field(None, description="When the home expects to reopen")


class FieldProblem(Schema):
    field: str = Field(description="Where in the body, like categories[0].capacity")
    message: str = Field(description="What is wrong, in the portal's own words")


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``): every error the API answers."""

    type: str = Field(description="Always about:blank: the status says what kind of problem it is")
    title: str = Field(description="The status in words, like Not found")
    status: int = Field(description="The HTTP status, repeated")
    detail: str = Field(description="What was wrong and what to do, naming the parameter or header")
    errors: list[FieldProblem] | None = Field(None, description="422 only: every rule the figures break")
    current: Home | None = Field(None, description="412 only: the home as it is now, with its version")


class ReturnBeds(Schema):
    capacity: int | None = Field(description="The care home's maximum capacity (beds) when it submitted")
    occupied: int | None
    vacant_reserved: int | None = Field(description="Vacant beds reserved or not available")
    vacant_accepting: int | None = Field(description="Vacant beds accepting admissions")


class MonthlyReturn(Schema):
    id: int = Field(description="The location's id (a care home's as in /homes)")
    month: str = Field(description="The return's month, YYYY-MM")
    cqc_location_id: str
    location_name: str
    location_kind: LocationKind = Field(
        description=f"What the location is ({' or '.join(LocationKind.values)}): which questions it answers "
        "(docs/returns.md)",
        strict=False,
    )
    cqc_provider_id: str | None
    provider_name: str
    local_authority_code: str = Field(description="The council's ONS code")
    local_authority: str
    submitted: bool
    submitted_at: datetime.datetime | None = Field(description="The last submission; null when not submitted")
    submitted_via: str | None = Field(description="form, unchanged, reminder, together or csv; null when not submitted")
    beds: ReturnBeds | None = Field(
        description="A care home's bed figures when it submitted; null when not submitted, and for a home-care agency "
        "(it has no beds)"
    )
    answers: dict[str, int | str | None] | None = Field(
        description="Each question asked that month of its kind of location, by its key (docs/returns.md): a whole "
        "number, or the choice's key for visiting; null when not submitted"
    )


class ReturnPage(Schema):
    month: str
    returns: list[MonthlyReturn]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null on the last")
