from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API for partner systems"

    def ready(self):
        from api import contributions  # noqa: F401  (its section of the menu)
