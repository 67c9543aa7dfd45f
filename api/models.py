"""API keys for partner systems (issue 14, docs/adr/013-api.md)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

# A key that sets figures expires at most this long after it is made (or, for keys made
# before the rule, after migration 0007 gave them an expiry).
WRITE_KEY_LIFETIME = datetime.timedelta(days=365)


class ApiKey(models.Model):
    """A key an organisation's system uses to read (and, a provider's, write) through the API.

    Only a SHA-256 hash of the key is stored; the person who makes it sees it once. Its
    scope is fixed when made: a council's homes, a provider's homes, or all of England. It
    works only while the person who made it still holds the role that made it
    (api/keys.py).
    """

    class Kind(models.TextChoices):
        COUNCIL = "council", "A council's homes"
        PROVIDER = "provider", "A provider's homes"
        NATIONAL = "national", "Every home in England (read only)"

    name = models.CharField(max_length=100, help_text="What uses it, for example “Leeds brokerage system”")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    local_authority = models.ForeignKey(
        "registers.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider = models.ForeignKey(
        "registers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    prefix = models.CharField(max_length=12, unique=True, help_text="The start of the key, shown to tell keys apart")
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The key made to replace it; this one works until it expires, for the system to switch",
    )  # fmt: skip

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
            ),
            models.CheckConstraint(
                name="api_write_key_expires", condition=~Q(kind="provider") | Q(expires_at__isnull=False)
            ),
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

    def home_column(self) -> tuple[str, int] | None:
        """The key's scope as a column of homes and its value; None for every home."""
        if self.kind == self.Kind.COUNCIL:
            return "local_authority_id", self.local_authority_id
        if self.kind == self.Kind.PROVIDER:
            return "provider_id", self.provider_id
        return None

    def home_sql(self, alias: str, prefix: str = "") -> tuple[str, list]:
        """The scope as SQL over ``alias`` (a homes row, or a HomeChange: it has the same
        columns, and ``prefix`` "left_" for the scope its home left) and its parameters."""
        if (column := self.home_column()) is None:
            return "true", []
        return f"{alias}.{prefix}{column[0]} = %s", [column[1]]

    @property
    def sets_figures(self) -> bool:
        """A provider's key also writes its homes' figures (api/write.py)."""
        return self.kind == self.Kind.PROVIDER

    @staticmethod
    def lifetime_problem(kind: str, expires_at, now=None) -> str | None:
        """Why a key of ``kind`` may not expire at ``expires_at`` (None: never) when made or
        changed at ``now``; None when it may. A key that sets figures expires within a year."""
        now = now or timezone.now()
        if kind == ApiKey.Kind.PROVIDER and (expires_at is None or expires_at > now + WRITE_KEY_LIFETIME):
            return "A key that sets figures must expire, within a year"
        return None

    def clean(self):
        if problem := self.lifetime_problem(self.kind, self.expires_at):
            raise ValidationError({"expires_at": problem})

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LocationChange(models.Model):
    """A CQC location (a care home, or a home-care agency) that changed in one transaction: a
    changes feed (api/changes.py) reads these in order. Written by PostgreSQL triggers
    (api/sql/), whatever made the change, one row per location per transaction, with its
    council and provider; never by the application.

    ``txid`` is the writing transaction's id: a feed returns only rows of transactions
    older than every one still running, so a slow transaction that commits late is never
    skipped by a partner's cursor (docs/adr/013-api.md)."""

    pk = models.CompositePrimaryKey("txid", "home_id")
    txid = models.BigIntegerField()
    home_id = models.BigIntegerField()
    changed_at = models.DateTimeField(db_default=Now())
    # The location's council and provider after the transaction (before it, for a deleted one):
    # a key's scope (ApiKey.home_column) is read from the change itself, by index.
    local_authority_id = models.BigIntegerField(null=True)
    provider_id = models.BigIntegerField(null=True)
    # The council and provider it left in the transaction, if it moved: their feeds learn it
    # is gone (a council reorganisation moves every location of the old councils).
    left_local_authority_id = models.BigIntegerField(null=True)
    left_provider_id = models.BigIntegerField(null=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.home_id} in transaction {self.txid}"


def feed_indexes(prefix: str) -> list[models.Index]:
    """A changes feed's indexes: by time (pruning), and by a key's scope (a council's or a
    provider's, and the scope a moved location left), each in the feed's order."""
    return [
        models.Index(fields=["changed_at"], name=f"{prefix}_change_time"),
        models.Index(fields=["local_authority_id", "txid", "home_id"], name=f"{prefix}_change_council"),
        models.Index(fields=["provider_id", "txid", "home_id"], name=f"{prefix}_change_provider"),
        models.Index(
            fields=["left_local_authority_id", "txid", "home_id"],
            name=f"{prefix}_change_left_council",
            condition=models.Q(left_local_authority_id__isnull=False),
        ),
        models.Index(
            fields=["left_provider_id", "txid", "home_id"],
            name=f"{prefix}_change_left_provider",
            condition=models.Q(left_provider_id__isnull=False),
        ),
    ]


class HomeChange(LocationChange):
    """A care home whose details, figures or held beds changed: the homes' changes feed
    (triggers on the homes, vacancies, categories and holds tables)."""

    class Meta:
        indexes = feed_indexes("home")


class AgencyChange(LocationChange):
    """A home-care agency whose details, capacity, care or districts changed: the agencies'
    changes feed (triggers on the homes table, for agencies, and homecare's capacity and
    districts tables; ADR 019). ``home_id`` is the agency's id."""

    class Meta:
        indexes = feed_indexes("agency")


class ChangeFeedStart(models.Model):
    """Where the feed begins after old changes are pruned (``manage.py prune_changes``):
    a cursor from before it gets 410 Gone, and the partner lists the homes afresh."""

    txid = models.BigIntegerField()
    pruned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-txid"]

    def __str__(self):
        return f"changes before transaction {self.txid} pruned at {self.pruned_at:%Y-%m-%d %H:%M}"
