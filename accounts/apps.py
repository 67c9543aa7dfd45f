from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, their roles, invitations, two-factor authentication and the audit trail."""

    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from accounts import (
            audit,  # noqa: F401 - connects the audit trail's signal receivers
            navigation,  # noqa: F401 - accounts' own sections of the menu
        )
