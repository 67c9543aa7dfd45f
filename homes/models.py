import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from accounts import permissions
from accounts.permissions import HomeRule
from accounts.roles import roles_for
from homes.choices import (
    KEY_QUESTIONS,
    NOT_KNOWN,
    SERVICE_TYPES_OF,
    UNRATED,
    CqcRating,
    Facility,
    Funding,
    HomeStatus,
    LocationKind,
    ServiceType,
    ServiceUserBand,
    cqc_page,
    rating_label,
)
from tracker.contributions import link

CQC_LOCATION_ID_PATTERN = r"^1-[0-9]{1,12}$"
CQC_PROVIDER_ID_PATTERN = r"^1-[0-9]{1,12}$"
# Normalised UK postcode: outward code, one space, inward code.
POSTCODE_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$"


class Region(models.Model):
    code = models.CharField(max_length=9, unique=True, help_text="ONS code, e.g. E12000003")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LocalAuthorityQuerySet(models.QuerySet):
    def councils(self):
        """The 153 upper-tier authorities that commission social care."""
        return self.filter(is_social_care_authority=True)


class LocalAuthority(models.Model):
    gss_code = models.CharField("ONS code", max_length=9, unique=True, help_text="e.g. E08000035")
    name = models.CharField(max_length=100)
    official_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30, blank=True)
    is_social_care_authority = models.BooleanField(default=False)
    upper_tier = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="districts")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    alt_names = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self):
        return self.name


class PostcodeArea(models.Model):
    """A postcode district ("LS6") or sector ("LS6 2"): its centroid and council.

    Used to search near a partial postcode and to place postcodes newer than the
    full postcode list.
    """

    code = models.CharField(max_length=7, primary_key=True)
    is_sector = models.BooleanField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.code


class Postcode(models.Model):
    """Every live English postcode with its centroid (ONS / OS Code-Point Open)."""

    postcode = models.CharField(max_length=8, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    lad_code = models.CharField(max_length=9)

    def __str__(self):
        return self.postcode


class Provider(models.Model):
    name = models.CharField(max_length=200)
    # Made by the demo or benchmark builders (demo/): they touch nothing else.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)
    cqc_provider_id = models.CharField(
        "CQC provider ID", max_length=14, unique=True, null=True, blank=True, help_text="Like 1-101234567"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cqc_provider_id__regex=CQC_PROVIDER_ID_PATTERN) | Q(cqc_provider_id__isnull=True),
                name="provider_cqc_id_format",
            )
        ]

    def __str__(self):
        return self.name


def _key_question_rating(question: str) -> models.CharField:
    # NULL: not known (no CQC data has given it), like the overall rating.
    return models.CharField(
        f"CQC rating: {question}", max_length=30, choices=CqcRating.choices, null=True, blank=True, default=None
    )


KEY_QUESTION_FIELDS = [f"rating_{name}" for name, _ in KEY_QUESTIONS]
# What CQC says about a home. Only CQC's data sets them (a council's import of a CQC file,
# the CQC sync), or a council or service admin correcting an import's mistake with a
# reason (homes/forms.py CqcFactsForm); never the home's staff or provider (issue 24).
CQC_FACTS = ["cqc_rating", "cqc_rating_date", *KEY_QUESTION_FIELDS, "last_inspection_date", "registered_beds"]
# How a history sentence names them: "CQC: rating Good → Requires improvement".
CQC_FACT_WORDS = {
    "cqc_rating": "rating",
    "cqc_rating_date": "date of the rating",
    **{f"rating_{name}": f"{label} rating" for name, label in KEY_QUESTIONS},
    "last_inspection_date": "last inspection",
    "registered_beds": "registered beds",
    "local_authority": "council",
}


class CareHomeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=HomeStatus.ACTIVE)

    def agencies(self):
        return self.filter(kind=LocationKind.HOME_CARE_AGENCY)

    def allowed(self, rule: HomeRule, user):
        """The homes ``rule`` (accounts/permissions.py) lets this person reach."""
        return self.filter(rule.homes(roles_for(user)))


