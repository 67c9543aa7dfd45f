"""NHS.UK form styling for Django forms.

Forms mix in NhsFormMixin; templates/django/forms/ renders them with the
design system's markup (label, hint, error message by the field, error
summary at the top). Nothing here is specific to one form.
"""

import functools

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict, skip=("id", "class")) -> str:
    """Widget attributes as HTML, escaped, as Django's attrs.html renders them."""
    parts = [
        format_html(' {}="{}"', name, value) if value is not True else format_html(" {}", name)
        for name, value in attrs.items()
        if name not in skip and value is not False and value is not None
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every part is format_html-escaped


@functools.lru_cache(maxsize=32)
def _long_select_options(choices: tuple) -> tuple[tuple[str, str, str], ...]:
    """(value, option HTML, option HTML when selected) for each choice, escaped once per process."""
    return tuple(
        (
            str(value),
            *(
                format_html('<option value="{}"{}>{}</option>', value, selected, label)
                for selected in ("", " selected")
            ),
        )
        for value, label in choices
    )


class FastSelect(forms.Select):
    """A select whose options' HTML is made once per process and reused (the
    search form's 153 councils were its slowest field); only which one is
    selected is worked out per form. Its choices must be flat (no groups)."""

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not Select's per-option dicts
        selected = set(context["widget"]["value"])
        context["widget"]["options_html"] = mark_safe(  # noqa: S308 - every option is format_html-escaped
            "".join(
                chosen if value in selected else plain
                for value, plain, chosen in _long_select_options(tuple(self.choices))
            )
        )
        return context


def _input(widget: dict) -> str:
    """Django's input.html and attrs.html, in one format_html."""
    value = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs(widget["attrs"], skip=()),
    )


def _select(widget: dict) -> str:
    if "options_html" in widget:
        return _select_start(widget) + widget["options_html"] + mark_safe("</select>")
    options = [
        format_html(
            '<option value="{}"{}>{}</option>',
            option["value"],
            " selected" if option["selected"] else "",
            option["label"],
        )
        for _group, group_options, _index in widget["optgroups"]
        for option in group_options
    ]
    return _select_start(widget) + "".join(options) + mark_safe("</select>")


def _select_start(widget: dict) -> str:
    attrs = widget["attrs"]
    return format_html(
        '<select name="{}" id="{}" class="{}"{}>',
        widget["name"],
        attrs.get("id", ""),
        attrs.get("class", ""),
        _attrs(attrs),
    )


def _choices(kind: str, group: str):
    """Checkboxes (kind "checkbox", group "checkboxes") or radios ("radio", "radios")."""
    item = (
        '<div class="nhsuk-{group}__item"><input class="nhsuk-{group}__input" type="{kind}" name="{}" value="{}" '
        'id="{}"{}{}><label class="nhsuk-label nhsuk-{group}__label" for="{}">{}</label></div>'
    )

    def render(widget: dict) -> str:
        extra = _attrs(widget["attrs"])
        items = [
            format_html(
                item,
                option["name"],
                option["value"],
                option["attrs"]["id"],
                " checked" if option["selected"] else "",
                extra,
                option["attrs"]["id"],
                option["label"],
                kind=kind,
                group=group,
            )
            for _group, options, _index in widget["optgroups"]
            for option in options
        ]
        start = format_html('<div class="nhsuk-{group} nhsuk-{group}--small" data-module="nhsuk-{group}">', group=group)
        return start + "".join(items) + mark_safe("</div>")

    return render


def _error_message(field) -> str:
    if not field.errors:
        return ""
    messages = mark_safe(  # noqa: S308 - each part is format_html-escaped
        "<br>".join(
            format_html('<span class="nhsuk-u-visually-hidden">Error:</span> {}', error) for error in field.errors
        )
    )
    return format_html('<span class="nhsuk-error-message" id="{}-error">{}</span>', field.auto_id, messages)


def _hint(field, css_class: str = "nhsuk-hint") -> str:
    if not field.help_text:
        return ""
    return format_html('<div class="{}" id="{}_helptext">{}</div>', css_class, field.auto_id, field.help_text)


