from django import template
from django.core.exceptions import FieldDoesNotExist

from vacancies.models import CategoryVacancy, HomeVacancies

register = template.Library()


@register.filter
def vacancy_field(name: str) -> str:
    """'vacant_accepting' -> 'vacant, accepting admissions': a history value in words."""
    for model in (CategoryVacancy, HomeVacancies):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")
