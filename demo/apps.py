from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data for `make run` and the benchmark. It may import every app; no app imports it."""

    name = "demo"
    verbose_name = "Demo and benchmark data"
