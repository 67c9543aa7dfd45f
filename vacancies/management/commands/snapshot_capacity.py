import datetime

from django.core.management.base import BaseCommand, CommandError

from vacancies.snapshots import take_snapshot


class Command(BaseCommand):
    help = "Record every council's beds and freshness for today (run nightly, late evening; rerunning is safe)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to record the current position as (YYYY-MM-DD); default today.")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must look like 2026-11-24") from None
        rows = take_snapshot(day)
        self.stdout.write(f"Recorded {rows} council and care category rows.")
