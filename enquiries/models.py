"""An enquiry from a discharge team to several homes, each home's referral and its answer.

An ``Enquiry`` is the team's question: of a kind, a bed (who needs what bed, from when) or a
home-care package (``Package``: calls, hours a week, a postcode district, care; issue 26,
docs/adr/025-package-requests.md). A bed enquiry goes to 1 to 10 care homes, a package request
to 1 to 10 agencies or to the market (up to ``MARKET_AGENCIES``), as one ``Referral`` each.
An agency's offer (a start date and hours) is a referral accepted, as a home's held bed is.
A referral's ``status`` is named after FHIR's Task status (docs/adr/012-enquiries.md):
requested (sent), received (seen by the home), accepted (a bed held), rejected (declined,
with a reason), cancelled (withdrawn by the team, or another home was chosen), completed
(placed). The database allows only the transitions in ``TRANSITIONS`` (a trigger, migration
0002): a form replayed, a second answer, an answer after withdrawal change nothing. Nothing
here identifies a patient: no name, no date of birth, no NHS number
(tracker/patient_identifiers.py refuses free text that looks like one).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.roles import roles_for
from homecare.models import Care, care_labels, hours_words, whole_quarter_hours
from registers.choices import HomeStatus, LocationKind
from tracker.labels import QuickLabels, labels
from vacancies.models import BedSex, CareCategory

MAX_HOMES = 10  # a team chooses at most this many homes or agencies
MARKET_AGENCIES = 25  # "send to the market": the agencies with capacity that fit best, at most


class Kind(models.TextChoices):
    """What a team asks for. Where the two differ, the code says which (flows, forms, pages)."""

    BED = "bed", "Care home bed"
    PACKAGE = "package", "Home-care package"


class Status(models.TextChoices):
    REQUESTED = "requested", "Sent"
    RECEIVED = "received", "Seen"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Declined"
    CANCELLED = "cancelled", "Withdrawn"
    COMPLETED = "completed", "Placed"


OPEN = (Status.REQUESTED, Status.RECEIVED)  # waiting for the home's answer
LIVE = (Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED)  # still in play for the team
# (from, to): every change of a referral's status the database allows.
TRANSITIONS = [
    (Status.REQUESTED, Status.RECEIVED),
    *((old, new) for old in OPEN for new in (Status.ACCEPTED, Status.REJECTED, Status.CANCELLED)),
    (Status.ACCEPTED, Status.COMPLETED),
    (Status.ACCEPTED, Status.CANCELLED),
]


class Funding(models.TextChoices):
    COUNCIL = "council", "Council-funded"
    CHC = "chc", "NHS Continuing Healthcare"
    FNC = "fnc", "NHS-funded nursing care"
    SELF_FUNDED = "self_funded", "Self-funded"
    D2A = "d2a", "Discharge to assess (funded while assessed)"


class Pathway(models.TextChoices):
    PATHWAY_2 = "2", "Pathway 2: short-term bed-based care (rehabilitation, reablement, recovery)"
    PATHWAY_3 = "3", "Pathway 3: long-term care home placement"


class AgeBand(models.TextChoices):
    UNDER_65 = "18-64", "18 to 64"
    FROM_65 = "65-74", "65 to 74"
    FROM_75 = "75-84", "75 to 84"
    FROM_85 = "85+", "85 and over"


class DeclineReason(models.TextChoices):
    NO_VACANCY = "no_vacancy", "No suitable vacancy"
    CARE_NEEDS = "care_needs", "Cannot meet the care needs"
    FUNDING = "funding", "Funding"
    STAFFING = "staffing", "Staffing"
    LOCATION = "location", "Location"
    NO_HOURS = "no_hours", "No hours free in the area"
    CALL_TIMES = "call_times", "Cannot cover the call times"
    START_DATE = "start_date", "Cannot start by the date"
    OTHER = "other", "Other"


# The reasons each kind of enquiry may be declined for (a bed is not "call times").
DECLINE_REASONS = {
    Kind.BED: [DeclineReason.NO_VACANCY, DeclineReason.CARE_NEEDS, DeclineReason.FUNDING, DeclineReason.STAFFING,
               DeclineReason.LOCATION, DeclineReason.OTHER],
    Kind.PACKAGE: [DeclineReason.NO_HOURS, DeclineReason.CALL_TIMES, DeclineReason.START_DATE,
                   DeclineReason.CARE_NEEDS, DeclineReason.FUNDING, DeclineReason.STAFFING, DeclineReason.LOCATION,
                   DeclineReason.OTHER],
}  # fmt: skip


class CallTime(models.TextChoices):
    EARLY = "early", "Early morning (before 9am)"
    MORNING = "morning", "Morning"
    LUNCH = "lunch", "Lunchtime"
    TEA = "tea", "Teatime"
    BED = "bed", "Bedtime"
    NIGHT = "night", "Night"


class EnquiryQuerySet(models.QuerySet):
    def followed_by(self, user):
        """The enquiries this person follows and acts on: their teams' (service admins: every one)."""
        return self.filter(permissions.team_enquiries(roles_for(user)))


