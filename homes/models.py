"""What the portal keeps about the registers' locations and does with them: a home's history
of changes, the CSV imports, and the CQC sync's copy of the register and its runs. The
homes and councils themselves are registers' (registers/models.py)."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from accounts import permissions
from accounts.roles import roles_for
from registers.choices import KEY_QUESTIONS, NOT_KNOWN, LocationKind
from registers.models import CQC_FACTS, CareHome, LocalAuthority

# How a history sentence names them: "CQC: rating Good → Requires improvement".
CQC_FACT_WORDS = {
    "cqc_rating": "rating",
    "cqc_rating_date": "date of the rating",
    **{f"rating_{name}": f"{label} rating" for name, label in KEY_QUESTIONS},
    "last_inspection_date": "last inspection",
    "registered_beds": "registered beds",
    "local_authority": "council",
}


# History entries that are not a field of the home.
_EVENT_LABELS = {"onboarded": "Onboarded", "imported": "Imported from CSV"}


def field_label(name: str) -> str:
    """'cqc_rating' -> 'CQC rating': a history row's field in words."""
    if name in _EVENT_LABELS:
        return _EVENT_LABELS[name]
    try:
        label = str(CareHome._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return label[0].upper() + label[1:]


def display_value(home: CareHome, name: str, value) -> str:
    """How a field's value reads in the history: labels, not codes; what no source gave, "Not known"."""
    field = CareHome._meta.get_field(name)
    choices = dict(getattr(field, "base_field", field).choices or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if value is None:
        return NOT_KNOWN if name in CQC_FACTS or name == "dormant" else ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(choices.get(value, value))


class CareHomeChange(models.Model):
    """Append-only history of a home's details: who changed which field, when."""

    class Source(models.TextChoices):
        PERSON = "person", "Someone in the portal, or their file"
        CQC = "cqc", "CQC's register"
        CORRECTION = "correction", "A correction of CQC's facts"

    home = models.ForeignKey(CareHome, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(help_text="The home's version this change made.")
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.PERSON, db_default=Source.PERSON)
    # A correction: the council (or "the national service") it was made for.
    organisation = models.CharField(max_length=200, blank=True, default="", db_default="")
    # A correction's reason; what CQC's change came with ("report of 2 Nov 2026").
    note = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["home", "-changed_at"])]

    def __str__(self):
        return f"{self.home}: {self.field}"

    @property
    def field_label(self) -> str:
        return field_label(self.field)

    @property
    def summary(self) -> str:
        """The change in one sentence: "Corrected by Leeds: rating Good → Requires improvement.
        Reason: ...", "CQC: rating Good → Inadequate, report of 2 Nov 2026"."""
        label = self.field_label
        what = CQC_FACT_WORDS.get(self.field) or (label if label.startswith("CQC") else label[0].lower() + label[1:])
        change = f"{what} {self.old_value or NOT_KNOWN} → {self.new_value or NOT_KNOWN}"
        if self.source == self.Source.CORRECTION:
            return f"Corrected by {self.organisation}: {change}. Reason: {self.note}"
        if self.source == self.Source.CQC:
            return f"CQC: {change}" + (f", {self.note}" if self.note else "")
        return f"{what}: {self.old_value} → {self.new_value}"

    @property
    def what(self) -> str:
        """What the history's "What" column says: the sentence for CQC's changes and corrections."""
        if self.source != self.Source.PERSON:
            return self.summary
        return f"{self.field_label}. {self.note}" if self.note else self.field_label

    @property
    def who(self) -> str:
        if self.source == self.Source.CQC:
            return "CQC"
        return self.changed_by.get_full_name() if self.changed_by else "An import or a deleted account"


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A council's imports are shared by its admins; service admins see all."""
        return self.filter(permissions.import_jobs(roles_for(user), user))


