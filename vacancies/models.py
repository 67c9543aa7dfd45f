"""Beds by care category: the current position, and its append-only history.

``HomeVacancies`` and ``CategoryVacancy`` hold what is true now (what search
reads); every save appends a ``VacancyUpdate`` with a ``VacancyChange`` per
changed value. "No change today" is an update with no changes: it refreshes
the home's freshness and nothing else.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tracker.labels import QuickLabels


class CareCategory(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    RESIDENTIAL_DEMENTIA = "residential_dementia", "Residential dementia"
    NURSING = "nursing", "Nursing"
    NURSING_DEMENTIA = "nursing_dementia", "Nursing dementia"
    LD_RESIDENTIAL = "ld_residential", "Learning disability (residential)"
    LD_NURSING = "ld_nursing", "Learning disability (nursing)"
    MH_RESIDENTIAL = "mh_residential", "Mental health (residential)"
    MH_NURSING = "mh_nursing", "Mental health (nursing)"
    YOUNG_PHYSICALLY_DISABLED = "ypd", "Young physically disabled (18-65)"
    DISCHARGE_TO_ASSESS = "d2a", "Short stay: discharge to assess"
    INTERMEDIATE_CARE = "intermediate", "Short stay: intermediate care / reablement"
    RESPITE = "respite", "Short stay: respite"


# The care categories' own order (as listed above): how every page and extract lists them.
CATEGORY_ORDER = {value: index for index, value in enumerate(CareCategory.values)}


def in_category_order(items, category=lambda item: item.category) -> list:
    """``items`` sorted into the care categories' order; ``category`` reads an item's category."""
    return sorted(items, key=lambda item: CATEGORY_ORDER[category(item)])


class UnavailableReason(models.TextChoices):
    RESERVED = "reserved", "Reserved or held"
    STAFFING = "staffing", "Staffing"
    ISOLATION = "isolation", "Isolation"
    REFURBISHMENT = "refurbishment", "Refurbishment"
    OTHER = "other", "Other"


class ClosureReason(models.TextChoices):
    OUTBREAK = "outbreak", "Infection outbreak"
    CQC_ENFORCEMENT = "cqc_enforcement", "CQC enforcement"
    STAFFING = "staffing", "Staffing"
    REFURBISHMENT = "refurbishment", "Refurbishment"
    OTHER = "other", "Other"


class BedSex(models.TextChoices):
    ANY = "any", "Any"
    MALE = "male", "Male only"
    FEMALE = "female", "Female only"


class HomeVacanciesQuerySet(models.QuerySet):
    def stale(self, now=None):
        from vacancies.freshness import STALE_AFTER

        now = now or timezone.now()
        return self.filter(Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=now - STALE_AFTER))


class HomeVacancies(QuickLabels, models.Model):
    """A home's whole-home position: closure, freshness, and the total search reads."""

    home = models.OneToOneField(
        "registers.CareHome", on_delete=models.CASCADE, primary_key=True, related_name="vacancies"
    )
    closed_to_admissions = models.BooleanField(default=False)
    closed_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    reopening_date = models.DateField(null=True, blank=True)
    # Freshness: the last time someone confirmed the figures (an update or "no change").
    # Not indexed: it changes on every save and confirm, and an index on it made each of them
    # write every index of the table (no HOT update); stale homes are found among an area's
    # homes, and all of England's boards are 15,500 rows (vacancies 0018, ADR 023).
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    last_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_confirmed_from_reminder = models.BooleanField(
        default=False, db_default=False, help_text="Confirmed with a reminder's link, nobody signed in"
    )
    last_confirmed_via = models.CharField(
        max_length=120, blank=True, default="", db_default="", help_text="The system that confirmed (an API key)"
    )
    # Sum of vacant-accepting beds in open categories; 0 when the home is closed.
    vacant_accepting_total = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)

    objects = HomeVacanciesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "home vacancies"
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_to_admissions=False) | ~Q(closed_reason=""), name="home_closure_has_reason"
            ),
        ]

    def __str__(self):
        return f"Vacancies at {self.home_id}"


