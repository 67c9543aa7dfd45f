from django.core.management.base import BaseCommand

from enquiries.flows import end_lapsed_holds


class Command(BaseCommand):
    help = (
        "Record every bed hold that has passed its time as ended, and tell its team. Run every few minutes: "
        "search and the pages do not wait for it (they compare holds with the clock)."
    )

    def handle(self, *args, **options):
        ended = end_lapsed_holds()
        self.stdout.write(f"{ended} hold{'s' if ended != 1 else ''} ended.")
