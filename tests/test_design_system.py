"""Our NHS.UK components draw what the design system's own templates draw.

Each case calls one of our components (templates/components/nhsuk.jinja) and the same
component of nhsuk-frontend-jinja, NHS England's maintained Jinja port of nhsuk-frontend's
templates, with the same parameters; the two must make the same HTML, whitespace, the order
of attributes and the order of classes aside. The port is pinned (requirements-dev.txt) at
the version made for the nhsuk-frontend that package.json pins, so upgrading the design
system means upgrading both, and this test then says which of our components to change.
"""

import json
import re
from html.parser import HTMLParser
from importlib.metadata import metadata, version
from pathlib import Path

import pytest
from django.template import engines
from jinja2 import ChainableUndefined, Environment, PackageLoader, nodes
from markupsafe import Markup

from tracker.forms import FieldView, Option

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = "components/nhsuk.jinja"

# Ours that are not components of the design system, or only parts of one tested whole.
NOT_COMPARED = {
    "button_group": "a layout class around buttons; the design system has no template for it",
    "hidden": "a plain <input type=hidden>, no component",
    "summary_row": "a row: compared inside summary lists",
    "summary_row_actions": "a row: compared inside summary lists",
    "table_row": "a row: compared inside tables",
    "table_cell": "a cell: compared inside tables",
    "select_options": "the options: compared inside select",
    "check_item": "one box: compared inside checkboxes and radios",
    "conditional": "what a box reveals: compared inside checkboxes",
}


class Normaliser(HTMLParser):
    """HTML as a list of tags and texts: attributes and classes sorted, whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "class" in attrs:
            attrs["class"] = " ".join(sorted(attrs["class"].split()))
        self.parts.append(f"<{tag}" + "".join(f' {name}="{attrs[name]}"' for name in sorted(attrs)) + ">")

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.parts.append(text)


def normalised(html: str) -> list[str]:
    parser = Normaliser()
    parser.feed(html)
    parser.close()
    return parser.parts


DESIGN_SYSTEM = Environment(  # autoescaped, as its README asks
    loader=PackageLoader("nhsuk_frontend_jinja"), undefined=ChainableUndefined, autoescape=True
)


def theirs(component: str, params: dict) -> str:
    """nhsuk-frontend-jinja's component (its folder name) called with ``params``."""
    path = f"nhsuk/components/{component}/macro.jinja"
    macro = next(
        DESIGN_SYSTEM.parse(DESIGN_SYSTEM.loader.get_source(DESIGN_SYSTEM, path)[0]).find_all(nodes.Macro)
    ).name
    source = f'{{% from "{path}" import {macro} %}}{{{{ {macro}(params) }}}}'
    return DESIGN_SYSTEM.from_string(source).render(params=params)


def ours(source: str, **context) -> str:
    """Our components called from a Jinja2 template, as our templates call them."""
    env = engines["jinja2"].env
    return env.from_string(f'{{% import "{COMPONENTS}" as nhsuk %}}{source}').render(**context)


def field(component: str, **values) -> FieldView:
    """A field as tracker/forms.py presents one, its aria-describedby as FieldView.of sets it."""
    view = FieldView(component=component, **values)
    if view.described_by and component not in ("choices", "hidden"):
        view.attrs = {**view.attrs, "aria-describedby": view.described_by}
    return view


NAME = field(
    "input", name="name", id="id_name", label="Name", hint="As on the door", errors=["Enter the home's name"],
    value="Oak <House>", attrs={"id": "id_name", "autocomplete": "organization"},
)  # fmt: skip
SIZE = field(
    "choices", kind="radios", name="size", id="id_size", label="Size", hint="Beds in total",
    options=[Option("small", "Up to 20", "id_size_0", False), Option("large", "More than 20", "id_size_1", True)],
)  # fmt: skip
BANDS = field(
    "choices", kind="checkboxes", name="bands", id="id_bands", label="Specialisms", errors=["Choose one"],
    options=[Option("dementia", "Dementia", "id_bands_0", True), Option("mental", "Mental health", "id_bands_1", True)],
)  # fmt: skip

