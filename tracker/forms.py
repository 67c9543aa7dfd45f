"""NHS.UK form styling for Django forms.

Forms mix in NhsFormMixin; templates/django/forms/ renders them with the
design system's markup (label, hint, error message by the field, error
summary at the top). Nothing here is specific to one form.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input


class NhsFormRenderer(TemplatesSetting):
    """{{ form }} and {{ form.field.as_field_group }} in design-system markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


WIDGET_CLASSES = {
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.Textarea: "nhsuk-textarea",
    forms.ClearableFileInput: "nhsuk-file-upload",
    forms.FileInput: "nhsuk-file-upload",
    Input: "nhsuk-input",
}
ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-select": "nhsuk-select--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-file-upload": "nhsuk-file-upload--error",
}
WIDGET_TEMPLATES = {
    forms.CheckboxSelectMultiple: "forms/widgets/checkboxes.html",
    forms.RadioSelect: "forms/widgets/radios.html",
    forms.CheckboxInput: "forms/widgets/checkbox.html",
}
GROUPED_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.CheckboxInput)


def _base_class(widget) -> str | None:
    if isinstance(widget, GROUPED_WIDGETS):
        return None  # their own templates carry the markup
    for widget_type, css_class in WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css_class
    return None


class NhsFormMixin:
    """Design-system classes on every widget, error classes and
    aria-describedby on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput) and field.widget.input_type == "date":
                field.widget.format = "%Y-%m-%d"  # what <input type="date"> reads, whatever the locale
            for widget_type, template_name in WIDGET_TEMPLATES.items():
                if type(field.widget) is widget_type:
                    field.widget.template_name = template_name
            css_class = _base_class(field.widget)
            if css_class:
                existing = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css_class} {existing}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            css_class = _base_class(widget)
            if css_class and ERROR_CLASSES[css_class] not in widget.attrs.get("class", ""):
                widget.attrs["class"] += " " + ERROR_CLASSES[css_class]
            described = widget.attrs.get("aria-describedby", "")
            error_id = f"{self[name].auto_id}-error"
            if error_id not in described:
                widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the fields."""
        items = []
        first_field = next(iter(self.fields), None)
        for message in self.non_field_errors():
            items.append((self[first_field].auto_id if first_field else "", message))
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                bound = self[name]
                anchor = bound.auto_id
                if isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                    anchor = f"{bound.auto_id}_0"
                items.append((anchor, message))
        return items