class Enquiry(QuickLabels, models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        PLACED = "placed", "Placed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BED, db_default=Kind.BED)
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="enquiries")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reference = models.CharField(
        max_length=40, help_text="The team's own reference: a ward and bay, or a number. Never a name or an NHS number"
    )
    # A bed's needs (empty for a package: its own are in ``package``).
    category = models.CharField("care category", max_length=20, choices=CareCategory.choices, blank=True)
    sex = models.CharField(max_length=6, choices=[(BedSex.FEMALE, "Female"), (BedSex.MALE, "Male")], blank=True)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)
    pathway = models.CharField("discharge pathway", max_length=1, choices=Pathway.choices, blank=True)
    funding = models.CharField(max_length=12, choices=Funding.choices)
    needed_from = models.DateField("needed from", help_text="A bed's date, or a package's start")
    care_needs = models.TextField(max_length=600)
    contact = models.CharField("contact", max_length=200, help_text="Who the home should call or email")
    reply_by = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False, db_default=False, editable=False)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                name="a_bed_enquiry_says_the_bed",
                condition=Q(kind="package") | (~Q(category="") & ~Q(sex="") & ~Q(age_band="") & ~Q(pathway="")),
            ),
            models.CheckConstraint(
                name="enquiry_closed_when_not_open",
                condition=Q(state="open", closed_at__isnull=True) | (~Q(state="open") & Q(closed_at__isnull=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="enquiry_team_recent"),
            models.Index(fields=["state", "created_at"], name="enquiry_state"),
        ]

    def __str__(self):
        return f"Enquiry {self.pk} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("enquiries:enquiry", args=[self.pk])

    @property
    def outside_name(self) -> str:
        """The enquiry as named in records others read (a home's history, the council's CSVs,
        the audit trail): the team and the enquiry's number, never the team's own reference."""
        return f"{self.team.name}, enquiry {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_package(self) -> bool:
        return self.kind == Kind.PACKAGE

    @property
    def name(self) -> str:
        """What it is called on pages and in emails: "Enquiry Ward 3", "Package request Ward 3"."""
        return f"{'Package request' if self.is_package else 'Enquiry'} {self.reference}"


class Package(models.Model):
    """What a package request asks of an agency: nothing that identifies the person, and only
    the postcode district of where they live."""

    enquiry = models.OneToOneField(Enquiry, on_delete=models.CASCADE, primary_key=True, related_name="package")
    district = models.ForeignKey(
        "registers.PostcodeArea", on_delete=models.PROTECT, related_name="+", limit_choices_to={"is_sector": False}
    )
    hours_a_week = models.DecimalField("hours a week", max_digits=5, decimal_places=2)
    calls_a_day = models.PositiveSmallIntegerField("calls a day")
    call_times = ArrayField(models.CharField(max_length=8, choices=CallTime.choices), default=list)
    carers_per_call = models.PositiveSmallIntegerField("carers per call", default=1)
    care_needed = ArrayField(models.CharField(max_length=20, choices=Care.choices), default=list, blank=True)
    to_market = models.BooleanField("sent to the market", default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="package_hours_plausible", condition=whole_quarter_hours("hours_a_week") & Q(hours_a_week__gt=0)
            ),
            models.CheckConstraint(name="package_calls_plausible", condition=Q(calls_a_day__gte=1, calls_a_day__lte=8)),
            models.CheckConstraint(name="package_carers_plausible", condition=Q(carers_per_call__in=[1, 2])),
        ]
        indexes = [models.Index(fields=["district"], name="package_district")]

    def __str__(self):
        return f"{self.hours_a_week} hours a week in {self.district_id}"

    @property
    def call_time_labels(self) -> list[str]:
        return [CallTime(value).label for value in self.call_times]

    @property
    def care_labels(self) -> list[str]:
        return care_labels(self.care_needed)

    @property
    def hours_words(self) -> str:
        return hours_words(self.hours_a_week)

    @property
    def calls_words(self) -> str:
        """ "4 calls a day, 2 carers each" """
        return calls_words(self.calls_a_day, self.carers_per_call)

    @property
    def summary(self) -> str:
        """One line: "10.5 hours a week in LS6, 4 calls a day, 1 carer"."""
        return package_summary(self.hours_a_week, self.district_id, self.calls_a_day, self.carers_per_call)


