"""What a home-care agency gives and can take on now, kept current like a home's beds (ADR 019).

The agency itself is a CQC location in homes (``HomeCareAgency``): onboarded, staffed,
imported, synced and archived like a care home. Here: the postcode districts it covers, the
care it gives, the new hours a week it can take on (per district where that differs), its
earliest start and whether it can do two-carer calls now; every change in its history.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

HOURS_IN_A_WEEK = Decimal(168)
QUARTER_HOUR = Decimal("0.25")  # what hours are counted in: a rota's quarter-hours


class Care(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Personal care"
    DEMENTIA = "dementia", "Dementia"
    TWO_CARERS = "two_carers", "Two carers per call"
    COMPLEX = "complex", "Complex care (for example PEG or catheter)"
    LIVE_IN = "live_in", "Live-in care"
    NIGHT_SITS = "night_sits", "Night sits"
    REABLEMENT = "reablement", "Reablement"


def hours_figure(hours: Decimal) -> str:
    """Hours as people write them: 20, 7.5, 7.25 (never 2E+1 or 20.00)."""
    return f"{Decimal(hours).normalize():f}"


def care_labels(values) -> list[str]:
    """The care an agency gives (or a package needs), in words."""
    return [Care(value).label for value in values or ()]


def hours_words(hours: Decimal | None) -> str:
    if hours is None:
        return "not said"
    return f"{hours_figure(hours)} hours" if hours != 1 else "1 hour"


def _hours(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, null=True, blank=True)


def whole_quarter_hours(field: str) -> Q:
    """0 to 168 hours, in whole quarter-hours (what a rota is planned in); NULL: not said.
    Agencies' capacity and package requests and offers (enquiries) are held to it."""
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": 0, f"{field}__lte": HOURS_IN_A_WEEK, f"{field}__regex": r"^\d+(\.(0|00|25|5|50|75))?$"}
    )


class AgencyCapacity(models.Model):
    """One agency's care and capacity now; ``version`` moves on with every change (ADR 003)."""

    agency = models.OneToOneField(
        "registers.HomeCareAgency", on_delete=models.CASCADE, primary_key=True, related_name="capacity"
    )
    care_given = ArrayField(models.CharField(max_length=20, choices=Care.choices), default=list, blank=True)
    hours_available = _hours("new hours a week it can take on now")
    earliest_start = models.DateField("earliest start", null=True, blank=True)
    two_carer_calls_now = models.BooleanField("can take on two-carer calls now", null=True, blank=True)
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "agency capacities"
        constraints = [
            models.CheckConstraint(condition=whole_quarter_hours("hours_available"), name="agency_hours_plausible"),
        ]
        indexes = [models.Index(fields=["last_confirmed_at"], name="agency_confirmed")]

    def __str__(self):
        return f"{self.agency_id}: {self.hours_available} hours"

    @property
    def care_labels(self) -> list[str]:
        return care_labels(self.care_given)

    @property
    def hours_figure(self) -> str:
        return "" if self.hours_available is None else hours_figure(self.hours_available)


class CoveredDistrict(models.Model):
    """A postcode district an agency covers, with its own hours when they differ from the agency's."""

    agency = models.ForeignKey("registers.HomeCareAgency", on_delete=models.CASCADE, related_name="districts")
    district = models.ForeignKey(
        "registers.PostcodeArea", on_delete=models.PROTECT, related_name="+", limit_choices_to={"is_sector": False}
    )
    hours_available = _hours("new hours a week in this district (empty: the agency's figure)")

    class Meta:
        ordering = ["district_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "district"], name="district_covered_once"),
            models.CheckConstraint(condition=whole_quarter_hours("hours_available"), name="district_hours_plausible"),
        ]
        indexes = [models.Index(fields=["district", "agency"], name="district_agencies")]

    def __str__(self):
        return f"{self.agency_id} covers {self.district_id}"

    @property
    def hours_figure(self) -> str:
        return "" if self.hours_available is None else hours_figure(self.hours_available)


class CapacityChange(models.Model):
    """Append-only history of an agency's capacity, districts and care: who, when, what."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Updated"
        NO_CHANGE = "no_change", "No change"
        FROM_REMINDER = "from_reminder", "No change, confirmed from reminder"
        DISTRICTS = "districts", "Districts covered"
        CARE = "care", "Care given"
        PACKAGE = "package", "Package taken on"

    agency = models.ForeignKey("registers.HomeCareAgency", on_delete=models.CASCADE, related_name="capacity_changes")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(help_text="The capacity's version this change made (or confirmed).")
    summary = models.CharField(max_length=1000, help_text="What changed, in words")

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["agency", "-made_at"], name="capacity_change_agency")]

    def __str__(self):
        return f"{self.agency_id} {self.kind} {self.made_at:%Y-%m-%d}"

    @property
    def who(self) -> str:
        if self.made_by is None:
            return "From a reminder" if self.kind == self.Kind.FROM_REMINDER else "A deleted account"
        return self.made_by.get_full_name() or self.made_by.email


class AgencyShortlistEntry(models.Model):
    """An agency a discharge coordinator is considering for a package: their own list, apart
    from the beds' shortlist (a bed and a package are different placements)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_shortlist")
    agency = models.ForeignKey("registers.HomeCareAgency", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "agency shortlist entries"
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="agency_shortlisted_once")]

    def __str__(self):
        return f"{self.agency_id} on {self.user_id}'s home-care shortlist"