class CareHomesOnly(models.Manager.from_queryset(CareHomeQuerySet)):
    """``CareHome.objects``: care homes, never a home-care agency. Everything about beds reads
    homes through it (Find a bed, bed totals, public pages, the API, FHIR, dashboards), so an
    agency cannot appear there by a query forgetting to leave it out (ADR 019)."""

    def get_queryset(self):
        return super().get_queryset().filter(kind=LocationKind.CARE_HOME)


class CareHome(models.Model):
    """A CQC location the portal keeps: a care home or, with ``kind``, a home-care agency
    (ADR 019). Onboarding, staff, imports, the CQC sync, history and archiving serve both;
    ``CareHome.objects`` (the default manager: Django admin, related managers, unique checks)
    is care homes only, ``CareHome.locations`` every kind."""

    kind = models.CharField(
        max_length=20, choices=LocationKind.choices, default=LocationKind.CARE_HOME, db_default=LocationKind.CARE_HOME
    )
    cqc_location_id = models.CharField("CQC location ID", max_length=14, unique=True, help_text="Like 1-101234567")
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="homes")
    address_line_1 = models.CharField("address line 1", max_length=200)
    address_line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField("town or city", max_length=100)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="homes")
    latitude = models.FloatField()
    longitude = models.FloatField()
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=300, blank=True)
    service_type = models.CharField("CQC service type", max_length=20, choices=ServiceType.choices)
    service_user_bands = ArrayField(
        models.CharField(max_length=30, choices=ServiceUserBand.choices),
        default=list,
        blank=True,
        verbose_name="service user bands",
    )
    # NULL: not known. "Not yet rated" is CQC's own word for a home, never a default.
    cqc_rating = models.CharField("CQC rating", max_length=30, choices=CqcRating.choices, null=True, blank=True)
    cqc_rating_date = models.DateField("date of CQC rating", null=True, blank=True)
    rating_safe = _key_question_rating("Safe")
    rating_effective = _key_question_rating("Effective")
    rating_caring = _key_question_rating("Caring")
    rating_responsive = _key_question_rating("Responsive")
    rating_well_led = _key_question_rating("Well-led")
    last_inspection_date = models.DateField("date of last CQC inspection", null=True, blank=True)
    registered_beds = models.PositiveSmallIntegerField(
        "registered beds", null=True, blank=True, help_text="The number of beds CQC registers the home for."
    )
    registration_date = models.DateField("date registered with CQC", null=True, blank=True)
    dormant = models.BooleanField(
        "dormant with CQC",
        null=True,
        blank=True,
        help_text="Registered but not providing care for now. Empty: not known",
    )
    funding_accepted = ArrayField(
        models.CharField(max_length=30, choices=Funding.choices),
        default=list,
        blank=True,
        verbose_name="funding accepted",
    )
    facilities = ArrayField(models.CharField(max_length=30, choices=Facility.choices), default=list, blank=True)
    visiting_arrangements = models.TextField(blank=True, max_length=1000)
    description = models.TextField("short description", blank=True, max_length=2000)
    # The home's public page (public/): what the home tells families, in its own words.
    public_description = models.TextField(
        "description for families", blank=True, max_length=3000, default="", db_default=""
    )
    fee_from = models.PositiveIntegerField("weekly fees from (£)", null=True, blank=True)
    fee_to = models.PositiveIntegerField("weekly fees up to (£)", null=True, blank=True)
    top_up = models.BooleanField(
        "a top-up may be asked for", null=True, blank=True, help_text="Empty: the home has not said"
    )
    top_up_note = models.CharField("about top-ups", max_length=300, blank=True, default="", db_default="")
    shows_availability = models.BooleanField("shows its availability on its public page", default=True, db_default=True)
    status = models.CharField(max_length=10, choices=HomeStatus.choices, default=HomeStatus.ACTIVE)
    archived_reason = models.CharField("why archived", max_length=300, blank=True, default="", db_default="")
    archived_at = models.DateTimeField(null=True, blank=True)
    # Made by the demo or benchmark builders (demo/): they touch nothing else.
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)
    # Bumped on every save of the details: two people editing at once cannot
    # overwrite each other (see homes/forms.py and docs/adr/003-no-lost-updates.md).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CareHomesOnly()
    locations = CareHomeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cqc_location_id__regex=CQC_LOCATION_ID_PATTERN), name="home_cqc_id_format"
            ),
            models.CheckConstraint(
                condition=Q(kind=LocationKind.CARE_HOME, service_type__in=SERVICE_TYPES_OF[LocationKind.CARE_HOME])
                | Q(
                    kind=LocationKind.HOME_CARE_AGENCY,
                    service_type__in=SERVICE_TYPES_OF[LocationKind.HOME_CARE_AGENCY],
                    registered_beds__isnull=True,
                ),
                name="home_kind_service_type",
            ),
            models.CheckConstraint(condition=Q(postcode__regex=POSTCODE_PATTERN), name="home_postcode_format"),
            models.CheckConstraint(
                condition=Q(registered_beds__isnull=True) | Q(registered_beds__lte=2000), name="home_beds_plausible"
            ),
            models.CheckConstraint(
                condition=Q(fee_from__isnull=True) | Q(fee_to__isnull=True) | Q(fee_from__lte=F("fee_to")),
                name="home_fees_in_order",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=49.0, latitude__lte=61.0, longitude__gte=-8.7, longitude__lte=2.0),
                name="home_in_great_britain",
            ),
            models.CheckConstraint(
                condition=Q(cqc_rating__isnull=True) | Q(cqc_rating__in=UNRATED) | Q(cqc_rating_date__isnull=False),
                name="home_rating_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["local_authority", "name"]),
            models.Index(fields=["kind", "local_authority"], name="home_kind_council"),
            models.Index(fields=["provider", "name"]),
            models.Index(fields=["latitude", "longitude"], name="home_location"),
            # "Name contains" searches: a trigram index on the upper-cased name, as icontains queries it.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="home_name_trigram"),
        ]

    def __str__(self):
        return self.name

    # Where this home's pages are: they belong to apps above homes (its page with its beds to
    # vacancies, its public page to public), which say so (tracker/contributions.py, LINKS).
    @property
    def page_url(self) -> str:
        return link("agency page" if self.is_agency else "home page", self)

    @property
    def public_url(self) -> str:
        return link("public page", self)

    @property
    def public_edit_url(self) -> str:
        return link("public page editor", self)

    @property
    def is_agency(self) -> bool:
        return self.kind == LocationKind.HOME_CARE_AGENCY

    @property
    def service_user_band_labels(self) -> list[str]:
        return [ServiceUserBand(value).label for value in self.service_user_bands]

    @property
    def funding_labels(self) -> list[str]:
        return [Funding(value).label for value in self.funding_accepted]

    @property
    def facility_labels(self) -> list[str]:
        return [Facility(value).label for value in self.facilities]

    @property
    def cqc_url(self) -> str:
        return cqc_page(self.cqc_location_id)

    @property
    def rating_words(self) -> str:
        return rating_label(self.cqc_rating)

    @property
    def key_question_ratings(self) -> list[tuple[str, str]]:
        """(question, rating in words) for all five of CQC's key questions when any is known
        (which are not known is worth seeing); none when none is."""
        ratings = [getattr(self, name) for name in KEY_QUESTION_FIELDS]
        if not any(ratings):
            return []
        return [(label, rating_label(rating)) for (_, label), rating in zip(KEY_QUESTIONS, ratings, strict=True)]

    @property
    def tel(self) -> str:
        """The phone number for a tel: link."""
        return self.phone.replace(" ", "")

    @property
    def address_lines(self) -> list[str]:
        return [
            line for line in [self.address_line_1, self.address_line_2, self.town, self.county, self.postcode] if line
        ]


class AgenciesOnly(models.Manager.from_queryset(CareHomeQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=LocationKind.HOME_CARE_AGENCY)


class HomeCareAgency(CareHome):
    """A home-care agency (CQC's "Domiciliary care service"): a CQC location like a care home,
    onboarded, staffed, imported, synced and archived the same way (ADR 019); what it can
    take on is kept in ``homecare``."""

    objects = AgenciesOnly()

    class Meta:
        proxy = True
        verbose_name = "home-care agency"
        verbose_name_plural = "home-care agencies"

    def save(self, *args, **kwargs):
        self.kind = LocationKind.HOME_CARE_AGENCY
        super().save(*args, **kwargs)


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
