import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone

from homecare.models import HOURS_IN_A_WEEK, QUARTER_HOUR, Care
from homes.forms import AddCareHomeForm
from homes.postcodes import normalise_postcode
from registers.choices import LocationKind, ServiceType
from tracker.forms import NhsFormMixin


class AddAgencyForm(AddCareHomeForm):
    """A council admin onboards a home-care agency in their area: a care home's form, less
    what only a care home has (ADR 019)."""

    service_type = None

    class Meta(AddCareHomeForm.Meta):
        fields = [name for name in AddCareHomeForm.Meta.fields if name != "service_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = LocationKind.HOME_CARE_AGENCY
        self.instance.service_type = ServiceType.DOMICILIARY
        self.fields["phone"].help_text = "The number a discharge team should call about new packages"


def hours_field(label: str, help_text: str = "", required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=required,
        min_value=0,
        max_value=HOURS_IN_A_WEEK,
        decimal_places=2,
        error_messages={
            "min_value": "Hours cannot be negative",
            "max_value": "A week has 168 hours: enter 168 or fewer",
            "invalid": "Enter hours as a number, like 12 or 7.5",
            "max_decimal_places": "Enter hours in whole quarter-hours, like 7.25, 7.5 or 7.75",
            "required": "Enter the new hours a week you can take on now (0 if none)",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )


def postcode_district(typed: str, not_found: str) -> str:
    """The postcode district of a full postcode or a district as typed ("ls6 2ad", "LS6"), if
    England has it; else the field's message: "<what was typed> <not_found>"."""
    from registers.models import PostcodeArea

    typed = typed.strip().upper()
    full = normalise_postcode(typed)
    code = full.split(" ")[0] if full else typed.replace(" ", "")
    if not PostcodeArea.objects.filter(code=code, is_sector=False).exists():
        raise forms.ValidationError(f"{typed or 'That'} {not_found}")
    return code


def whole_quarters(value: Decimal | None) -> Decimal | None:
    if value is not None and value % QUARTER_HOUR:
        raise forms.ValidationError("Enter hours in whole quarter-hours, like 7.25, 7.5 or 7.75")
    return value


class CapacityForm(NhsFormMixin, forms.Form):
    """New hours a week the agency can take on now (per district where it differs), its
    earliest start and two-carer calls: one versioned save (ADR 003)."""

    hours_available = hours_field(
        "New hours a week you can take on now",
        "Care hours you could start for new clients. 0 if you cannot take anyone on.",
        required=True,
    )
    earliest_start = forms.DateField(
        label="Earliest start for a new client",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the earliest date you could start", "invalid": "Enter a real date"},
    )
    two_carer_calls_now = forms.TypedChoiceField(
        label="Can you take on calls that need two carers now?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you can take on two-carer calls now"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.district_fields = []
        for district in districts:
            name = f"district_{district.district_id}"
            self.fields[name] = hours_field(
                f"{district.district_id}", "Leave empty if it is the figure above", required=False
            )
            self.fields[name].widget.attrs["aria-label"] = f"New hours a week in {district.district_id}"
            self.district_fields.append((district, name))

    @property
    def district_bound_fields(self):
        return [self[name] for _, name in self.district_fields]

    def clean_hours_available(self):
        return whole_quarters(self.cleaned_data["hours_available"])

    def clean_earliest_start(self):
        start = self.cleaned_data["earliest_start"]
        if start < timezone.localdate():
            raise forms.ValidationError("The earliest start cannot be in the past")
        if start > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError("Enter a start within the next year")
        return start

    def clean(self):
        cleaned = super().clean()
        for _, name in self.district_fields:
            if cleaned.get(name) is not None:
                try:
                    whole_quarters(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def district_hours(self) -> dict[str, Decimal | None]:
        return {district.district_id: self.cleaned_data.get(name) for district, name in self.district_fields}


class CareForm(NhsFormMixin, forms.Form):
    care_given = forms.MultipleChoiceField(
        label="The care you give",
        help_text="Select all that apply.",
        choices=Care.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DistrictForm(NhsFormMixin, forms.Form):
    """One postcode district to add or remove: "LS6", or a full postcode's district."""

    district = forms.CharField(label="Postcode district", max_length=10)

    def clean_district(self):
        return postcode_district(self.cleaned_data["district"], "is not a postcode district in England, like LS6")
