"""NHS.UK form fields for our Django forms (every one mixes in NhsFormMixin).

Each field is presented here (``FieldView``: its label, hint, errors and their
ids, value, options) and drawn by the form components in
templates/components/nhsuk.jinja, through templates/forms/field.jinja, by a
Jinja2 form renderer. Django admin keeps Django's own renderer and widgets
(settings.FORM_RENDERER is Django's default). Nothing here is specific to one form.
"""

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.core.cache import caches
from django.forms.renderers import BaseRenderer
from django.forms.widgets import Input
from django.template import engines

# Field groups that depend on nothing but their value are kept this long in
# each process's memory (the search form's filters: settings.CACHES "local").
REMEMBER_SECONDS = 60 * 60

INPUT_TYPES = {"text", "number", "email", "password", "url", "tel", "search", "date", "time", "datetime-local"}


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class FieldView:
    """What the form components need to draw one field."""

    component: str  # the macro: input, textarea, select, choices, checkbox, file_upload or hidden
    name: str
    id: str
    label: str
    hint: str = ""
    errors: list = field(default_factory=list)
    optional: bool = False
    value: str | None = None
    type: str = "text"
    classes: str = ""
    attrs: dict = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    groups: list = field(default_factory=list)  # select: (group label or None, [(value, label)])
    selected: frozenset = frozenset()
    checked: bool = False
    kind: str = ""  # choices: checkboxes or radios

    @property
    def hint_id(self) -> str:
        return f"{self.id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        return " ".join(([self.hint_id] if self.hint else []) + ([self.error_id] if self.errors else []))

    @classmethod
    def of(cls, bound: forms.BoundField) -> "FieldView":
        widget, form_field = bound.field.widget, bound.field
        attrs = bound.build_widget_attrs(widget.attrs)
        attrs.pop("aria-describedby", None)
        classes = attrs.pop("class", "")
        view = cls(
            component="input",
            name=bound.html_name,
            id=attrs.pop("id", None) or bound.auto_id,
            label=str(bound.label),
            hint=form_field.help_text,
            errors=list(bound.errors),
            optional=not form_field.required
            and not form_field.disabled
            and not getattr(bound.form, "all_optional", False),
            classes=classes,
        )
        value = bound.value()
        if isinstance(widget, forms.HiddenInput):
            view.component, view.value = "hidden", widget.format_value(value)
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            view.component = "choices"
            view.kind = "checkboxes" if isinstance(widget, forms.CheckboxSelectMultiple) else "radios"
            chosen = set(widget.format_value(value))
            view.options = [
                Option(str(option_value), str(option_label), f"{view.id}_{index}", str(option_value) in chosen)
                for index, (option_value, option_label) in enumerate(_flat(form_field.choices))
            ]
            attrs.pop("required", None)  # on a group of boxes, "required" would demand every one
        elif isinstance(widget, forms.CheckboxInput):
            view.component, view.checked = "checkbox", widget.check_test(value)
        elif isinstance(widget, forms.Select):
            view.component = "select"
            view.groups = _groups(form_field.choices)
            view.selected = frozenset(widget.format_value(value))
        elif isinstance(widget, forms.Textarea):
            view.component, view.value = "textarea", widget.format_value(value)
        elif isinstance(widget, forms.FileInput):
            view.component = "file_upload"
        elif isinstance(widget, Input) and widget.input_type in INPUT_TYPES:
            view.type, view.value = widget.input_type, widget.format_value(value)
        else:
            raise TypeError(f"No NHS.UK component draws a {type(widget).__name__} ({bound.name})")
        if view.component not in ("choices", "hidden"):
            if view.component != "checkbox":  # a checkbox's id is its check_item's
                attrs = {"id": view.id, **attrs}
            if view.described_by:
                attrs["aria-describedby"] = view.described_by
        view.attrs = attrs
        return view


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


