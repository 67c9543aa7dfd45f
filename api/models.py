"""API keys for partner systems (issue 14, docs/adr/013-api.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiKey(models.Model):
    """A key an organisation's system uses to read (and later write) through the API.

    Only a SHA-256 hash of the key is stored; the person who makes it sees it once. Its
    scope is fixed when made: a council's homes, a provider's homes, or all of England.
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", "A council's homes"
        PROVIDER = "provider", "A provider's homes"
        NATIONAL = "national", "Every home in England (read only)"

    name = models.CharField(max_length=100, help_text="What uses it, for example “Leeds brokerage system”")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    local_authority = models.ForeignKey(
        "homes.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider = models.ForeignKey("homes.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12, unique=True, help_text="The start of the key, shown to tell keys apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="api_key_scope_matches_kind",
                condition=(
                    Q(kind="council", local_authority__isnull=False, provider__isnull=True)
                    | Q(kind="provider", provider__isnull=False, local_authority__isnull=True)
                    | Q(kind="national", provider__isnull=True, local_authority__isnull=True)
                ),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_label(self) -> str:
        if self.kind == self.Kind.COUNCIL:
            return f"Homes in {self.local_authority.name}"
        if self.kind == self.Kind.PROVIDER:
            return f"Homes of {self.provider.name}"
        return "Every home in England"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
