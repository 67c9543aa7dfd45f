"""What the audit trail records about vacancies (registered with it: vacancies/contributions.py)."""

from django.db import models


class VacancyAction(models.TextChoices):
    VACANCIES_CHANGED = "vacancies_changed", "Vacancies updated"
    VACANCIES_CONFIRMED = "vacancies_confirmed", "No change confirmed"
    CONFIRMED_FROM_REMINDER = "confirmed_from_reminder", "No change confirmed from reminder"
    FIGURES_REPORTED = "figures_reported", "Figures reported wrong"
