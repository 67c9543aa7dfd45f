"""The design system's form markup: tracker/forms.py presents each field, templates/components/nhsuk.jinja draws it."""

import pytest
from django import forms

from tracker.forms import NhsFormMixin


class ExampleForm(NhsFormMixin, forms.Form):
    name = forms.CharField(label="Name", help_text="As on the door")
    nickname = forms.CharField(label="Nickname", required=False)
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)
    extras = forms.MultipleChoiceField(
        label="Extras", choices=[("a", "A & B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agree = forms.BooleanField(label="I agree", help_text="Tick to agree")
    council = forms.ChoiceField(label="Council", choices=[("", "Anywhere"), ("x", "Leeds <West>")])
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any"), ("North", [("ne", "North East"), ("nw", "North West")])]
    )
    notes = forms.CharField(label="Notes", required=False, help_text="<em>Safe</em> help text")


def test_a_text_field_with_an_error_message_and_hint():
    form = ExampleForm({"size": "s", "agree": "on"})
    html = str(form["name"].as_field_group())
    assert html.startswith(
        '<div class="nhsuk-form-group nhsuk-form-group--error"><label class="nhsuk-label" for="id_name">'
    )
    assert '<div class="nhsuk-hint" id="id_name_helptext">As on the door</div>' in html
    assert (
        '<span class="nhsuk-error-message" id="id_name-error"><span class="nhsuk-u-visually-hidden">Error:</span> '
        "This field is required.</span>"
    ) in html
    assert 'aria-describedby="id_name_helptext id_name-error"' in html
    assert "Nickname (optional)</label>" in str(form["nickname"].as_field_group())


def test_radios_checkboxes_and_a_single_checkbox():
    form = ExampleForm({"size": "l", "extras": ["a"]})
    radios = str(form["size"].as_field_group())
    assert '<div class="nhsuk-radios nhsuk-radios--small" data-module="nhsuk-radios">' in radios
    assert 'value="l" id="id_size_1" checked' in radios
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Size</legend>' in radios
    checkboxes = str(form["extras"].as_field_group())
    assert 'class="nhsuk-checkboxes nhsuk-checkboxes--small"' in checkboxes
    assert "A &amp; B</label>" in checkboxes
    single = str(form["agree"].as_field_group())
    assert "nhsuk-form-group--error" in single
    assert '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="id_agree_helptext">Tick to agree</div>' in single


def test_a_select_escapes_once_marks_the_choice_and_keeps_its_groups():
    form = ExampleForm({"council": "x", "region": "nw"})
    html = str(form["council"].as_field_group())
    assert '<option value="">Anywhere</option><option value="x" selected>Leeds &lt;West&gt;</option>' in html
    assert '<option value="" selected>Anywhere</option>' in str(ExampleForm()["council"].as_field_group())
    region = str(form["region"].as_field_group())
    assert '<optgroup label="North"><option value="ne">North East</option><option value="nw" selected>' in region


def test_help_text_marked_safe_stays_markup_and_plain_help_text_is_escaped():
    from django.utils.safestring import mark_safe

    form = ExampleForm()
    form.fields["notes"].help_text = mark_safe("<em>Safe</em> help text")
    assert "<em>Safe</em> help text" in str(form["notes"].as_field_group())
    form.fields["notes"].help_text = "<em>Plain</em>"
    assert "&lt;em&gt;Plain&lt;/em&gt;" in str(form["notes"].as_field_group())


def test_django_admin_keeps_its_own_widgets(client, service_admin):
    """Our renderer draws our forms only: admin's forms are Django's (its inputs have no NHS.UK class)."""
    client.force_login(service_admin)
    html = client.get("/admin/registers/provider/add/").text
    assert 'name="name"' in html
    assert "nhsuk-input" not in html


class RememberingForm(ExampleForm):
    same_html_for_same_value = ("size", "council")


@pytest.mark.parametrize("data", [{"size": "s"}, {"size": "l", "council": "x"}, {"council": ""}, {"size": "nonsense"}])
def test_remembered_field_groups_are_what_rendering_would_give(data):
    """Fields a form says depend only on their value are made once per value: the same HTML as afresh."""
    for _ in range(2):  # the second time from memory
        remembered, fresh = RememberingForm(data), ExampleForm(data)
        remembered.is_valid(), fresh.is_valid()
        for name in ("size", "council"):
            assert str(remembered[name].as_field_group()) == str(fresh[name].as_field_group())
