"""The inbox's index holds each referral's id too, in the page's order (sent, newest first, then
id), so a busy home's count and page are read from the index alone (0.92 to 0.63 ms for the
busiest home's 1,701 waiting, in the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0006_closed_enquiries_have_nothing_in_play")]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referral_inbox"),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["home", "status", "-sent_at", "-id"], name="referral_inbox"),
        ),
    ]
