from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone


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
    COUNCIL_ADMIN = "council_admin", "Council admin"


class Membership(models.Model):
    """One role a user holds, scoped to what it covers.

    home staff -> a home; provider admin -> a provider; council admin -> a local
    authority; discharge coordinator -> everything (read only), no scope.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    home = models.ForeignKey("homes.CareHome", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey("homes.Provider", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    local_authority = models.ForeignKey(
        "homes.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role=Role.HOME_STAFF, home__isnull=False, provider__isnull=True, local_authority__isnull=True)
                    | Q(
                        role=Role.PROVIDER_ADMIN,
                        home__isnull=True,
                        provider__isnull=False,
                        local_authority__isnull=True,
                    )
                    | Q(
                        role=Role.COUNCIL_ADMIN,
                        home__isnull=True,
                        provider__isnull=True,
                        local_authority__isnull=False,
                    )
                    | Q(role=Role.COORDINATOR, home__isnull=True, provider__isnull=True, local_authority__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "home", "provider", "local_authority"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["home", "role"]), models.Index(fields=["local_authority", "role"])]

    def __str__(self):
        scope = self.home or self.provider or self.local_authority
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")
