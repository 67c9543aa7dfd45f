"""What the audit trail records about care homes (registered with it: homes/contributions.py)."""

from django.db import models


class HomeAction(models.TextChoices):
    HOME_ADDED = "home_added", "Home added"
    HOME_CHANGED = "home_changed", "Home details changed"
    CQC_FACTS_CORRECTED = "cqc_facts_corrected", "CQC facts corrected"
    HOMES_IMPORTED = "homes_imported", "Homes imported from CSV"