CASES = {
    "tag": (
        '{{ nhsuk.tag("Updated today", "green") }}',
        "tag", {"text": "Updated today", "classes": "nhsuk-tag--green"},
    ),
    "tag with classes": (
        '{{ nhsuk.tag("Closed", classes="tracker-tag") }}',
        "tag", {"text": "Closed", "classes": "tracker-tag"},
    ),
    "button": (
        '{{ nhsuk.button("Save the figures") }}',
        "button", {"text": "Save the figures"},
    ),
    "button, every option": (
        '{{ nhsuk.button("Preview", variant="secondary", small=true, classes="x", name="action", value="preview", '
        'attrs={"hx-post": "/a?b=1&c=2"}) }}',
        "button", {"text": "Preview", "variant": "secondary", "small": True, "classes": "x", "name": "action",
                   "value": "preview", "attributes": {"hx-post": "/a?b=1&c=2"}},
    ),
    "link button": (
        '{{ nhsuk.button(html=call, href="tel:0113", variant="warning") }}',
        "button", {"html": Markup('Call <span class="nhsuk-u-visually-hidden">Oak</span>'), "href": "tel:0113",
                   "variant": "warning"},
    ),
    "back link": (
        '{{ nhsuk.back_link("/homes/", "Care homes") }}',
        "back-link", {"href": "/homes/", "text": "Care homes"},
    ),
    "inset text": (
        '{{ nhsuk.inset_text(html=body) }}',
        "inset-text", {"html": Markup("<p>No homes match.</p>")},
    ),
    "warning callout": (
        '{% call nhsuk.warning_callout("Copy it now") %}<p>Only this once.</p>{% endcall %}',
        "warning-callout", {"heading": "Copy it now", "html": Markup("<p>Only this once.</p>")},
    ),
    "error summary": (
        '{{ nhsuk.error_summary([("id_name", "Enter a name"), ("id_size_0", "Choose a size")]) }}',
        "error-summary", {"titleText": "There is a problem", "errorList": [
            {"href": "#id_name", "text": "Enter a name"}, {"href": "#id_size_0", "text": "Choose a size"}]},
    ),
    # Ours takes the description as block markup (its paragraphs written by the page, which
    # may add a list: a conflict's changes); the design system's wraps its text in one <p>.
    "error summary with a description": (
        '{% call nhsuk.error_summary([("id_near", "Enter a postcode")]) %}'
        "<p>The other filters still apply.</p>{% endcall %}",
        "error-summary", {"titleText": "There is a problem", "descriptionText": "The other filters still apply.",
                          "errorList": [{"href": "#id_near", "text": "Enter a postcode"}]},
    ),
    "notification banner": (
        '{{ nhsuk.notification_banner("Figures saved", kind="success", number=2) }}',
        "notification-banner", {"text": "Figures saved", "variant": "success",
                                "titleId": "notification-banner-title-2"},
    ),
    "important notification banner": (
        '{{ nhsuk.notification_banner("Your link has expired") }}',
        "notification-banner", {"text": "Your link has expired", "titleId": "notification-banner-title-1"},
    ),
    "summary list": (
        '{% call nhsuk.summary_list() %}{{ nhsuk.summary_row("Name", "Oak House") }}'
        '{{ nhsuk.summary_row("Address", html=address) }}{% endcall %}',
        "summary-list", {"rows": [{"key": {"text": "Name"}, "value": {"text": "Oak House"}},
                                  {"key": {"text": "Address"}, "value": {"html": Markup("1 Oak Lane<br>Leeds")}}]},
    ),
    # Ours takes the actions column as markup written by the page (a form with a button that
    # takes a person's role away); the design system's makes links only, so a link is compared.
    "summary list with actions": (
        '{% call nhsuk.summary_list() %}{{ nhsuk.summary_row("Name", "Oak House", actions=change) }}{% endcall %}',
        "summary-list", {"rows": [{"key": {"text": "Name"}, "value": {"text": "Oak House"},
                                   "actions": {"items": [{"href": "/edit/", "text": "Change",
                                                          "visuallyHiddenText": "name"}]}}]},
    ),
    "responsive table": (
        '{% call nhsuk.table("Beds by home", "Home|Vacant beds#") %}{% call nhsuk.table_row() %}'
        '{{ nhsuk.table_cell("Oak House", heading="Home") }}'
        '{{ nhsuk.table_cell(3, heading="Vacant beds", numeric=true) }}'
        "{% endcall %}{% endcall %}",
        "tables", {"caption": "Beds by home", "captionClasses": "nhsuk-u-visually-hidden", "responsive": True,
                   "head": [{"text": "Home"}, {"text": "Vacant beds", "format": "numeric"}],
                   "rows": [[{"text": "Oak House", "header": "Home"},
                             {"text": "3", "format": "numeric", "header": "Vacant beds"}]]},
    ),
    "responsive table, a heading for each row": (
        '{% call nhsuk.table("Keys", "Name|Reads") %}{% call nhsuk.table_row() %}'
        '{{ nhsuk.table_cell("Partner", heading="Name", row_header=true) }}'
        '{{ nhsuk.table_cell("Leeds", heading="Reads") }}'
        "{% endcall %}{% endcall %}",
        "tables", {"caption": "Keys", "captionClasses": "nhsuk-u-visually-hidden", "responsive": True,
                   "firstCellIsHeader": True, "head": [{"text": "Name"}, {"text": "Reads"}],
                   "rows": [[{"text": "Partner", "header": "Name"}, {"text": "Leeds", "header": "Reads"}]]},
    ),
    "table": (
        '{% call nhsuk.table("Beds", ["Home", "Beds#"], responsive=false, caption_hidden=false, caption_size="m") %}'
        '{% call nhsuk.table_row(responsive=false) %}'
        '{{ nhsuk.table_cell("Oak House", row_header=true, responsive=false) }}'
        "{{ nhsuk.table_cell(3, numeric=true, responsive=false) }}{% endcall %}{% endcall %}",
        "tables", {"caption": "Beds", "captionSize": "m", "firstCellIsHeader": True,
                   "head": [{"text": "Home"}, {"text": "Beds", "format": "numeric"}],
                   "rows": [[{"text": "Oak House"}, {"text": "3", "format": "numeric"}]]},
    ),
    "card": (
        '{{ nhsuk.card(html=body, heading="Oak House", href="/homes/1/", heading_classes="nhsuk-heading-s", level=3, '
        'classes="x", id="home-1") }}',
        "card", {"heading": "Oak House", "href": "/homes/1/", "headingSize": "s", "headingLevel": 3, "classes": "x",
                 "id": "home-1", "descriptionHtml": Markup("<p>No homes match.</p>")},
    ),
    "clickable card": (
        '{{ nhsuk.card(html=body, heading="Oak House", href="/homes/1/", clickable=true) }}',
        "card", {"heading": "Oak House", "href": "/homes/1/", "clickable": True, "headingSize": "m",
                 "descriptionHtml": Markup("<p>No homes match.</p>")},
    ),
    "card without a heading": (
        "{{ nhsuk.card(html=body) }}",
        "card", {"descriptionHtml": Markup("<p>No homes match.</p>")},
    ),
    "details": (
        '{% call nhsuk.details("More filters", open=true) %}<p>Rating</p>{% endcall %}',
        "details", {"summaryText": "More filters", "open": True, "html": Markup("<p>Rating</p>")},
    ),
    "pagination": (
        '{{ nhsuk.pagination({"href": "?page=1", "label": "Page 1 of 3"}, '
        '{"href": "?page=3", "label": "Page 3 of 3"}) }}',
        "pagination", {"previous": {"href": "?page=1", "labelText": "Page 1 of 3"},
                       "next": {"href": "?page=3", "labelText": "Page 3 of 3"}},
    ),
    "pagination, first page": (
        '{{ nhsuk.pagination(next={"href": "?page=2", "label": "Page 2 of 3"}) }}',
        "pagination", {"next": {"href": "?page=2", "labelText": "Page 2 of 3"}},
    ),
    "error message": (
        '{{ nhsuk.error_message("id_name-error", ["Enter a name"]) }}',
        "error-message", {"id": "id_name-error", "text": "Enter a name"},
    ),
    "hint": (
        '{{ nhsuk.hint("id_name_helptext", "As on the door") }}',
        "hint", {"id": "id_name_helptext", "text": "As on the door"},
    ),
    "fieldset": (
        '{% call nhsuk.fieldset("Nursing", size="s", classes="x") %}<p>Beds</p>{% endcall %}',
        "fieldset", {"legend": {"text": "Nursing", "size": "s"}, "classes": "x", "html": Markup("<p>Beds</p>")},
    ),
    "fieldset with a heading": (
        '{% call nhsuk.fieldset("Nursing", heading=true, attrs={"aria-describedby": "n-hint"}) %}'
        "<p>Beds</p>{% endcall %}",
        "fieldset", {"legend": {"text": "Nursing", "size": "m", "heading": {"level": 2}},
                     "attributes": {"aria-describedby": "n-hint"}, "html": Markup("<p>Beds</p>")},
    ),
    "text input": (
        "{{ nhsuk.input(f) }}",
        "input", {"id": "id_name", "name": "name", "label": {"text": "Name"}, "value": "Oak <House>",
                  "hint": {"text": "As on the door", "id": "id_name_helptext"},
                  "errorMessage": {"text": "Enter the home's name", "id": "id_name-error"},
                  "attributes": {"autocomplete": "organization"}},
    ),
    "optional number input": (
        "{{ nhsuk.input(f) }}",
        "input", {"id": "id_beds", "name": "beds", "type": "number", "label": {"text": "Beds (optional)"},
                  "classes": "nhsuk-input--width-4", "attributes": {"min": "0"}},
    ),
    "textarea": (
        "{{ nhsuk.textarea(f) }}",
        "textarea", {"id": "id_note", "name": "note", "label": {"text": "Note"}, "value": "Ring the bell",
                     "rows": 3},
    ),
    "file upload": (
        "{{ nhsuk.file_upload(f) }}",
        "file-upload", {"id": "id_file", "name": "file", "label": {"text": "CSV file"},
                        "hint": {"text": "Saved from a spreadsheet", "id": "id_file_helptext"},
                        "errorMessage": {"text": "Choose a file", "id": "id_file-error"},
                        "attributes": {"accept": ".csv"}},
    ),
    "select": (
        "{{ nhsuk.select(f) }}",
        "select", {"id": "id_la", "name": "la", "label": {"text": "Council"},
                   "items": [{"value": "", "text": "Any"}, {"value": "1", "text": "Leeds", "selected": True}]},
    ),
    "radios": (
        "{{ nhsuk.choices(f) }}",
        "radios", {"idPrefix": "id_size", "name": "size", "classes": "nhsuk-radios--small",
                   "fieldset": {"legend": {"text": "Size", "size": "s"}},
                   "hint": {"text": "Beds in total", "id": "id_size_helptext"},
                   "items": [{"value": "small", "text": "Up to 20", "id": "id_size_0"},
                             {"value": "large", "text": "More than 20", "id": "id_size_1", "checked": True}]},
    ),
    "checkboxes": (
        "{{ nhsuk.choices(f, small=false) }}",
        "checkboxes", {"idPrefix": "id_bands", "name": "bands",
                       "fieldset": {"legend": {"text": "Specialisms", "size": "s"}},
                       "errorMessage": {"text": "Choose one", "id": "id_bands-error"},
                       "items": [{"value": "dementia", "text": "Dementia", "id": "id_bands_0", "checked": True},
                                 {"value": "mental", "text": "Mental health", "id": "id_bands_1", "checked": True}]},
    ),
    "a checkbox": (
        "{{ nhsuk.checkbox(f) }}",
        "checkboxes", {"name": "closed", "items": [{"value": "on", "text": "Closed to admissions", "id": "id_closed",
                                                     "hint": {"text": "Say why", "id": "id_closed_helptext"}}]},
    ),
    "a checkbox that reveals more": (
        '<div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">'
        '{{ nhsuk.check_item("checkboxes", "closed", "on", "id_closed", "Closed", checked=true, '
        'attrs={"data-aria-controls": "conditional-id_closed"}) }}'
        '{% call nhsuk.conditional("conditional-id_closed", shown=true) %}<p>Why</p>{% endcall %}</div>',
        "checkboxes", {"name": "closed", "formGroup": {"classes": "x"},
                       "items": [{"value": "on", "text": "Closed", "id": "id_closed", "checked": True,
                                  "conditional": {"html": Markup("<p>Why</p>")}}]},
    ),
}  # fmt: skip

