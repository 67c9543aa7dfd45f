import datetime

from django import forms
from django.utils import timezone

from enquiries.models import MAX_HOMES, AgeBand, DeclineReason, Enquiry, Funding, Pathway
from homes.models import CareHome
from tracker.forms import NhsFormMixin
from tracker.patient_identifiers import refuse_patient_identifiers
from vacancies.models import CareCategory

HOLD_HOURS = [(4, "4 hours"), (8, "8 hours"), (12, "12 hours"), (24, "24 hours"), (48, "48 hours"), (72, "72 hours")]
NEEDED_WITHIN = datetime.timedelta(days=60)


class EnquiryForm(NhsFormMixin, forms.ModelForm):
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
        choices = list(teams[:2])
        # A coordinator in one team (nearly all) is not asked which team: the enquiry is theirs.
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

    def clean_homes(self):
        homes = self.cleaned_data["homes"]
        if len(homes) > MAX_HOMES:
            raise forms.ValidationError(f"Choose at most {MAX_HOMES} homes: you chose {len(homes)}")
        return list(homes)

    def clean_reference(self):
        return refuse_patient_identifiers(self.cleaned_data["reference"])

    def clean_care_needs(self):
        return refuse_patient_identifiers(self.cleaned_data["care_needs"])

    def clean_contact(self):
        return refuse_patient_identifiers(self.cleaned_data["contact"])

    def clean_needed_from(self):
        needed = self.cleaned_data["needed_from"]
        today = timezone.localdate()
        if needed < today:
            raise forms.ValidationError("The date a bed is needed from must be today or later")
        if needed > today + NEEDED_WITHIN:
            raise forms.ValidationError("Send an enquiry at most 60 days before the bed is needed")
        return needed

    def sending_team(self):
        """The team the enquiry is sent from."""
        return self.only_team or self.cleaned_data["team"]

    def details(self) -> dict:
        """The enquiry's own fields, for enquiries.flows.send."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


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
    reason = forms.ChoiceField(label="Why", choices=DeclineReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Anything to add", max_length=300, required=False,
                           help_text="Needed when the reason is Other")  # fmt: skip

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
