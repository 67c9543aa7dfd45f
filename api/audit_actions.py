"""What the audit trail records about the API (registered with it: api/contributions.py)."""

from django.db import models


class ApiAction(models.TextChoices):
    API_KEY_CREATED = "api_key_created", "API key made"
    API_KEY_REVOKED = "api_key_revoked", "API key revoked"
    API_USED = "api_used", "API used"
