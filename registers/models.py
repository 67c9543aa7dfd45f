"""The public registers the portal keeps, which know nobody (docs/adr/021-layers-for-every-reference.md):
ONS's geography (regions, councils, postcode areas and postcodes) and CQC's providers and
locations (a ``CareHome`` row is a care home or, by its ``kind``, a home-care agency).

The tables keep the names they had in homes (``db_table``): they moved here without a copy.
Who may reach a home is homes' to say (``homes.access.allowed``): nothing here reads a person.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from registers.choices import (
    KEY_QUESTIONS,
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
        db_table = "homes_region"
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
        db_table = "homes_localauthority"
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

    class Meta:
        db_table = "homes_postcodearea"

    def __str__(self):
        return self.code


class Postcode(models.Model):
    """Every live English postcode with its centroid (ONS / OS Code-Point Open)."""

    postcode = models.CharField(max_length=8, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    lad_code = models.CharField(max_length=9)

    class Meta:
        db_table = "homes_postcode"

    def __str__(self):
        return self.postcode


def dialable(phone: str) -> str:
    """A phone number as a tel: link dials it (a home's as written, spaces and all, is shown)."""
    return phone.replace(" ", "")


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
        db_table = "homes_provider"
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


class CareHomeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=HomeStatus.ACTIVE)

    def agencies(self):
        return self.filter(kind=LocationKind.HOME_CARE_AGENCY)


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
        db_table = "homes_carehome"
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
        return dialable(self.phone)

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