def _groups(choices) -> list:
    groups, loose = [], []
    for value, label in choices:
        if isinstance(label, list | tuple):
            if loose:
                groups.append((None, loose))
                loose = []
            groups.append((value, [(str(v), text) for v, text in label]))
        else:
            loose.append((str(value), label))
    if loose:
        groups.append((None, loose))
    return groups


class NhsFormRenderer(BaseRenderer):
    """Renders our forms and their field groups with the Jinja2 templates in templates/forms/."""

    form_template_name = "forms/form.jinja"
    field_template_name = "forms/field.jinja"

    def get_template(self, template_name):
        if template_name.startswith("django/forms/"):
            # A widget on its own ({{ form.version }}, a hidden field): Django's own markup.
            return engines["django"].get_template(template_name)
        return engines["jinja2"].get_template(template_name)

    def render(self, template_name, context, request=None):
        bound = context.get("field") if template_name == self.field_template_name else None
        if bound is None:
            return super().render(template_name, context, request=request)
        if bound.name not in getattr(bound.form, "same_html_for_same_value", ()) or bound.errors:
            return super().render(template_name, {**context, "view": FieldView.of(bound)}, request=request)
        # A field whose markup depends on its value alone (fixed choices, nothing per
        # person): drawn once per value and kept, under a key of everything it shows.
        key = "field:" + hashlib.sha256(repr(_drawn_from(bound)).encode()).hexdigest()
        cache = caches["local"]
        html = cache.get(key)
        if html is None:
            html = super().render(template_name, {**context, "view": FieldView.of(bound)}, request=request)
            cache.set(key, html, REMEMBER_SECONDS)
        return html


def _drawn_from(bound: forms.BoundField) -> tuple:
    """Everything a field's markup is made from: its form, name, id, label, hint, widget and its
    attributes, value, and (for its choices, which may come from the database) a digest of them."""
    choices = getattr(bound.field, "choices", ())
    return (
        type(bound.form).__qualname__, bound.html_name, bound.auto_id, str(bound.label), str(bound.field.help_text),
        type(bound.field.widget).__name__, tuple(sorted(bound.field.widget.attrs.items())), bound.field.required,
        repr(bound.value()), _digest(choices),
    )  # fmt: skip


def _digest(choices) -> int | None:
    if not choices:
        return None
    try:
        return hash(tuple(choices))
    except TypeError:  # grouped choices hold lists
        return hash(repr(list(choices)))


class _Unchanging(dict):
    """A form's declared fields, handed to each instance as they are, not deep-copied."""

    def __deepcopy__(self, memo):
        return dict(self)


def unchanging_fields(form_class):
    """For a form whose instances never change their fields (no choices, labels, widgets or
    initial values set per person or per request): each instance uses the declared fields
    themselves. Django deep-copies them for every instance so that one may change its own; the
    search form's thirteen cost about 0.35 ms of every search (a third of its building).
    tests/test_search.py checks that searching leaves them as declared."""
    form_class.base_fields = _Unchanging(form_class.base_fields)
    _dates_as_iso(form_class.base_fields)  # as each instance would: done once, at declaration
    return form_class


def _dates_as_iso(fields) -> None:
    for form_field in fields.values():
        if isinstance(form_field.widget, forms.DateInput) and form_field.widget.input_type == "date":
            form_field.widget.format = "%Y-%m-%d"  # what <input type="date"> reads, whatever the locale


class NhsFormMixin:
    """Our forms: drawn with NHS.UK components; an error summary in the order of the fields."""

    default_renderer = NhsFormRenderer()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates_as_iso(self.fields)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the order of the fields."""
        items = []
        first_field = next(iter(self.fields), None)
        for message in self.non_field_errors():
            items.append((self[first_field].auto_id if first_field else "", message))
        for name, form_field in self.fields.items():
            for message in self.errors.get(name, []):
                anchor = self[name].auto_id
                if isinstance(form_field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                    anchor = f"{anchor}_0"
                items.append((anchor, message))
        return items
