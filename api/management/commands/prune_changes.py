import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from api.changes import prune


class Command(BaseCommand):
    help = (
        "Delete the API changes feed's changes older than API_CHANGES_KEEP_DAYS (default 30). A partner "
        "whose cursor is older gets 410 Gone and lists the homes afresh. Run nightly."
    )

    def handle(self, *args, **options):
        deleted = prune(datetime.timedelta(days=settings.API_CHANGES_KEEP_DAYS))
        self.stdout.write(f"{deleted} change{'s' if deleted != 1 else ''} pruned.")
