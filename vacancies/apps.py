from django.apps import AppConfig


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = "Vacancies"

    def ready(self):
        from tracker import metrics
        from vacancies.metrics import freshness_by_council

        metrics.gauges(freshness_by_council)
