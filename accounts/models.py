from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tracker.contributions import AUDIT_ACTIONS, contributed


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_superuser", False)
        extra.setdefault("is_staff", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_superuser"] = True
        extra["is_staff"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    Service admins are superusers (``is_superuser``); every other role is a
    Membership, so one person can hold several.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(default=False, help_text="Can sign in to Django admin.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    default_search_postcode = models.CharField(
        max_length=8, blank=True, help_text="Where a discharge coordinator's searches start."
    )
    # Made by the demo or benchmark builders (demo/): they touch nothing else.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(models.functions.Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=Q(email=models.functions.Lower("email")), name="user_email_lower"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    HOME_STAFF = "home_staff", "Home staff"
    PROVIDER_ADMIN = "provider_admin", "Provider admin"
    COORDINATOR = "coordinator", "Discharge coordinator"
    TEAM_LEAD = "team_lead", "Discharge team lead"
    COUNCIL_ADMIN = "council_admin", "Council admin"


def scope_matches_role(name: str) -> models.CheckConstraint:
    """Each role's scope: a home, a provider, a council, a discharge team (team leads), or
    (coordinators) their team if they have one."""
    nothing = {"home__isnull": True, "provider__isnull": True, "local_authority__isnull": True, "team__isnull": True}
    return models.CheckConstraint(
        name=name,
        condition=(
            Q(role=Role.HOME_STAFF, **{**nothing, "home__isnull": False})
            | Q(role=Role.PROVIDER_ADMIN, **{**nothing, "provider__isnull": False})
            | Q(role=Role.COUNCIL_ADMIN, **{**nothing, "local_authority__isnull": False})
            | Q(role=Role.TEAM_LEAD, **{**nothing, "team__isnull": False})
            | Q(role=Role.COORDINATOR, home__isnull=True, provider__isnull=True, local_authority__isnull=True)
        ),
    )


class Team(models.Model):
    """A discharge team: a hospital trust's discharge or transfer-of-care hub, or a council's
    brokerage team. Coordinators belong to one; what they send and receive about placements
    (enquiries/) is the team's, shared across shifts."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", "Hospital discharge team"
        BROKERAGE = "brokerage", "Council brokerage team"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    organisation = models.CharField(
        max_length=200, blank=True, help_text="The trust or council it works for, e.g. Leeds Teaching Hospitals"
    )
    local_authority = models.ForeignKey(
        "registers.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="A brokerage team's council",
    )  # fmt: skip
    contact_phone = models.CharField("phone", max_length=30, blank=True)
    contact_email = models.EmailField("email", blank=True)
    reply_within_hours = models.PositiveSmallIntegerField(
        "homes are asked to reply within (hours)", default=4, db_default=4
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="brokerage_team_has_a_council", condition=~Q(kind="brokerage") | Q(local_authority__isnull=False)
            ),
            models.CheckConstraint(
                name="team_reply_within_plausible", condition=Q(reply_within_hours__gte=1, reply_within_hours__lte=72)
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def contact(self) -> str:
        return " · ".join(part for part in (self.contact_phone, self.contact_email) if part)


class Membership(models.Model):
    """One role a user holds, scoped to what it covers.

    home staff -> a home; provider admin -> a provider; council admin -> a local
    authority; discharge coordinator -> everything (read only), no scope.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    home = models.ForeignKey(
        "registers.CareHome", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    provider = models.ForeignKey(
        "registers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "registers.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            scope_matches_role("membership_scope_matches_role"),
            models.UniqueConstraint(
                fields=["user", "role", "home", "provider", "local_authority", "team"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["home", "role"]), models.Index(fields=["local_authority", "role"])]

    def __str__(self):
        scope = self.home or self.provider or self.local_authority or self.team
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def open(self):
        """Not yet accepted or revoked (may have expired: it can be resent)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An emailed, one-time link to join the portal with a role.

    Only a hash of the token is stored: a database leak does not leak links.
    """

    LIFETIME_DAYS = 7

    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    home = models.ForeignKey(
        "registers.CareHome", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    provider = models.ForeignKey(
        "registers.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "registers.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            scope_matches_role("invitation_scope_matches_role"),
            models.CheckConstraint(name="invitation_email_lower", condition=Q(email=models.functions.Lower("email"))),
        ]

    def __str__(self):
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.revoked_at:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Pending"

    @property
    def scope(self):
        return self.home or self.provider or self.local_authority or self.team


class AuditEvent(models.Model):
    """Who did what, when, from where: sign-ins, roles, homes and vacancies. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True, help_text="As typed, for failed sign-ins")
    # One of the actions the apps register with the audit trail (accounts/audit.py, labels());
    # no choices here, so a new action is a line in its own app, not a migration of this one.
    action = models.CharField(max_length=30)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    target = models.CharField(max_length=200, blank=True, help_text="What it was done to")
    detail = models.CharField(max_length=500, blank=True)
    # The request it happened in (tracker/request_id.py): leads to that request's log lines.
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action_label} {self.email or self.user_id}"

    @property
    def action_label(self) -> str:
        """What the action is called, as the app that records it says (tracker/contributions.py)."""
        return action_labels().get(self.action, self.action)


def action_labels() -> dict[str, str]:
    """Every registered audit action's label, by its value: accounts' own and each app's."""
    return {value: label for actions in contributed(AUDIT_ACTIONS) for value, label in actions.choices}


class RequestCount(models.Model):
    """How many requests one client made in one minute, for the rate limits every app
    server shares (accounts/throttle.py). An unlogged table: a crash may lose the counts,
    which only lets a few more requests through."""

    key = models.CharField(max_length=120)
    minute = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="one_count_per_key_and_minute")]
        indexes = [models.Index(fields=["minute"], name="request_count_minute")]

    def __str__(self):
        return f"{self.key} at {self.minute:%H:%M}: {self.count}"
