import datetime

from django import forms
from django.utils import timezone

from enquiries import flows
from enquiries.models import (
    DECLINE_REASONS,
    MARKET_AGENCIES,
    MAX_HOMES,
    AgeBand,
    CallTime,
    DeclineReason,
    Enquiry,
    Funding,
    Kind,
    Pathway,
)
from homecare.forms import hours_field, postcode_district, whole_quarters
from homecare.models import Care
from registers.models import CareHome
from tracker.forms import NhsFormMixin
from tracker.patient_identifiers import refuse_patient_identifiers
from vacancies.models import CareCategory

HOLD_HOURS = [(4, "4 hours"), (8, "8 hours"), (12, "12 hours"), (24, "24 hours"), (48, "48 hours"), (72, "72 hours")]
NEEDED_WITHIN = datetime.timedelta(days=60)


class FromATeam:
    """What a team's request has, bed or package: the team it is from (asked only of someone
    in two teams or more), and free text that never identifies the person (reference, needs,
    contact: tracker/patient_identifiers.py)."""

    def from_one_of(self, teams) -> None:
        choices = list(teams[:2])
        # A coordinator in one team (nearly all) is not asked which team: the request is theirs.
        self.only_team = choices[0] if len(choices) == 1 else None
        if self.only_team is not None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams
        if not self.is_bound:
            self.initial.setdefault("needed_from", timezone.localdate())
            if choices:
                self.initial.setdefault("team", choices[0].pk)
                self.initial.setdefault("contact", choices[0].contact)

    def sending_team(self):
        """The team the request is sent from."""
        return self.only_team or self.cleaned_data["team"]

    def clean_reference(self):
        return refuse_patient_identifiers(self.cleaned_data["reference"])

    def clean_care_needs(self):
        return refuse_patient_identifiers(self.cleaned_data["care_needs"])

    def clean_contact(self):
        return refuse_patient_identifiers(self.cleaned_data["contact"])


