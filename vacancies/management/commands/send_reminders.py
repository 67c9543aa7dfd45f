from django.core.management.base import BaseCommand

from registers.models import CareHome
from vacancies.models import HomeVacancies
from vacancies.reminders import remind_stale


class Command(BaseCommand):
    help = "Email the staff of every home not updated in 24 hours (at most once a day per home). Run daily."

    def handle(self, *args, **options):
        stale_ids = HomeVacancies.objects.stale().values("home_id")
        never = CareHome.objects.active().filter(vacancies__isnull=True)
        homes = CareHome.objects.active().filter(pk__in=stale_ids).union(never).order_by("pk")
        reminded, skipped = remind_stale(list(homes))
        self.stdout.write(f"Reminded {reminded} homes; {skipped} skipped (reminded already today, or nobody to email).")
