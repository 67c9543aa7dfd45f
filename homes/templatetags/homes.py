from django import template
from django.core.exceptions import FieldDoesNotExist

from homes.models import CareHome

register = template.Library()

_EXTRA_LABELS = {"onboarded": "Onboarded", "imported": "Imported from CSV"}


@register.filter
def title_field(name: str) -> str:
    """'cqc_rating' -> 'CQC rating': a history row's field in words."""
    if name in _EXTRA_LABELS:
        return _EXTRA_LABELS[name]
    try:
        label = str(CareHome._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return label[0].upper() + label[1:]