def calls_words(calls_a_day: int, carers_per_call: int) -> str:
    calls = f"{calls_a_day} call{'s' if calls_a_day != 1 else ''} a day"
    return f"{calls}, {'2 carers each' if carers_per_call == 2 else '1 carer'}"


def package_summary(hours_a_week: Decimal, district: str, calls_a_day: int, carers_per_call: int) -> str:
    """A package in one line, from its values (``Package.summary``; the inbox's rows)."""
    return f"{hours_words(hours_a_week)} a week in {district}, {calls_words(calls_a_day, carers_per_call)}"


class ReferralQuerySet(models.QuerySet):
    def in_inbox_of(self, user):
        """The referrals this person answers: to the homes they answer enquiries for."""
        return self.filter(permissions.ANSWER_ENQUIRIES.homes(roles_for(user), through="home__"))


class Referral(QuickLabels, models.Model):
    """One home's part in an enquiry: what it was asked, and what it answered."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="referrals")
    home = models.ForeignKey("registers.CareHome", on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    sent_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold = models.OneToOneField(
        "vacancies.BedHold", null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    # An agency's offer for a package (its "accepted", where a home's is a held bed).
    offered_hours = models.DecimalField("hours a week offered", max_digits=5, decimal_places=2, null=True, blank=True)
    offered_start = models.DateField("start offered", null=True, blank=True)
    decline_reason = models.CharField(max_length=12, choices=DeclineReason.choices, blank=True)
    decline_note = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Withdrawn or placed")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "home"], name="one_referral_per_home"),
            models.UniqueConstraint(fields=["enquiry"], condition=Q(status="completed"), name="one_placement"),
            models.CheckConstraint(
                name="accepted_holds_a_bed_or_offers_hours",
                condition=~Q(status__in=["accepted", "completed"])
                | Q(hold__isnull=False)
                | Q(offered_hours__isnull=False, offered_start__isnull=False),
            ),
            models.CheckConstraint(
                name="offer_hours_plausible",
                condition=whole_quarter_hours("offered_hours")
                & (Q(offered_hours__isnull=True) | Q(offered_hours__gt=0)),
            ),
            models.CheckConstraint(
                name="declined_with_a_reason", condition=~Q(status="rejected") | ~Q(decline_reason="")
            ),
            models.CheckConstraint(
                name="other_reason_explained", condition=~Q(decline_reason="other") | ~Q(decline_note="")
            ),
        ]
        indexes = [
            models.Index(
                fields=["home", "status", "-sent_at", "-id"], name="referral_inbox"
            ),  # the inbox, read from it alone
            models.Index(fields=["status", "sent_at"], name="referral_status"),
        ]

    def __str__(self):
        return f"{self.enquiry} to {self.home_id}: {self.get_status_display()}"

    @property
    def offered_words(self) -> str:
        """An agency's offer: "10.5 hours a week from Mon 7 Dec"."""
        return offered_words(self.offered_hours, self.offered_start)

    def state(self, now: datetime.datetime | None = None) -> tuple[str, str]:
        """(words, tag colour) for where this home's part stands now: ``referral_state``. Its
        enquiry, home and hold are read only where the state depends on them."""
        now = now or timezone.now()
        home = self.home if self.status == Status.CANCELLED else None
        hold = self.hold if self.status == Status.ACCEPTED else None
        return referral_state(
            now, status=self.status, reply_by=self.enquiry.reply_by if self.status in OPEN else None,
            left_as=left_as(self.status, home.status, home.kind) if home else "",
            offered_hours=self.offered_hours, offered_start=self.offered_start, decline_reason=self.decline_reason,
            held_until=hold.held_until if hold else None, holding=hold is not None and hold.is_current(now),
        )  # fmt: skip


