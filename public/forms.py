"""What a home tells families on its public page, kept by its staff (issue 12)."""

from django import forms

from homes.forms import VersionedSaveMixin
from registers.choices import Facility
from registers.models import CareHome
from tracker.forms import NhsFormMixin

# Weekly fees a home may publish: below or above these is a typing slip (pence, a year's fees).
LOWEST_FEE, HIGHEST_FEE = 100, 10_000


def _yes_no_or_unsaid(value: str) -> bool | None:
    return {"True": True, "False": False}.get(value)


class PublicProfileForm(VersionedSaveMixin, NhsFormMixin, forms.ModelForm):
    fee_from = forms.IntegerField(
        label="Weekly fees from (£)",
        required=False,
        help_text="Whole pounds a week, for the room and care a family is usually quoted first",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
    )
    fee_to = forms.IntegerField(
        label="Weekly fees up to (£)",
        required=False,
        help_text="Leave empty if every room costs the same",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
    )
    top_up = forms.TypedChoiceField(
        label="May the home ask a family for a top-up?",
        help_text="An extra weekly payment when the council pays for care and the room costs more",
        choices=[("True", "Yes, a top-up may be asked for"), ("False", "No"), ("", "We have not said")],
        coerce=_yes_no_or_unsaid,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    facilities = forms.MultipleChoiceField(
        label="Facilities", choices=Facility.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    shows_availability = forms.TypedChoiceField(
        label="Show our availability on our public page?",
        help_text="A band such as “Limited availability” and when you last confirmed it, never the number of beds",
        choices=[("True", "Yes, show it"), ("False", "No: families are asked to call us")],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CareHome
        fields = [
            "public_description",
            "fee_from",
            "fee_to",
            "top_up",
            "top_up_note",
            "facilities",
            "visiting_arrangements",
            "shows_availability",
        ]
        widgets = {
            "public_description": forms.Textarea(attrs={"rows": 8}),
            "visiting_arrangements": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "public_description": "In your own words: the home, its rooms, its days. "
            "No residents' or staff names. Leave a blank line between paragraphs.",
            "top_up_note": "For example: only for our larger rooms",
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _clean_fee(self, name: str) -> int | None:
        fee = self.cleaned_data[name]
        if fee is not None and not LOWEST_FEE <= fee <= HIGHEST_FEE:
            raise forms.ValidationError(
                f"Enter weekly fees in whole pounds between £{LOWEST_FEE} and £{HIGHEST_FEE:,}, like 950"
            )
        return fee

    def clean_fee_from(self):
        return self._clean_fee("fee_from")

    def clean_fee_to(self):
        return self._clean_fee("fee_to")

    def clean(self):
        cleaned = super().clean()
        fee_from, fee_to = cleaned.get("fee_from"), cleaned.get("fee_to")
        if fee_from is not None and fee_to is not None and fee_to < fee_from:
            self.add_error("fee_to", "The highest weekly fee must be the same as the lowest or more")
        if fee_to is not None and fee_from is None and "fee_from" not in self.errors:
            self.add_error("fee_from", "Enter the lowest weekly fee too, or leave both empty")
        return cleaned

    def preview(self, facts: dict) -> dict:
        """A home's public page facts (public/profile.py) with this form's values, unsaved."""
        return facts | {name: self.cleaned_data[name] for name in self._meta.fields}
