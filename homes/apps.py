from django.apps import AppConfig


class HomesConfig(AppConfig):
    name = "homes"
    verbose_name = "Care homes"

    def ready(self):
        from homes import contributions  # noqa: F401  (its sections of the menu)
        from homes.metrics import cqc_sync_health, cqc_sync_metrics
        from tracker import metrics, views

        metrics.gauges(cqc_sync_metrics)
        views.health_reports(cqc_sync_health)
