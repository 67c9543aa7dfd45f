"""Find home care: agencies covering a patient's postcode district, with at least the hours a
package needs, able to start by a date, giving the care it needs (ADR 019). One builder for
the page and its CSV."""

from django import forms
from django.db.models import DecimalField, F, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from homecare.forms import hours_field, postcode_district, whole_quarters
from homecare.models import Care, CoveredDistrict, hours_figure, hours_words
from registers.choices import HomeStatus, rating_label
from tracker.forms import NhsFormMixin
from vacancies.freshness import freshness

NOT_A_DISTRICT = "is not a postcode or postcode district in England, like LS6 2AD"


class FindHomeCareForm(NhsFormMixin, forms.Form):
    all_optional = True
    postcode = forms.CharField(
        label="Patient's postcode or postcode district",
        help_text="Like LS6 2AD or LS6. Only the district is used.",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )
    hours = hours_field("Hours a week needed")
    start_by = forms.DateField(
        label="Able to start by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date"},
    )
    care = forms.MultipleChoiceField(
        label="Care needed", choices=Care.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean_postcode(self):
        if not self.cleaned_data["postcode"].strip():
            return ""
        return postcode_district(self.cleaned_data["postcode"], NOT_A_DISTRICT)

    def clean_hours(self):
        return whole_quarters(self.cleaned_data["hours"])

    def clean_start_by(self):
        start_by = self.cleaned_data["start_by"]
        if start_by and start_by < timezone.localdate():
            raise forms.ValidationError("The start date cannot be in the past")
        return start_by


def matching(cleaned: dict) -> QuerySet:
    """Each agency covering the district (one row of CoveredDistrict each) that meets the
    needs, with ``hours`` (the district's own figure, else the agency's); most hours first,
    then the freshest."""
    rows = (
        CoveredDistrict.objects.filter(district_id=cleaned["postcode"], agency__status=HomeStatus.ACTIVE)
        .select_related("agency", "agency__capacity")
        .annotate(
            hours=Coalesce(
                "hours_available", "agency__capacity__hours_available", output_field=DecimalField(max_digits=5)
            )
        )
    )
    if cleaned.get("hours") is not None:
        rows = rows.filter(hours__gte=cleaned["hours"])
    if cleaned.get("start_by"):
        rows = rows.filter(agency__capacity__earliest_start__lte=cleaned["start_by"])
    care = cleaned.get("care") or []
    if care:
        rows = rows.filter(agency__capacity__care_given__contains=care)
    if "two_carers" in care:
        rows = rows.filter(agency__capacity__two_carer_calls_now=True)
    return rows.order_by(
        F("hours").desc(nulls_last=True),
        F("agency__capacity__last_confirmed_at").desc(nulls_last=True),
        "agency__name",
        "agency_id",
    )


# What a result's card reads: ``matching(...).only(*CARD_FIELDS)`` leaves the rest unread.
CARD_FIELDS = [
    "district_id", "hours_available", "agency__name", "agency__phone", "agency__cqc_rating",
    "agency__capacity__hours_available", "agency__capacity__earliest_start", "agency__capacity__two_carer_calls_now",
    "agency__capacity__care_given", "agency__capacity__last_confirmed_at",
]  # fmt: skip


class Result:
    """What a result shows, computed once for the page and the CSV."""

    def __init__(self, row: CoveredDistrict):
        agency = row.agency
        capacity = getattr(agency, "capacity", None)
        self.agency, self.district, self.hours = agency, row.district_id, row.hours
        self.own_district_figure = row.hours_available is not None
        self.earliest_start = capacity.earliest_start if capacity else None
        self.two_carer_calls_now = capacity.two_carer_calls_now if capacity else None
        self.care = capacity.care_labels if capacity else []
        self.freshness = freshness(capacity.last_confirmed_at if capacity else None)
        self.rating = rating_label(agency.cqc_rating)
        self.href = reverse("homecare:agency", args=[agency.pk])
        self.shortlisted = getattr(row, "shortlisted", False)
        self.toggle_url = reverse("homecare:toggle_shortlist", args=[agency.pk])

    @property
    def hours_words(self) -> str:
        return hours_words(self.hours)

    @property
    def earliest_start_words(self) -> str:
        return f"{self.earliest_start:%-d %B %Y}" if self.earliest_start else "Not said yet"

    @property
    def two_carer_words(self) -> str:
        return {True: "Yes", False: "No", None: "Not said yet"}[self.two_carer_calls_now]


CSV_HEADER = [
    "Agency", "CQC location ID", "Phone", "District", "New hours a week", "Earliest start", "Two-carer calls now",
    "Care given", "CQC rating", "Last updated",
]  # fmt: skip


def csv_row(result: Result) -> list:
    yes_no = {True: "Yes", False: "No", None: "Not said"}
    return [
        result.agency.name, result.agency.cqc_location_id, result.agency.phone, result.district,
        "" if result.hours is None else hours_figure(result.hours),
        result.earliest_start.isoformat() if result.earliest_start else "", yes_no[result.two_carer_calls_now],
        "; ".join(result.care), result.rating, result.freshness.exact,
    ]  # fmt: skip