def _field_group(field) -> str:
    """A field with its label, hint and error message, as the design system lays them out."""
    group = format_html('<div class="nhsuk-form-group{}">', " nhsuk-form-group--error" if field.errors else "")
    widget_type = field.widget_type
    if widget_type in ("checkboxselectmultiple", "radioselect"):
        described = " ".join(
            ([f"{field.auto_id}_helptext"] if field.help_text else [])
            + ([f"{field.auto_id}-error"] if field.errors else [])
        )
        return group + format_html(
            '<fieldset class="nhsuk-fieldset"{}><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{}'
            "</legend>{}{}{}</fieldset></div>",
            format_html(' aria-describedby="{}"', described) if described else "",
            field.label, _hint(field), _error_message(field), str(field),
        )  # fmt: skip
    if widget_type == "checkbox":
        return group + format_html(
            '{}<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes"><div class="nhsuk-checkboxes__item">{}'
            '<label class="nhsuk-label nhsuk-checkboxes__label" for="{}">{}</label>{}</div></div></div>',
            _error_message(field), str(field), field.id_for_label, field.label,
            _hint(field, "nhsuk-hint nhsuk-checkboxes__hint"),
        )  # fmt: skip
    optional = not field.field.required and not field.field.disabled and not getattr(field.form, "all_optional", False)
    return group + format_html(
        '<label class="nhsuk-label" for="{}">{}{}</label>{}{}{}</div>',
        field.id_for_label, field.label, " (optional)" if optional else "", _hint(field), _error_message(field),
        str(field),
    )  # fmt: skip


_REMEMBERED: dict[tuple, str] = {}
_REMEMBERED_MAX = 2000


def _remembered_field_group(field) -> str:
    """A field group made once per process for each valid value.

    Only for fields a form lists in ``same_html_for_same_value``: fields whose
    markup depends on nothing but their value (fixed choices, no per-user or
    per-request content). The search form's filters are rendered on every full
    page load with a handful of values each. A field with an error is made
    afresh (so nonsense in a URL cannot fill the memory).
    """
    if field.errors:
        return _field_group(field)
    value = field.value()
    form = field.form
    key = (
        type(form),
        form.prefix,
        form.auto_id,
        field.name,
        tuple(value) if isinstance(value, list | tuple) else value,
    )
    if (html := _REMEMBERED.get(key)) is None:
        html = _field_group(field)
        if len(_REMEMBERED) < _REMEMBERED_MAX:
            _REMEMBERED[key] = html
    return html


class NhsFormRenderer(TemplatesSetting):
    """{{ form }} and {{ form.field.as_field_group }} in design-system markup.

    Field groups and the select, checkbox and radio widgets are rendered in
    Python: through templates, the search form's thirteen fields (and 153
    councils) took longer than the rest of its page.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"  # rendered by _field_group
    fast_widgets = {
        **{
            f"django/forms/widgets/{kind}.html": _input
            for kind in ("text", "number", "email", "password", "url", "tel", "search", "hidden", "date", "time")
        },
        "django/forms/widgets/select.html": _select,
        "forms/widgets/checkboxes.html": _choices("checkbox", "checkboxes"),
        "forms/widgets/radios.html": _choices("radio", "radios"),
    }

    def render(self, template_name, context, request=None):
        if template_name == self.field_template_name and "field" in context:
            field = context["field"]
            if field.name in getattr(field.form, "same_html_for_same_value", ()):
                return _remembered_field_group(field)
            return _field_group(context["field"])
        fast = self.fast_widgets.get(template_name)
        if fast is not None and "widget" in context:
            return fast(context["widget"])
        return super().render(template_name, context, request=request)


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
# Names the renderer answers in Python (fast_widgets) for the first two; the single checkbox is a template.
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
            hint_id = f"{self[name].auto_id}_helptext" if self.fields[name].help_text else ""
            described = widget.attrs.get("aria-describedby", hint_id)  # Django's own: the hint, if any
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