class CategoryVacancyQuerySet(models.QuerySet):
    def bed_totals(self, *group_by: str):
        """Beds summed per group, over active homes; accepting counts only open beds."""
        return (
            self.filter(home__status="active")
            .values(*group_by)
            .annotate(
                homes=models.Count("home_id"),
                total_capacity=models.Sum("capacity"),
                total_occupied=models.Sum("occupied"),
                total_accepting=models.Sum(
                    "vacant_accepting", filter=Q(closed=False, home__vacancies__closed_to_admissions=False)
                ),
                total_unavailable=models.Sum("vacant_unavailable"),
            )
        )


class CategoryVacancy(QuickLabels, models.Model):
    """The beds of one care category at one home, as they are now."""

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=20, choices=CareCategory.choices)
    capacity = models.PositiveIntegerField("registered beds")
    occupied = models.PositiveIntegerField(default=0)
    vacant_accepting = models.PositiveIntegerField("vacant, accepting admissions", default=0)
    vacant_unavailable = models.PositiveIntegerField("vacant, not available", default=0)
    unavailable_reason = models.CharField(max_length=20, choices=UnavailableReason.choices, blank=True)
    sex = models.CharField("vacant beds are for", max_length=6, choices=BedSex.choices, default=BedSex.ANY)
    closed = models.BooleanField("closed to admissions", default=False)
    closed_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    reopening_date = models.DateField(null=True, blank=True)

    objects = CategoryVacancyQuerySet.as_manager()

    class Meta:
        ordering = ["home", "category"]
        constraints = [
            models.UniqueConstraint(fields=["home", "category"], name="one_row_per_home_category"),
            models.CheckConstraint(
                condition=Q(capacity__gte=F("occupied") + F("vacant_accepting") + F("vacant_unavailable")),
                name="beds_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(closed=False) | ~Q(closed_reason=""), name="category_closure_has_reason"
            ),
            models.CheckConstraint(condition=Q(capacity__lte=2000), name="capacity_is_plausible"),
        ]
        # No index on the figures: search reads the search entries (ADR 007); one on the beds
        # accepting made every save of a category write all of its indexes (vacancies 0018).

    def __str__(self):
        return f"{self.get_category_display()} at {self.home_id}"

    @property
    def accepting_now(self) -> int:
        """Beds a coordinator can actually place someone in today."""
        return 0 if self.closed else self.vacant_accepting


class VacancyUpdate(models.Model):
    """One save of a home's vacancies, or one "no change". Append-only."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Updated"
        NO_CHANGE = "no_change", "Confirmed no change"
        FROM_REMINDER = "reminder", "Confirmed from reminder"
        PLACEMENT = "placement", "Placement confirmed"
        HOLD = "hold", "Bed held"
        HOLD_ENDED = "hold_ended", "Hold ended"

    # What the home itself confirmed (its freshness counts these, not a team's holds and placements).
    CONFIRMING = (Kind.UPDATE, Kind.NO_CHANGE, Kind.FROM_REMINDER)

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="vacancy_updates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(help_text="The home's vacancies version after this update.")
    # A provider's own system, not a person, made it: the API key's name (api/). Empty for the portal.
    via = models.CharField(max_length=120, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [
            models.Index(fields=["home", "-made_at"], name="update_home_time"),
            models.Index(fields=["made_at"], name="update_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.home_id}, {self.made_at:%Y-%m-%d %H:%M}"

    @property
    def made_by_label(self) -> str:
        """Who made it, in words: a person's name, or the system it came through."""
        if self.made_by:
            return self.made_by.get_full_name() or self.made_by.email
        return self.via or "Someone"


class VacancyChange(QuickLabels, models.Model):
    """One value an update changed: old and new, for one category or the whole home."""

    update = models.ForeignKey(VacancyUpdate, on_delete=models.CASCADE, related_name="changes")
    category = models.CharField(max_length=20, choices=CareCategory.choices, blank=True)
    field = models.CharField(max_length=30)
    old_value = models.CharField(max_length=100, blank=True)
    new_value = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.category or 'home'} {self.field}: {self.old_value} -> {self.new_value}"

    @property
    def field_label(self) -> str:
        """'vacant_accepting' -> 'vacant, accepting admissions': the changed value in words."""
        for model in (CategoryVacancy, HomeVacancies):
            try:
                return str(model._meta.get_field(self.field).verbose_name)
            except FieldDoesNotExist:
                continue
        return self.field.replace("_", " ")


