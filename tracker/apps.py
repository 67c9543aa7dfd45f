from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Accounts and roles"

    def ready(self):
        from tracker import audit  # noqa: F401 - connects the audit trail's signal receivers