class ImportJob(models.Model):
    """One uploaded CSV: checked in the background, previewed, then imported."""

    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for its columns to be matched"
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Checking the file"
        READY = "ready", "Checked: ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Could not be imported"
        CANCELLED = "cancelled", "Cancelled"

    IN_PROGRESS = {Status.QUEUED, Status.CHECKING, Status.IMPORTING}

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The council whose homes the file may touch; empty for a service admin's national import.
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Which field each column holds ("" for none), by the file's layout or the mapping step.
    columns = models.JSONField(default=list, blank=True)
    layout = models.CharField(max_length=40, blank=True, help_text="The file's layout, in words")
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_archive = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, blank=True, help_text="Rows skipped on purpose, by reason: counts")
    preview = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    archived_count = models.PositiveIntegerField(default=0)
    seconds_taken = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def percent(self) -> int:
        if self.status == self.Status.IMPORTING:
            return 100
        return int(100 * self.checked_rows / self.total_rows) if self.total_rows else 0


class ImportColumnMapping(models.Model):
    """A column heading a council's files use, and the field it holds: chosen once in
    the mapping step, remembered for the council's next upload."""

    # Empty for a service admin's national imports.
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    heading = models.CharField(max_length=200, help_text="Lower case, letters and digits only")
    field = models.CharField(max_length=40, blank=True, help_text="Empty: the column is not used")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "heading"], name="one_mapping_per_heading", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.heading} -> {self.field or '(not used)'}"


class CqcLocationQuerySet(models.QuerySet):
    def not_in_the_portal(self):
        """Care homes and home-care agencies on CQC's register that no location in the portal is (yet)."""
        return self.filter(registered=True).exclude(location_id__in=CareHome.locations.values("cqc_location_id"))

    def newly_registered(self, since):
        """Registered with CQC since ``since`` and not in the portal: for their council to onboard."""
        return self.not_in_the_portal().filter(registration_date__gte=since)


class CqcLocation(models.Model):
    """A care home or home-care agency on CQC's register as the CQC sync last read it
    (homes/cqc_sync.py): the portal's copy of the register beyond its own locations, so a
    council can onboard a newly registered one in one click, and when CQC's facts about each
    were last checked."""

    kind = models.CharField(
        max_length=20, choices=LocationKind.choices, default=LocationKind.CARE_HOME, db_default=LocationKind.CARE_HOME
    )
    location_id = models.CharField("CQC location ID", max_length=14, unique=True)
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=8, blank=True)
    # The council it is in, as the sync placed it; empty: it could not be placed.
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_id = models.CharField("CQC provider ID", max_length=14, blank=True)
    registered = models.BooleanField(help_text="False: deregistered")
    registration_date = models.DateField(null=True, blank=True)
    # What a home onboarded from it is made with: CareHome fields and the provider's name.
    facts = models.JSONField(default=dict)
    regulated_activities = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    first_seen_at = models.DateTimeField()
    # Everything CQC's register said about it is as the portal has it, as of this moment.
    checked_at = models.DateTimeField()

    objects = CqcLocationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["local_authority", "-registration_date"], name="cqc_location_council")]

    def __str__(self):
        return f"{self.name} ({self.location_id})"


class CqcSyncRun(models.Model):
    """One run of the CQC sync: what it set out to read, how far it got (a run that stops
    carries on from there), and what it found, with the location IDs of anything odd."""

    class Kind(models.TextChoices):
        FULL = "full", "Every care home and home-care agency on CQC's register"
        CHANGES = "changes", "The locations CQC changed since the last run"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        STOPPED = "stopped", "Stopped before the end: the next run carries on"
        DONE = "done", "Done"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The window of CQC's changes it covers (a full run: everything up to ``changes_to``).
    changes_from = models.DateTimeField(null=True, blank=True)
    changes_to = models.DateTimeField()
    # The list of locations to read, made first (page by page, resumable), then read in order.
    next_page = models.PositiveIntegerField(default=1)
    # A full run lists care homes, then home-care agencies (ADR 019) from this page of theirs.
    next_agency_page = models.PositiveIntegerField(default=1, db_default=1)
    listed = models.BooleanField(default=False)
    to_read = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0, help_text="How many of to_read are done")
    counts = models.JSONField(default=dict)
    problems = models.JSONField(default=list, help_text="[{id, reason}] for locations not applied")
    notes = models.JSONField(default=list, help_text="[{id, note}]: read, with something odd left out")
    requests = models.PositiveIntegerField(default=0)
    retries = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "-finished_at"], name="cqc_sync_latest")]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    def count(self, what: str, by: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + by
