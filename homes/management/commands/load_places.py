from django.core.management.base import BaseCommand

from homes.postcodes import POSTCODES_FILE, load_postcodes, postcodes_loaded


class Command(BaseCommand):
    help = "Load every live English postcode (homes/data/england_postcodes.csv.gz). Skipped when already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if postcodes are already loaded.")

    def handle(self, *args, force=False, **options):
        existing = postcodes_loaded()
        if existing and not force:
            self.stdout.write(f"Postcodes already loaded ({existing:,}).")
            return
        count = load_postcodes(POSTCODES_FILE)
        self.stdout.write(self.style.SUCCESS(f"Loaded {count:,} postcodes."))