MAX_HOLD = datetime.timedelta(hours=72)


class BedHold(models.Model):
    """One vacant bed a home holds for a discharge team until a time (an accepted enquiry,
    enquiries/). A held bed is not offered to anyone else; at ``held_until`` it is free
    again by itself: search and every page compare with the clock, so nothing has to run
    for them to be right (a sweep records the expiry afterwards: ``manage.py end_holds``).

    The database refuses a hold when every vacant bed of the category is held already
    (a trigger that locks the category's row: two teams cannot hold the last bed).
    """

    class Outcome(models.TextChoices):
        HELD = "held", "Held"
        PLACED = "placed", "Placement confirmed"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Expired"

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="holds")
    category = models.CharField(max_length=20, choices=CareCategory.choices)
    held_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    held_for = models.CharField(max_length=200, help_text="The team (and its reference) the bed is held for")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.HELD)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["held_until"]
        constraints = [
            models.CheckConstraint(
                name="hold_within_72_hours",
                condition=Q(held_until__gt=F("created_at"), held_until__lte=F("created_at") + MAX_HOLD),
            ),
            models.CheckConstraint(
                name="hold_ends_when_it_ended",
                condition=Q(outcome="held", ended_at__isnull=True) | (~Q(outcome="held") & Q(ended_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["home", "category"], condition=Q(outcome="held"), name="hold_current")]

    def __str__(self):
        return f"{self.get_category_display()} at {self.home_id} held until {self.held_until:%Y-%m-%d %H:%M}"

    def is_current(self, now=None) -> bool:
        return holds_now(self.outcome, self.held_until, now or timezone.now())


def holds_now(outcome: str, held_until: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether a bed hold with this outcome and end holds its bed at ``now``."""
    return outcome == BedHold.Outcome.HELD and held_until > now


class ShortlistEntry(models.Model):
    """A home a discharge coordinator is considering; each person has their own list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortlist")
    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        verbose_name_plural = "shortlist entries"
        constraints = [models.UniqueConstraint(fields=["user", "home"], name="shortlist_once_per_home")]

    def __str__(self):
        return f"{self.home_id} on {self.user_id}'s shortlist"


class CapacitySnapshot(models.Model):
    """One council's beds in one care category at the end of one day.

    Written nightly (``manage.py snapshot_capacity``) so area dashboards read a
    few hundred rows instead of scanning the history. See docs/adr/006-area-snapshots.md.
    """

    date = models.DateField()
    local_authority = models.ForeignKey("registers.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=20, choices=CareCategory.choices)
    homes = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField()
    vacant_accepting = models.PositiveIntegerField()
    vacant_unavailable = models.PositiveIntegerField()

    # Made up by the benchmark's dataset (demo/): its rebuild deletes these and no others.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "local_authority", "category"], name="one_snapshot_per_day")
        ]
        indexes = [models.Index(fields=["local_authority", "date"], name="snapshot_area_date")]

    def __str__(self):
        return f"{self.date} {self.local_authority_id} {self.category}"


class FreshnessSnapshot(models.Model):
    """How many of a council's homes confirmed their figures on one day."""

    date = models.DateField()
    local_authority = models.ForeignKey("registers.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    homes = models.PositiveIntegerField()
    updated = models.PositiveIntegerField(help_text="Homes that confirmed their figures that day")
    updated_week = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Homes that confirmed their figures in the 7 days to that day"
    )
    closed = models.PositiveIntegerField(default=0)

    # Made up by the benchmark's dataset (demo/): its rebuild deletes these and no others.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "local_authority"], name="one_freshness_snapshot_per_day"),
            models.CheckConstraint(condition=Q(updated__lte=F("homes")), name="updated_within_homes"),
        ]
        indexes = [models.Index(fields=["local_authority", "date"], name="freshness_area_date")]

    def __str__(self):
        return f"{self.date} {self.local_authority_id}: {self.updated}/{self.homes}"


class Reminder(models.Model):
    """A reminder sent to a home whose figures were stale: at most one a day per home."""

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="reminders")
    date = models.DateField(default=timezone.localdate)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the scheduled daily reminder.",
    )
    recipients = models.PositiveIntegerField()
    channel = models.CharField(max_length=10, choices=[("email", "Email"), ("notify", "GOV.UK Notify")])
    texted = models.BooleanField(
        "text message too", default=False, db_default=False, help_text="Also sent by text to the home's mobile number"
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["home", "date"], name="one_reminder_per_home_per_day")]

    def __str__(self):
        return f"Reminder to {self.home_id} on {self.date}"


