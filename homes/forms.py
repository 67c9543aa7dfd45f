import datetime

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from accounts import permissions
from accounts.roles import Roles, roles_for
from homes.cqc import normalise_cqc_id, normalise_phone
from homes.models import CareHomeChange, display_value
from homes.postcodes import locate_postcode, normalise_postcode
from registers.choices import (
    NOT_KNOWN,
    SERVICE_TYPES_OF,
    UNRATED,
    CqcRating,
    Facility,
    Funding,
    LocationKind,
    ServiceUserBand,
)
from registers.models import CQC_FACTS, CareHome, Provider
from tracker.forms import NhsFormMixin

# The fields a home's own staff keep current (not its CQC ID, provider or council, and
# none of CQC's facts: registers.models.CQC_FACTS come from CQC, see CqcFactsForm).
DETAIL_FIELDS = [
    "name",
    "address_line_1",
    "address_line_2",
    "town",
    "county",
    "postcode",
    "phone",
    "email",
    "website",
    "service_type",
    "service_user_bands",
    "funding_accepted",
    "description",
]


def _checkboxes(choices, label, help_text=""):
    return forms.MultipleChoiceField(
        choices=choices, label=label, help_text=help_text, required=False, widget=forms.CheckboxSelectMultiple
    )


class CareHomeDetailsForm(NhsFormMixin, forms.ModelForm):
    """A home's details, as its staff and council keep them."""

    postcode = forms.CharField(
        label="Postcode",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}),
    )
    phone = forms.CharField(
        label="Phone",
        max_length=30,
        help_text="The number a discharge team should call about vacancies",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "nhsuk-input--width-20"}),
    )
    # A care home's: an agency's is domiciliary care, set when it is onboarded (ADR 019).
    service_type = forms.ChoiceField(
        choices=[(kind.value, kind.label) for kind in SERVICE_TYPES_OF[LocationKind.CARE_HOME]],
        label="CQC service type",
        widget=forms.RadioSelect,
    )
    service_user_bands = _checkboxes(
        ServiceUserBand.choices, "Service user bands", "The groups of people CQC registers the home to care for."
    )
    funding_accepted = _checkboxes(Funding.choices, "Funding accepted")
    facilities = _checkboxes(Facility.choices, "Facilities")

    class Meta:
        model = CareHome
        fields = DETAIL_FIELDS
        widgets = {
            "visiting_arrangements": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"description": "What a discharge coordinator should know, in a few sentences."}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.place = None
        super().__init__(*args, **kwargs)

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError("Enter a full UK postcode, like LS6 2AD")
        self.place = locate_postcode(postcode)
        if self.place is None or self.place.local_authority_id is None:
            raise forms.ValidationError(f"We cannot find the postcode {postcode} in England. Check it and try again.")
        return postcode

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError("Enter a UK phone number, like 0113 496 0000")
        return phone