CONTEXT = {
    "body": Markup("<p>No homes match.</p>"),
    "call": Markup('Call <span class="nhsuk-u-visually-hidden">Oak</span>'),
    "address": Markup("1 Oak Lane<br>Leeds"),
    "change": Markup(
        '<a class="nhsuk-link" href="/edit/">Change<span class="nhsuk-u-visually-hidden"> name</span></a>'
    ),
}
FIELDS = {
    "text input": NAME,
    "optional number input": field(
        "input", name="beds", id="id_beds", label="Beds", optional=True, type="number",
        classes="nhsuk-input--width-4", attrs={"id": "id_beds", "min": "0"},
    ),
    "textarea": field("textarea", name="note", id="id_note", label="Note", value="Ring the bell",
                      attrs={"id": "id_note", "rows": "3"}),
    "file upload": field(
        "file_upload", name="file", id="id_file", label="CSV file", hint="Saved from a spreadsheet",
        errors=["Choose a file"], attrs={"id": "id_file", "accept": ".csv"},
    ),
    "select": field("select", name="la", id="id_la", label="Council", groups=[(None, [("", "Any"), ("1", "Leeds")])],
                    selected=frozenset({"1"}), attrs={"id": "id_la"}),
    "radios": SIZE,
    "checkboxes": BANDS,
    "a checkbox": field("checkbox", name="closed", id="id_closed", label="Closed to admissions", hint="Say why"),
}  # fmt: skip


