"""The return's form, made from the definition for one month and one kind of location (a care
home or a home-care agency): a field per question asked."""

import datetime

from django import forms

from returns import definition
from tracker.forms import NhsFormMixin

MOST_A_COUNT_CAN_BE = 100_000  # a field's own bound, before the per-bed check gives a kinder message


def count_field(question: definition.Question) -> forms.IntegerField:
    return forms.IntegerField(
        label=question.label, help_text=question.hint, min_value=0, max_value=MOST_A_COUNT_CAN_BE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={
            "required": f"Answer “{question.label}”: 0 if there are none",
            "invalid": f"“{question.label}” must be a whole number, like 12",
            "min_value": f"“{question.label}” must be 0 or more",
            "max_value": f"“{question.label}” is more than {MOST_A_COUNT_CAN_BE:,}: check it",
        },
    )  # fmt: skip


class ReturnForm(NhsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, month: datetime.date, kind: str, beds: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.month, self.kind, self.beds = month, kind, beds
        for question in definition.questions_for(month, kind):
            if question.kind == definition.COUNT:
                self.fields[question.key] = count_field(question)
            else:
                self.fields[question.key] = forms.ChoiceField(
                    label=question.label, help_text=question.hint, choices=question.choices,
                    widget=forms.RadioSelect, error_messages={"required": f"Answer “{question.label}”"},
                )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for key, message in definition.problems(self.answers(), self.month, kind=self.kind, beds=self.beds).items():
                self.add_error(key, message)
        return cleaned

    def answers(self) -> dict:
        return {
            question.key: self.cleaned_data.get(question.key)
            for question in definition.questions_for(self.month, self.kind)
        }

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields in the notice's groups, for the page's fieldsets."""
        return [(group, [self[question.key] for question in questions])
                for group, questions in definition.groups_for(self.month, self.kind)]  # fmt: skip


class UploadForm(NhsFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of your returns",
        help_text="One row per care home or home-care agency, with the columns of the template below",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"empty": "The file is empty", "required": "Choose a CSV file to upload"},
    )
