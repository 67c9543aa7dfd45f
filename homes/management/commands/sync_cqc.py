from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homes import cqc_sync
from homes.tasks import schedule_daily_sync, summary


class Command(BaseCommand):
    help = (
        "Read CQC's register into the portal (homes/cqc_sync.py): every care home the first time, then what CQC "
        "changed since the last run; a run that stopped carries on. --schedule: the worker runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Read every care home again, not just the changes")
        parser.add_argument(
            "--schedule", action="store_true", help="Only make sure the background worker runs it daily (CQC_SYNC_AT)"
        )

    def handle(self, *args, full=False, schedule=False, **options):
        if schedule:
            when = schedule_daily_sync()
            self.stdout.write(f"The worker runs the CQC sync next at {timezone.localtime(when):%Y-%m-%d %H:%M}.")
            return
        try:
            run = cqc_sync.sync(full=full)
        except cqc_sync.NoKey as no_key:
            self.stdout.write(str(no_key))  # one line; nothing changed, nothing to fail
            return
        except cqc_sync.Busy as busy:
            raise CommandError(str(busy)) from None
        self.stdout.write(summary(run))
        if run.status != run.Status.DONE:
            raise CommandError("The run stopped before the end: run it again to carry on.")
