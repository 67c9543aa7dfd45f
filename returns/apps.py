from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Monthly returns"

    def ready(self):
        from returns import contributions  # noqa: F401  (what the return adds to My homes and a home's page)
