from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Monthly returns"

    def ready(self):
        from returns import contributions  # noqa: F401  (what the return adds to My homes and a home's page)

    def warm(self):
        """Before gunicorn forks its workers (tracker/warm.py): England's bank holidays for this
        year and next, which every page showing a return's window reads (60 ms to load)."""
        from django.utils import timezone

        from returns.window import bank_holidays

        year = timezone.localdate().year
        for each in (year, year + 1):
            bank_holidays(each)