# Where ours differs from the design system on purpose: why, and the difference taken out
# of the design system's markup before the two are compared.
ON_PURPOSE = {
    "file upload": (
        "the design system's script (its data-module) replaces the browser's file input with a drop zone and a "
        "button of its own, which the label then names; ours keeps the browser's input, which people choose a file "
        "with and our browser tests fill",
        lambda html: html.replace(' data-module="nhsuk-file-upload"', ""),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_our_component_draws_what_the_design_system_draws(case):
    source, component, params = CASES[case]
    context = CONTEXT | ({"f": FIELDS[case]} if case in FIELDS else {})
    html = ours(source, **context)
    if case == "a checkbox that reveals more":  # the form group the design system's checkboxes come in
        html = f'<div class="nhsuk-form-group x">{html}</div>'
    expected = theirs(component, params)
    if case in ON_PURPOSE:
        _, take_out = ON_PURPOSE[case]
        assert take_out(expected) != expected, f"{case}: the difference is gone, take it off ON_PURPOSE"
        expected = take_out(expected)
    assert normalised(html) == normalised(expected)


def test_every_component_of_ours_is_compared():
    env = engines["jinja2"].env
    source = env.loader.get_source(env, COMPONENTS)[0]
    macros = {macro.name for macro in env.parse(source).find_all(nodes.Macro) if not macro.name.startswith("_")}
    called = {name for source, _, _ in CASES.values() for name in re.findall(r"nhsuk\.(\w+)\(", source)}
    assert macros - called - set(NOT_COMPARED) == set()
    assert set(NOT_COMPARED) <= macros, "a component listed as not compared is gone: take it off the list"


def test_the_design_systems_templates_are_those_of_the_frontend_we_pin():
    """nhsuk-frontend-jinja's README lists the nhsuk-frontend each of its versions was made for."""
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["nhsuk-frontend"]
    port = version("nhsuk-frontend-jinja")
    made_for = {
        jinja_version: frontend
        for frontend, jinja_version in re.findall(
            r"^\| *(\d+\.\d+\.\d+) *\| *(\d+\.\d+\.\d+) *\|$", metadata("nhsuk-frontend-jinja").get_payload(), re.M
        )
    }
    assert made_for.get(port) == pinned, (
        f"nhsuk-frontend-jinja {port} is made for nhsuk-frontend {made_for.get(port)}, package.json pins {pinned}: "
        "pin the port made for it in requirements-dev.txt"
    )
