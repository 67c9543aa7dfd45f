from django.core.management.base import BaseCommand

from vacancies.alerts import check_all


class Command(BaseCommand):
    help = (
        "Tell coordinators when a home starts matching one of their saved searches with a bed (at most one "
        "email per saved search an hour). Run it every few minutes."
    )

    def handle(self, *args, **options):
        made = check_all()
        self.stdout.write(f"{made} alert{'s' if made != 1 else ''} sent.")
