import copy

from django import forms
from django.utils import timezone

from tracker.forms import NhsFormMixin, unchanging_fields
from tracker.patient_identifiers import refuse_patient_identifiers
from vacancies.models import BedSex, CareCategory, CategoryVacancy, ClosureReason, FigureReport, UnavailableReason

MAX_BEDS = 2000


def _count(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_BEDS,
        error_messages={
            "required": f"Enter the number of {label.lower()} beds, or 0",
            "invalid": "Enter a whole number, like 3",
            "min_value": "Enter 0 or more",
            "max_value": f"Enter {MAX_BEDS} or fewer",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4", "min": 0}),
    )


def _reason(choices, label) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[("", "Choose a reason"), *choices], label=label, required=False)


def _reopening() -> forms.DateField:
    return forms.DateField(
        label="Expected reopening date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, like 2026-12-01"},
    )


def _check_closure(form, closed_field: str) -> None:
    cleaned = form.cleaned_data
    if cleaned.get(closed_field) and not cleaned.get("closed_reason"):
        form.add_error("closed_reason", "Choose why it is closed to admissions")
    if not cleaned.get(closed_field):
        cleaned["closed_reason"], cleaned["reopening_date"] = "", None
    reopening = cleaned.get("reopening_date")
    if reopening and reopening < timezone.localdate():
        form.add_error("reopening_date", "The expected reopening date must be today or later")


def _controlling(field: forms.Field, target: str) -> forms.Field:
    """``field`` (a box that reveals ``target``) as a copy of its own: the declared one is shared."""
    field = copy.copy(field)
    field.widget = copy.copy(field.widget)
    field.widget.attrs = {**field.widget.attrs, "data-aria-controls": target}
    return field


@unchanging_fields  # its instances share the declared fields (the update page draws 2 to 5 forms, twice)
class CategoryForm(NhsFormMixin, forms.Form):
    """One care category's beds. The prefix is the category."""

    # A home's figures are not personal, and a field's markup is made from its category (its
    # name and id), value and attributes alone: drawn once per value and kept (tracker/forms.py).
    same_html_for_same_value = ("capacity", "occupied", "vacant_accepting", "vacant_unavailable",
                                "unavailable_reason", "sex", "closed", "closed_reason", "reopening_date")  # fmt: skip

    capacity = _count("Registered beds")
    capacity.error_messages["required"] = "Enter the number of registered beds"
    occupied = _count("Occupied")
    vacant_accepting = _count("Vacant, accepting admissions")
    vacant_unavailable = _count("Vacant, not available")
    unavailable_reason = _reason(UnavailableReason.choices, "Why not available")
    sex = forms.ChoiceField(choices=BedSex.choices, label="Vacant beds are for", initial=BedSex.ANY)
    closed = forms.BooleanField(label="Closed to admissions", required=False)
    closed_reason = _reason(ClosureReason.choices, "Why closed")
    reopening_date = _reopening()

    def __init__(self, *args, category: str, **kwargs):
        self.category = category
        super().__init__(*args, prefix=category, **kwargs)
        self.fields["closed"] = _controlling(self.fields["closed"], f"{category}-closure")

    @property
    def label(self) -> str:
        return CareCategory(self.category).label

    def all_messages(self) -> list[str]:
        """Every error, each as a sentence (the inline check while typing)."""
        return [f"{message}." for messages in self.errors.values() for message in messages]

    def clean(self):
        cleaned = super().clean()
        counts = [cleaned.get(name) for name in ("capacity", "occupied", "vacant_accepting", "vacant_unavailable")]
        if None not in counts:
            capacity, occupied, accepting, unavailable = counts
            if occupied + accepting + unavailable > capacity:
                self.add_error(
                    "capacity",
                    f"Occupied ({occupied}), vacant accepting ({accepting}) and vacant not available ({unavailable}) "
                    f"add up to {occupied + accepting + unavailable}: more than the {capacity} registered beds",
                )
            if unavailable == 0:
                cleaned["unavailable_reason"] = ""
        _check_closure(self, "closed")
        return cleaned

    @classmethod
    def initial_from(cls, row: CategoryVacancy) -> dict:
        from vacancies.updates import CATEGORY_FIELDS

        return {name: getattr(row, name) for name in CATEGORY_FIELDS}


@unchanging_fields
class HomeClosureForm(NhsFormMixin, forms.Form):
    same_html_for_same_value = ("closed_to_admissions", "closed_reason", "reopening_date")  # as CategoryForm's
    closed_to_admissions = forms.BooleanField(
        label="The whole home is closed to admissions", required=False,
        widget=forms.CheckboxInput(attrs={"data-aria-controls": "home-closure"}),
    )  # fmt: skip
    closed_reason = _reason(ClosureReason.choices, "Why closed")
    reopening_date = _reopening()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        cleaned = super().clean()
        _check_closure(self, "closed_to_admissions")
        return cleaned


class AddCategoryForm(NhsFormMixin, forms.Form):
    same_html_for_same_value = ("new_category", "new_capacity")  # its choices are in the key (tracker/forms.py)
    new_category = forms.ChoiceField(label="Add a care category", required=False)
    new_capacity = forms.IntegerField(
        label="Its registered beds",
        required=False,
        min_value=1,
        max_value=MAX_BEDS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4", "min": 1}),
        error_messages={"invalid": "Enter a whole number, like 10", "min_value": "Enter 1 or more"},
    )

    def __init__(self, *args, offered: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_category"].choices = [("", "Choose a category")] + [
            (value, label) for value, label in CareCategory.choices if value not in offered
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_category") and not cleaned.get("new_capacity"):
            self.add_error("new_capacity", "Enter the number of registered beds in this category")
        if cleaned.get("new_capacity") and not cleaned.get("new_category"):
            self.add_error("new_category", "Choose the care category these beds are for")
        return cleaned


class FigureReportForm(NhsFormMixin, forms.Form):
    """ "This figure was wrong", from a home's page."""

    problem = forms.ChoiceField(label="What was wrong", choices=FigureReport.Problem.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label="Which care category (optional)", required=False)
    note = forms.CharField(
        label="What the home told you (optional)", max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example \"no nursing bed until Monday\". No patient details.",
    )  # fmt: skip

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Not about one category")] + [
            (value, CareCategory(value).label) for value in categories
        ]

    def clean_note(self):
        return refuse_patient_identifiers(self.cleaned_data["note"].strip())
