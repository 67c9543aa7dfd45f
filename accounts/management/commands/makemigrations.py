"""Django's ``makemigrations``, on a database moved first if it predates the
accounts app (see accounts/management/commands/migrate.py): Django reads the
migration history to check it, and would refuse the old one."""

from django.core.management.commands.makemigrations import Command as DjangoMakeMigrations
from django.db import connections

from accounts.management.commands.migrate import move_accounts_label


class Command(DjangoMakeMigrations):
    def handle(self, *args, **options):
        for connection in connections.all():
            move_accounts_label(connection)
        return super().handle(*args, **options)
