from django import template

from homes.models import field_label

register = template.Library()


@register.filter
def title_field(name: str) -> str:
    """'cqc_rating' -> 'CQC rating': a history row's field in words (homes.models.field_label)."""
    return field_label(name)
