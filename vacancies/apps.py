from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = "Vacancies"

    def ready(self):
        from tracker import metrics
        from vacancies import contributions  # noqa: F401  (menu, start page, where a home's page is)
        from vacancies.metrics import freshness_by_council

        metrics.gauges(freshness_by_council)