def left_as(status: str, home_status: str, home_kind: str) -> str:
    """ "home" or "agency" when a home's part ended because it left the portal; "" otherwise."""
    if status != Status.CANCELLED or home_status != HomeStatus.ARCHIVED:
        return ""
    return "agency" if home_kind == LocationKind.HOME_CARE_AGENCY else "home"


STATUS_WORDS, DECLINE_WORDS = labels(Referral, "status"), labels(Referral, "decline_reason")


def referral_state(now: datetime.datetime, *, status: str, reply_by: datetime.datetime | None, left_as: str,
                   offered_hours: Decimal | None, offered_start: datetime.date | None, decline_reason: str,
                   held_until: datetime.datetime | None, holding: bool) -> tuple[str, str]:  # fmt: skip
    """(words, tag colour) for where a home's part stands now, from its values: "No reply by
    14:00", "Bed held until Sat 10:00", "Hold ended 10:00", "Declined: Staffing"... ``reply_by``:
    its enquiry's (read while it waits for an answer); ``left_as``: "home" or "agency" when it
    ended because the home left the portal (``left_as()``); ``held_until``: its bed hold's end,
    if any, and ``holding``: whether that hold holds the bed now."""
    if left_as:
        return f"Ended: the {left_as} has left the portal", "grey"
    if status in OPEN and reply_by is not None and now > reply_by:
        return f"No reply by {_when(reply_by)}", "orange"
    if status == Status.ACCEPTED and offered_hours is not None:
        return f"Offered {offered_words(offered_hours, offered_start)}", "green"
    if status == Status.ACCEPTED and held_until is not None:
        if holding:
            return f"Bed held until {_when(held_until)}", "green"
        return f"Hold ended {_when(held_until)}", "grey"
    if status == Status.REJECTED:
        return f"Declined: {DECLINE_WORDS.get(decline_reason, decline_reason)}", "red"
    colours = {Status.REQUESTED: "white", Status.RECEIVED: "blue", Status.COMPLETED: "green"}
    return STATUS_WORDS.get(status, status), colours.get(status, "grey")


def offered_words(hours: Decimal, start: datetime.date) -> str:
    return f"{hours_words(hours)} a week from {start:%a %-d %b}"


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M}" if local.date() == timezone.localdate() else f"{local:%a %-d %b, %H:%M}"


class Message(models.Model):
    """A short message on a referral: a home's question, the team's answer."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_home = models.BooleanField()
    text = models.TextField(max_length=1000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self):
        return f"Message on {self.referral_id} at {self.sent_at:%H:%M}"


class Notice(models.Model):
    """An email about an enquiry, claimed before it is sent: at most one per referral and event."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notices")
    event = models.CharField(max_length=40)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "event"], name="one_notice_per_event")]

    def __str__(self):
        return f"{self.event} for {self.referral_id}"
