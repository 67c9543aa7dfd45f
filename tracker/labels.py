"""A model's choices in words (``get_FOO_display()``), from a dict made once per field.

Django makes that dict again on every call (``dict(make_hashable(field.flatchoices))``: about
4 µs, and an inbox page of 25 enquiries asks for 100 labels). Our models' choices are fixed
when the model is defined, so the dict is made once; a field whose choices are a callable
(read anew each time) and a value that is not hashable (an array's) are left to Django.
"""

import functools

from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str


@functools.cache
def _labels(field) -> dict:
    return dict(field.flatchoices)


def labels(model, name: str) -> dict:
    """The words for each value of ``model``'s field ``name``, as ``get_FOO_display()`` gives
    them (for rows read as values: look a value up with ``.get(value, value)``)."""
    return _labels(model._meta.get_field(name))


class QuickLabels:
    """Mixed into a model: its ``get_FOO_display()`` reads the field's labels made once."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # not hashable
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
