"""Find home care: agencies covering a patient's postcode district, with at least the hours a
package needs, able to start by a date, giving the care it needs (ADR 019). One builder for
the page and its CSV."""

from django import forms
from django.db.models import DecimalField, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from homecare.forms import hours_field, postcode_district, whole_quarters
from homecare.models import Care, CoveredDistrict, care_labels, hours_figure, hours_words
from registers.choices import HomeStatus, rating_label
from registers.models import dialable
from tracker.forms import NhsFormMixin, unchanging_fields
from vacancies.freshness import freshness

NOT_A_DISTRICT = "is not a postcode or postcode district in England, like LS6 2AD"


@unchanging_fields
class FindHomeCareForm(NhsFormMixin, forms.Form):
    all_optional = True
    # Nothing in them per person: each drawn once per value and kept (tracker/forms.py).
    same_html_for_same_value = ("postcode", "hours", "start_by", "care")
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


# What a result shows, read by name (``matching(...).values(*RESULT_FIELDS, **RESULT_VALUES)``):
# plain values, not each row made into an agency and its capacity (20 a page: ADR 023).
RESULT_FIELDS = ("agency_id", "district_id", "hours")
RESULT_VALUES = {
    "own_hours": F("hours_available"), "name": F("agency__name"),
    "cqc_location_id": F("agency__cqc_location_id"), "phone": F("agency__phone"), "cqc_rating": F("agency__cqc_rating"),
    "earliest_start": F("agency__capacity__earliest_start"),
    "two_carer_calls_now": F("agency__capacity__two_carer_calls_now"),
    "care_given": F("agency__capacity__care_given"), "last_confirmed_at": F("agency__capacity__last_confirmed_at"),
}  # fmt: skip


class Result:
    """What a result shows, computed once for the page and the CSV, from a row of
    ``RESULT_FIELDS`` and ``RESULT_VALUES``; ``href`` and ``toggle_url`` from an agency's id
    (``url_for_each``)."""

    __slots__ = (
        "agency_id",
        "care",
        "cqc_location_id",
        "district",
        "earliest_start",
        "freshness",
        "hours",
        "href",
        "name",
        "own_district_figure",
        "phone",
        "rating",
        "shortlisted",
        "tel",
        "toggle_url",
        "two_carer_calls_now",
    )  # fmt: skip

    def __init__(self, row: dict, href=None, toggle_url=None):
        self.agency_id, self.name, self.phone = row["agency_id"], row["name"], row["phone"]
        self.cqc_location_id, self.tel = row["cqc_location_id"], dialable(row["phone"])
        self.district, self.hours = row["district_id"], row["hours"]
        self.own_district_figure = row["own_hours"] is not None
        self.earliest_start = row["earliest_start"]
        self.two_carer_calls_now = row["two_carer_calls_now"]
        self.care = care_labels(row["care_given"])
        self.freshness = freshness(row["last_confirmed_at"])
        self.rating = rating_label(row["cqc_rating"])
        self.href = href(self.agency_id) if href else ""
        self.toggle_url = toggle_url(self.agency_id) if toggle_url else ""
        self.shortlisted = row.get("shortlisted", False)

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
        result.name, result.cqc_location_id, result.phone, result.district,
        "" if result.hours is None else hours_figure(result.hours),
        result.earliest_start.isoformat() if result.earliest_start else "", yes_no[result.two_carer_calls_now],
        "; ".join(result.care), result.rating, result.freshness.exact,
    ]  # fmt: skip