class VersionedSaveMixin:
    """A form over some of a home's fields that two people can use at once without either
    losing their work: saving checks the version the form was loaded at (a hidden field),
    records each changed field in the home's history, and moves the version on.
    ``Meta.fields`` are the fields it saves."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        self.conflicting_changes: list[CareHomeChange] = []
        self.saved_changes: list[CareHomeChange] = []

    def save(self, commit=True):
        raise NotImplementedError("use save_versioned(), which refuses lost updates")

    def before_versioned_save(self, current: CareHome) -> None:
        """Anything else to set on the home when some field changed."""

    def history_details(self) -> dict:
        """Other fields of the history rows this save writes (CareHomeChange's source...)."""
        return {}

    @transaction.atomic
    def save_versioned(self) -> bool:
        """Save if nobody else saved since this form was loaded. False on a conflict,
        with self.conflicting_changes holding what the other person changed."""
        current = CareHome.locations.select_for_update().get(pk=self.instance.pk)
        loaded_version = self.cleaned_data["version"]
        if current.version != loaded_version:
            self.conflicting_changes = list(
                current.changes.filter(version__gt=loaded_version).select_related("changed_by").order_by("id")
            )
            # Show the current version's values as the base for a second attempt.
            self.data = self.data.copy()
            self.data["version"] = current.version
            return False
        changes = []
        for name in self._meta.fields:
            if name not in self.fields:
                continue  # not this kind of location's (an agency's service type)
            old, new = getattr(current, name), self.cleaned_data[name]
            if old != new:
                changes.append((name, display_value(current, name, old), display_value(current, name, new)))
                setattr(current, name, new)
        if not changes:
            return True
        self.before_versioned_save(current)
        current.version += 1
        current.save()
        self.saved_changes = CareHomeChange.objects.bulk_create(
            CareHomeChange(
                home=current, changed_by=self.user, version=current.version, field=name, old_value=old,
                new_value=new, **self.history_details(),
            )
            for name, old, new in changes
        )  # fmt: skip
        self.instance = current
        return True


class EditCareHomeForm(VersionedSaveMixin, CareHomeDetailsForm):
    """Editing an existing home (or agency): the council stays the same, and two people
    editing at once cannot overwrite each other (the version must match)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_agency:  # domiciliary care, always (ADR 019)
            del self.fields["service_type"]
            self.fields["phone"].help_text = "The number a discharge team should call about new packages"

    def clean(self):
        cleaned = super().clean()
        if self.place and self.place.local_authority_id != self.instance.local_authority_id:
            self.add_error(
                "postcode",
                f"This postcode is outside {self.instance.local_authority}. "
                "A home that moves council must be onboarded again by its new council.",
            )
        return cleaned

    def before_versioned_save(self, current: CareHome) -> None:
        current.latitude, current.longitude = self.place.latitude, self.place.longitude


def _rating_choice(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A rating, or None (not known)."""
    return forms.TypedChoiceField(
        label=label, choices=[("", NOT_KNOWN), *CqcRating.choices], required=False, empty_value=None,
        help_text=help_text,
    )  # fmt: skip


def _past_date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def correcting_for(roles: Roles, home: CareHome) -> str:
    """Whom a correction of ``home``'s CQC facts is made for: its council, or the national service."""
    if permissions.acts_for_council(roles, home.local_authority_id):
        return home.local_authority.name
    return "the national service"


class CqcFactsForm(VersionedSaveMixin, NhsFormMixin, forms.ModelForm):
    """A council or service admin puts right what an import got wrong about CQC's facts,
    saying why. The home's history and the audit trail keep who, for whom and why; the
    home's own staff have no form that reaches these fields."""

    cqc_rating = _rating_choice("Overall rating", "Not known: no CQC data has given it. Not yet rated: CQC says so.")
    cqc_rating_date = _past_date("Date of the rating", "The date of CQC's report, for example 2024-03-27")
    rating_safe = _rating_choice("Safe")
    rating_effective = _rating_choice("Effective")
    rating_caring = _rating_choice("Caring")
    rating_responsive = _rating_choice("Responsive")
    rating_well_led = _rating_choice("Well-led")
    last_inspection_date = _past_date("Date of the last inspection", "Leave empty when not known")
    registered_beds = forms.IntegerField(
        label="Registered beds",
        required=False,
        min_value=0,
        max_value=2000,
        help_text="The number of beds CQC registers the home for. Leave empty when not known",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )
    reason = forms.CharField(
        label="Why are you correcting them?",
        max_length=500,
        help_text="For example: our file had last year's rating; CQC's page says Requires improvement from 2 May 2025",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you are correcting CQC's facts: the home's history keeps it"},
    )

    class Meta:
        model = CareHome
        fields = CQC_FACTS

    def __init__(self, *args, user, organisation: str, **kwargs):
        self.user = user
        self.organisation = organisation
        super().__init__(*args, **kwargs)
        if self.instance.is_agency:
            del self.fields["registered_beds"]  # CQC registers no beds for home care

    def clean_cqc_rating_date(self):
        rated = self.cleaned_data["cqc_rating_date"]
        if rated and rated > timezone.localdate():
            raise forms.ValidationError("The date of the rating must be today or in the past")
        if rated and rated < datetime.date(2010, 10, 1):
            raise forms.ValidationError("CQC ratings started in October 2010: check the date")
        return rated

    def clean_last_inspection_date(self):
        inspected = self.cleaned_data["last_inspection_date"]
        if inspected and inspected > timezone.localdate():
            raise forms.ValidationError("The date of the last inspection must be today or in the past")
        return inspected

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Say why you are correcting CQC's facts: the home's history keeps it")
        return reason

    def clean(self):
        cleaned = super().clean()
        rating = cleaned.get("cqc_rating")
        if (
            rating
            and rating not in UNRATED
            and not cleaned.get("cqc_rating_date")
            and "cqc_rating_date" not in self.errors
        ):
            self.add_error("cqc_rating_date", "Enter the date of the rating: a rating is always shown with its date")
        if rating in (None, CqcRating.NOT_YET_RATED) and "cqc_rating" not in self.errors:
            cleaned["cqc_rating_date"] = None  # no report to date
        if not self.errors and all(cleaned.get(name) == getattr(self.instance, name) for name in CQC_FACTS):
            raise forms.ValidationError("Nothing is different from what the portal has: change a fact, or go back")
        return cleaned

    def history_details(self) -> dict:
        return {
            "source": CareHomeChange.Source.CORRECTION,
            "organisation": self.organisation,
            "note": self.cleaned_data["reason"],
        }


class AddCareHomeForm(CareHomeDetailsForm):
    """A council admin onboards a home in their area."""

    cqc_location_id = forms.CharField(
        label="CQC location ID", max_length=20, help_text="Starts 1- then digits, like 1-101234567"
    )
    provider_name = forms.CharField(label="Provider (organisation) name", max_length=200)
    cqc_provider_id = forms.CharField(
        label="CQC provider ID", max_length=20, required=False, help_text="Starts 1- then digits, like 1-101234567"
    )

    field_order = ["cqc_location_id", "name", "provider_name", "cqc_provider_id"]

    class Meta(CareHomeDetailsForm.Meta):
        fields = DETAIL_FIELDS

    def clean_cqc_location_id(self):
        cqc_id = normalise_cqc_id(self.cleaned_data["cqc_location_id"])
        if cqc_id is None:
            raise forms.ValidationError("Enter a CQC location ID that starts 1- and then digits, like 1-101234567")
        existing = CareHome.locations.filter(cqc_location_id=cqc_id).first()
        if existing and existing.is_agency:
            raise forms.ValidationError(f"A home-care agency with CQC location ID {cqc_id} is already registered")
        if existing:
            raise forms.ValidationError(
                format_html(
                    'A home with CQC location ID {} is already registered: <a href="{}">{}</a>',
                    cqc_id,
                    existing.page_url,
                    existing.name,
                )
            )
        return cqc_id

    def clean_cqc_provider_id(self):
        text = self.cleaned_data["cqc_provider_id"]
        if not text.strip():
            return None
        cqc_id = normalise_cqc_id(text)
        if cqc_id is None:
            raise forms.ValidationError("Enter a CQC provider ID that starts 1- and then digits, like 1-101234567")
        return cqc_id

    def clean(self):
        cleaned = super().clean()
        roles = roles_for(self.user)
        if self.place and not permissions.may_onboard_in(roles, self.place.local_authority_id):
            from registers.models import LocalAuthority

            where = LocalAuthority.objects.get(pk=self.place.local_authority_id)
            self.add_error("postcode", f"This postcode is in {where}. You can only add homes in your own council area.")
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        home = super().save(commit=False)
        provider_id = self.cleaned_data["cqc_provider_id"]
        if provider_id:
            provider, _ = Provider.objects.get_or_create(
                cqc_provider_id=provider_id, defaults={"name": self.cleaned_data["provider_name"]}
            )
        else:
            provider = Provider.objects.create(name=self.cleaned_data["provider_name"])
        home.provider = provider
        home.cqc_location_id = self.cleaned_data["cqc_location_id"]
        home.local_authority_id = self.place.local_authority_id
        home.latitude, home.longitude = self.place.latitude, self.place.longitude
        home.save()
        CareHomeChange.objects.create(
            home=home, changed_by=self.user, version=home.version, field="onboarded", new_value=home.name
        )
        return home
