"""What the audit trail records about the monthly return (registered with it: returns/contributions.py)."""

from django.db import models


class ReturnAction(models.TextChoices):
    RETURN_SUBMITTED = "return_submitted", "Monthly return submitted"
    RETURNS_CHASED = "returns_chased", "Monthly returns chased"
