from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public shop window: find a care home, a home's page, compare (no sign-in);
    and the page where a home's staff say what families see."""

    name = "public"
    verbose_name = "Public pages"

    def ready(self):
        from public import contributions  # noqa: F401  (where a home's public page is)
