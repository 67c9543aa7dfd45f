import logging

from django.core.management.base import BaseCommand

from homecare.reminders import send_reminder, stale
from registers.models import HomeCareAgency

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Email the staff of every home-care agency whose capacity is over a day old (at most once a day). Run daily."

    def handle(self, *args, **options):
        reminded = skipped = 0
        for agency in stale(HomeCareAgency.objects.active()).order_by("pk"):
            try:
                sent = send_reminder(agency)
            except Exception:
                logger.exception("Reminder to agency %s failed", agency.pk)
                sent = None
            reminded, skipped = (reminded + 1, skipped) if sent else (reminded, skipped + 1)
        self.stdout.write(
            f"Reminded {reminded} agencies; {skipped} skipped (reminded already today, or nobody to email)."
        )
