from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "homecare"
    verbose_name = "Home care"

    def ready(self):
        from homecare import contributions  # noqa: F401  (menu, where an agency's page is, My homes' panel)
