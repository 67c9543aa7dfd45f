from django.core.management.base import BaseCommand

from returns.reminders import scheduled


class Command(BaseCommand):
    help = (
        "On the return window's first and second-to-last days, remind every care home and home-care agency "
        "that has not answered."
    )

    def handle(self, *args, **options):
        done = scheduled()
        if done is None:
            self.stdout.write("Not a reminder day for the monthly return: nothing sent.")
            return
        reminded, skipped = done
        self.stdout.write(f"Reminded {reminded} care homes and agencies about the monthly return; {skipped} skipped.")
