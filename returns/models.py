"""A home's monthly return for the national collection (returns/definition.py says what it asks).

One row per home and month. ``answers`` holds the answers by question key, checked against
the definition when submitted; ``beds`` the home's live bed figures at that moment. Each
submission (the first, and every change until the window closes) raises ``version``: a save
made from an older version is refused and shown what changed, as a home's details are.
"""

from django.conf import settings
from django.db import models


class MonthlyReturn(models.Model):
    class Via(models.TextChoices):
        FORM = "form", "The return's page"
        UNCHANGED = "unchanged", "Confirmed unchanged from last month"
        REMINDER = "reminder", "Confirmed unchanged from a reminder"
        TOGETHER = "together", "Submitted with the provider's other homes"
        CSV = "csv", "CSV upload"

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="monthly_returns")
    month = models.DateField(help_text="The first day of the month the return is for")
    answers = models.JSONField(default=dict)
    beds = models.JSONField(default=dict, help_text="The home's bed figures when the return was submitted")
    version = models.PositiveIntegerField(default=1)
    first_submitted_at = models.DateTimeField()
    submitted_at = models.DateTimeField(help_text="The last submission")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    # Made by the demo or benchmark builders (demo/): they touch nothing else.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["home", "month"], name="one_return_per_home_and_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="return_month_is_its_first_day"),
        ]
        indexes = [models.Index(fields=["month", "home"], name="return_month_home")]

    def __str__(self):
        return f"{self.home_id} {self.month:%Y-%m}"


class ReturnReminder(models.Model):
    """A reminder about a month's return sent to one home on one day: at most one a day."""

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    date = models.DateField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="Empty: the scheduled reminder")  # fmt: skip
    channel = models.CharField(max_length=10)
    texted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["home", "date"], name="one_return_reminder_a_day")]

    def __str__(self):
        return f"{self.home_id} {self.month:%Y-%m} on {self.date}"