class EnquiryForm(FromATeam, NhsFormMixin, forms.ModelForm):
    """A team's enquiry. ``homes`` are the homes it may go to (those the coordinator chose
    in search or on their shortlist); 1 to 10 of them are ticked."""

    homes = forms.ModelMultipleChoiceField(
        label="Send it to", queryset=CareHome.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {MAX_HOMES} homes",
        error_messages={"required": "Choose at least one home to send the enquiry to"},
    )  # fmt: skip
    team = forms.ModelChoiceField(label="From the team", queryset=None, empty_label=None)
    category = forms.ChoiceField(label="Care category", choices=[("", "Choose a care category"), *CareCategory.choices])
    sex = forms.ChoiceField(label="Sex", choices=[("female", "Female"), ("male", "Male")], widget=forms.RadioSelect)
    age_band = forms.ChoiceField(label="Age", choices=AgeBand.choices, widget=forms.RadioSelect,
                                 help_text="An age band, never a date of birth")  # fmt: skip
    funding = forms.ChoiceField(label="Funding", choices=Funding.choices, widget=forms.RadioSelect)
    pathway = forms.ChoiceField(label="Discharge pathway", choices=Pathway.choices, widget=forms.RadioSelect)
    needed_from = forms.DateField(label="Bed needed from", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Enquiry
        fields = ["reference", "category", "sex", "age_band", "funding", "pathway", "needed_from", "care_needs",
                  "contact"]  # fmt: skip
        widgets = {"care_needs": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "care_needs": "What the home needs to know to decide, in a few lines: mobility, care, behaviour, "
            "equipment. No names, dates of birth or NHS numbers.",
            "reference": "Your own reference, for example a ward and bay: never a name or an NHS number",
        }

    field_order = ["homes", "team", "reference", "category", "sex", "age_band", "funding", "pathway",
                   "needed_from", "care_needs", "contact"]  # fmt: skip

    def __init__(self, *args, homes, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homes"].queryset = homes
        self.fields["homes"].label_from_instance = lambda home: f"{home.name}, {home.town} {home.postcode}"
        self.from_one_of(teams)

    def clean_homes(self):
        homes = self.cleaned_data["homes"]
        if len(homes) > MAX_HOMES:
            raise forms.ValidationError(f"Choose at most {MAX_HOMES} homes: you chose {len(homes)}")
        return list(homes)

    def clean_needed_from(self):
        return _soon(self.cleaned_data["needed_from"], "The date a bed is needed from must be today or later",
                     "Send an enquiry at most 60 days before the bed is needed")  # fmt: skip

    def details(self) -> dict:
        """The enquiry's own fields, for enquiries.flows.send."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def _soon(date: datetime.date, past: str, too_far: str) -> datetime.date:
    today = timezone.localdate()
    if date < today:
        raise forms.ValidationError(past)
    if date > today + NEEDED_WITHIN:
        raise forms.ValidationError(too_far)
    return date


def package_hours(value, missing: str):
    """Hours a week for a package, or offered for one: more than none, at most a week's, in
    whole quarter-hours (the field says each)."""
    if value is not None and value <= 0:
        raise forms.ValidationError(missing)
    return whole_quarters(value)


class PackageRequestForm(FromATeam, NhsFormMixin, forms.Form):
    """A team's package request (issue 26): what the care is, never who the person is. It
    goes to the agencies ticked (those chosen in Find home care or on the home-care shortlist)
    or to the market: every agency covering the district with new hours to take on, giving
    the care (``flows.market``)."""

    send_to = forms.ChoiceField(
        label="Send it to",
        choices=[
            ("market", f"Every agency covering the district that can take on new hours now (up to {MARKET_AGENCIES})"),
            ("chosen", "Only the agencies I choose"),
        ],
        widget=forms.RadioSelect, initial="market",
    )  # fmt: skip
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies", queryset=CareHome.objects.none(), widget=forms.CheckboxSelectMultiple, required=False,
        help_text=f"When you choose: up to {MAX_HOMES}",
    )  # fmt: skip
    team = forms.ModelChoiceField(label="From the team", queryset=None, empty_label=None)
    reference = forms.CharField(
        label="Your reference", max_length=40,
        help_text="Your own reference, for example a ward and bay: never a name or an NHS number",
    )  # fmt: skip
    district = forms.CharField(
        label="Where the person lives: postcode district", max_length=10,
        help_text="Like LS6. A full postcode is cut to its district: only the district is sent.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )  # fmt: skip
    hours_a_week = hours_field("Hours of care a week", "In whole quarter-hours, like 10.5", required=True)
    calls_a_day = forms.TypedChoiceField(
        label="Calls a day", choices=[(n, str(n)) for n in range(1, 9)], coerce=int, initial=4,
    )  # fmt: skip
    call_times = forms.MultipleChoiceField(
        label="When the calls are", choices=CallTime.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose when the calls are"},
    )  # fmt: skip
    carers_per_call = forms.TypedChoiceField(
        label="Carers per call", choices=[(1, "1 carer"), (2, "2 carers")], coerce=int, widget=forms.RadioSelect,
        initial=1,
    )  # fmt: skip
    needed_from = forms.DateField(
        label="Start date", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date the care should start", "invalid": "Enter a real date"},
    )  # fmt: skip
    care_needed = forms.MultipleChoiceField(
        label="Care needed", choices=[c for c in Care.choices if c[0] != "two_carers"], required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Two carers a call is asked above",
    )  # fmt: skip
    funding = forms.ChoiceField(
        label="Funding", choices=[c for c in Funding.choices if c[0] != Funding.FNC], widget=forms.RadioSelect
    )
    care_needs = forms.CharField(
        label="What the agency needs to know", max_length=600, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In a few lines: mobility, equipment, access to the home. No names, dates of birth or NHS numbers.",
    )  # fmt: skip
    contact = forms.CharField(label="Contact", max_length=200, help_text="Who the agency should call or email")

    def __init__(self, *args, agencies, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.recipients: list = []
        if agencies.exists():
            self.fields["agencies"].queryset = agencies
            self.fields["agencies"].label_from_instance = lambda agency: f"{agency.name}, {agency.town}"
        else:  # none chosen or shortlisted: the market is the only choice, not asked
            del self.fields["send_to"], self.fields["agencies"]
        self.from_one_of(teams)

    def clean_district(self):
        return postcode_district(self.cleaned_data["district"], "is not a postcode district in England, like LS6")

    def clean_hours_a_week(self):
        return package_hours(self.cleaned_data["hours_a_week"], "Enter the hours a week the package needs")

    def clean_needed_from(self):
        return _soon(self.cleaned_data["needed_from"], "The start date cannot be in the past",
                     "Send a package request at most 60 days before the care starts")  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("agencies") or [])
        if self.destination() == "chosen":
            if not chosen:
                self.add_error("agencies", "Choose at least one agency, or send it to every agency with capacity")
            elif len(chosen) > MAX_HOMES:
                self.add_error("agencies", f"Choose at most {MAX_HOMES} agencies: you chose {len(chosen)}")
            self.recipients = chosen
        elif self.destination() == "market" and not self.errors:
            self.recipients = flows.market(self.package())
            if not self.recipients:
                self.add_error(
                    "send_to" if "send_to" in self.fields else "district",
                    f"No agency covering {cleaned['district']} can take on new hours for this care now. "
                    "Choose agencies from Find home care, or send it later.",
                )
        return cleaned

    def destination(self) -> str | None:
        return self.cleaned_data.get("send_to") if "send_to" in self.fields else "market"

    def details(self) -> dict:
        """The enquiry's own fields, for enquiries.flows.send."""
        return {name: self.cleaned_data[name] for name in ["reference", "needed_from", "funding", "care_needs",
                                                           "contact"]}  # fmt: skip

    def package(self) -> dict:
        """The package's fields (a ``Package``), for enquiries.flows.send."""
        data = self.cleaned_data
        return {
            "district_id": data["district"], "hours_a_week": data["hours_a_week"],
            "calls_a_day": data["calls_a_day"], "call_times": data["call_times"],
            "carers_per_call": data["carers_per_call"], "care_needed": data.get("care_needed") or [],
            "to_market": self.destination() == "market",
        }  # fmt: skip


class OfferForm(NhsFormMixin, forms.Form):
    """An agency's offer for a package: when it can start and the hours a week it can cover."""

    start = forms.DateField(
        label="We can start on", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date you can start", "invalid": "Enter a real date"},
    )  # fmt: skip
    hours = hours_field("Hours a week we can cover", "All the package asks, or the part you can", required=True)

    def __init__(self, *args, package, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("hours", package.hours_a_week.normalize())
            self.initial.setdefault("start", max(package.enquiry.needed_from, timezone.localdate()))
        self.package = package

    def clean_start(self):
        return _soon(self.cleaned_data["start"], "The start date cannot be in the past",
                     "Offer a start within 60 days")  # fmt: skip

    def clean_hours(self):
        hours = package_hours(self.cleaned_data["hours"], "Enter the hours a week you can cover")
        if hours is not None and hours > self.package.hours_a_week:
            asked = self.package.hours_a_week.normalize()
            raise forms.ValidationError(f"The package is {asked:f} hours a week: offer {asked:f} or fewer")
        return hours


class AcceptForm(NhsFormMixin, forms.Form):
    category = forms.ChoiceField(label="Offer a bed in", choices=())
    hours = forms.TypedChoiceField(
        label="Hold it for", choices=HOLD_HOURS, coerce=int, initial=24, widget=forms.RadioSelect,
        help_text="The bed is held for the team until then, then offered to others again by itself",
    )  # fmt: skip

    def __init__(self, *args, categories, wanted, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(value, CareCategory(value).label) for value in categories]
        if wanted in categories:
            self.initial.setdefault("category", wanted)


class DeclineForm(NhsFormMixin, forms.Form):
    reason = forms.ChoiceField(label="Why", choices=(), widget=forms.RadioSelect)
    note = forms.CharField(label="Anything to add", max_length=300, required=False,
                           help_text="Needed when the reason is Other")  # fmt: skip

    def __init__(self, *args, kind: str = Kind.BED, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(reason.value, reason.label) for reason in DECLINE_REASONS[kind]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == DeclineReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why, when the reason is Other")
        return cleaned

    def clean_note(self):
        return refuse_patient_identifiers(self.cleaned_data["note"].strip())


class MessageForm(NhsFormMixin, forms.Form):
    text = forms.CharField(label="Message", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        return refuse_patient_identifiers(self.cleaned_data["text"].strip())


class TeamMessageForm(MessageForm):
    referral = forms.ModelChoiceField(label="To", queryset=None, empty_label=None)

    field_order = ["referral", "text"]

    def __init__(self, *args, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals.select_related("home")
        self.fields["referral"].label_from_instance = lambda referral: referral.home.name
