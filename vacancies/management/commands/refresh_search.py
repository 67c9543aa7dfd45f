from django.core.management.base import BaseCommand
from django.db import connection, transaction


class Command(BaseCommand):
    help = (
        "Rebuild every search entry from the homes and their vacancies. Never needed in normal running (the "
        "database keeps them, ADR 007); for after a restore that skipped triggers, or to check: it reports "
        "how many entries it had to change."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT * FROM vacancies_searchsource "
                "EXCEPT SELECT home_id, category, name, latitude, longitude, local_authority_id, rating_rank, "
                "service_user_bands, funding_accepted, open, beds, last_confirmed_at, suits_female, suits_male, holds "
                "FROM vacancies_searchentry) AS wrong"
            )
            wrong = cursor.fetchone()[0]
            cursor.execute("SELECT vacancies_refresh_search(ARRAY(SELECT id FROM homes_carehome))")
            cursor.execute("SELECT count(*) FROM vacancies_searchentry")
            total = cursor.fetchone()[0]
        self.stdout.write(f"{total:,} search entries; {wrong:,} were missing or out of date and are now right.")
