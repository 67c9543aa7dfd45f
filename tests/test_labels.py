"""Choices in words from a dict made once per field (tracker/labels.py): each model that mixes
it in says every value's label exactly as Django's own get_FOO_display() does."""

from django.apps import apps
from django.db import models

from tracker.labels import QuickLabels


def test_quick_labels_say_what_django_says():
    quick = [model for model in apps.get_models() if issubclass(model, QuickLabels)]
    assert quick  # the inbox's enquiries and referrals at least
    checked = 0
    for model in quick:
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            for value in [*(value for value, _ in field.flatchoices), "not a choice", "", None]:
                row = model(**{field.attname: value})
                assert row._get_FIELD_display(field) == models.Model._get_FIELD_display(row, field), (field, value)
                checked += 1
    assert checked > 20