class SearchEntry(models.Model):
    """What "find a bed" reads: one narrow row per active home (category "")
    and one per home and care category, with everything search filters and
    sorts on.

    Kept by PostgreSQL, not by the application: triggers on the three tables
    it is made from (homes, their vacancies, their categories) refresh a
    home's rows in the same transaction as any write, whatever made it (a
    form, the CSV import, COPY, the admin). See migration 0004 and
    docs/adr/007-search-entries.md. ``manage.py refresh_search`` rebuilds it.
    """

    pk = models.CompositePrimaryKey("home_id", "category")
    # Rows go with their home by trigger too (a DO_NOTHING key: the database removes them).
    home = models.ForeignKey("registers.CareHome", on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    category = models.CharField(max_length=20, blank=True)  # "" = the whole home
    name = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(
        "registers.LocalAuthority", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    rating_rank = models.SmallIntegerField()  # registers.choices.RATING_RANK
    service_user_bands = ArrayField(models.CharField(max_length=30), default=list)
    funding_accepted = ArrayField(models.CharField(max_length=30), default=list)
    # Open to admissions: the home (and, for a category row, the category).
    open = models.BooleanField()
    # Vacant beds accepting admissions: the home's total, or the category's; null before any figures.
    beds = models.IntegerField(null=True)
    last_confirmed_at = models.DateTimeField(null=True)
    # A category row: its beds are for anyone or for women (men). The home row:
    # some open category has a vacant bed a woman (a man) could take.
    suits_female = models.BooleanField()
    suits_male = models.BooleanField()
    # Until when each of its beds held for a discharge team is held (BedHold): a bed held past
    # its time is free again, so queries count only the times still ahead (vacancies_held(holds)).
    holds = ArrayField(models.DateTimeField(), default=list)

    class Meta:
        indexes = [models.Index(fields=["category", "latitude", "longitude"], name="search_entry_location")]

    def __str__(self):
        return f"{self.category or 'home'} at {self.home_id}"


class FigureReport(QuickLabels, models.Model):
    """A discharge coordinator's report that a home's figures were wrong (found out by phone):
    the home's staff and its council see it, and the home's freshness says "reported wrong"
    until the home next confirms or updates its figures."""

    class Problem(models.TextChoices):
        NO_VACANCY = "no_vacancy", "A vacant bed shown did not exist"
        ACTUALLY_OPEN = "open", "The home is shown closed but is taking people"
        OTHER = "other", "Something else in the figures is wrong"

    home = models.ForeignKey("registers.CareHome", on_delete=models.CASCADE, related_name="figure_reports")
    problem = models.CharField(max_length=12, choices=Problem.choices)
    category = models.CharField(max_length=20, choices=CareCategory.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["home", "-reported_at"], name="figure_report_home"),
            models.Index(fields=["reported_by", "home", "-reported_at"], name="figure_report_reporter"),
        ]

    def __str__(self):
        return f"{self.home_id}: {self.get_problem_display()} ({self.reported_at:%Y-%m-%d %H:%M})"


class SavedSearch(models.Model):
    """A coordinator's search, kept to run again, and to be told when a home starts matching
    it with a bed available (vacancies/alerts.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    query = models.CharField(max_length=600, help_text="The search's filters, as in the address bar")
    label = models.CharField(max_length=300)
    alerts = models.BooleanField("tell me when a bed appears", default=True)
    matching = ArrayField(models.IntegerField(), default=list, blank=True, help_text="Homes matching when last checked")
    checked_at = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "query"], name="one_saved_search_per_query")]

    def __str__(self):
        return self.label


class SearchAlert(models.Model):
    """Homes that started matching a saved search with a bed: one email, and shown on the
    coordinator's pages."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="found")
    homes = ArrayField(models.IntegerField())
    home_names = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.saved_search}: {self.home_names}"
