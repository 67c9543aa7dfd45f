from django.db import migrations


class Migration(migrations.Migration):
    """A mark moved on once snapshots just written are visible to every reader: the dashboards'
    charts are kept by it (vacancies/areas.snapshots_written), not only by the snapshots' own id
    sequences, which move before the rows they number can be read."""

    dependencies = [("vacancies", "0018_figures_unindexed")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE vacancies_snapshots_committed", reverse_sql="DROP SEQUENCE vacancies_snapshots_committed"
        )
    ]
