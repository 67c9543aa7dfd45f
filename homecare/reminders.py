"""Reminding an agency whose capacity is stale, and confirming "no change" from the reminder's
link without signing in: the care homes' rules (vacancies/reminder_links.py, ADR 019). The
link is signed for one agency and the capacity's version when it was sent, for 72 hours;
opening it changes nothing; one tap confirms, at most once a day; a capacity that moved on
since is shown, not confirmed."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from homecare import capacity as changes
from homecare.models import AgencyCapacity, CapacityChange
from registers.models import HomeCareAgency
from vacancies import reminder_links, reminders
from vacancies.audit_actions import VacancyAction
from vacancies.freshness import STALE_AFTER, freshness
from vacancies.models import Reminder
from vacancies.snapshots import day_bounds

SALT = "homecare.confirm-from-reminder"
WORDS = {
    "what": "capacity", "have": "has", "them": "it", "now": "It is now",
    "confirmed": "Capacity confirmed", "changed_title": "Capacity changed", "sign_in": "Sign in to your agencies",
}  # fmt: skip


def confirm_path(agency_id: int, version: int) -> str:
    token = reminder_links.sign(agency_id, version, salt=SALT)
    return reverse("homecare:confirm_from_reminder", args=[agency_id, token])


@dataclass
class Link:
    agency: HomeCareAgency
    version: int


def read(agency_id: int, token: str) -> Link:
    """The link's agency and version; LinkProblem when it is expired, altered, another
    agency's, or a care home's (its link is signed for another purpose)."""
    version = reminder_links.verify(agency_id, token, salt=SALT)
    agency = HomeCareAgency.objects.active().filter(pk=agency_id).first()
    if agency is None:
        raise reminder_links.BROKEN
    return Link(agency=agency, version=version)


def figures_line(capacity: AgencyCapacity | None) -> str:
    if capacity is None or capacity.hours_available is None:
        return "no capacity entered"
    start = f", from {capacity.earliest_start:%-d %B}" if capacity.earliest_start else ""
    return f"{changes.hours_words(capacity.hours_available)} a week{start}"


def state(link: Link, capacity: AgencyCapacity | None = None) -> str:
    """ "ready", "changed" (the capacity moved on since the reminder) or "done" (confirmed
    from a reminder today already)."""
    capacity = capacity or AgencyCapacity.objects.filter(agency=link.agency).first()
    if capacity is None or capacity.version != link.version or capacity.hours_available is None:
        return "changed"
    start, _ = day_bounds(timezone.localdate())
    confirmed = CapacityChange.objects.filter(
        agency=link.agency, kind=CapacityChange.Kind.FROM_REMINDER, made_at__gte=start
    )
    return "done" if confirmed.exists() else "ready"


def confirm(link: Link, request) -> str:
    """Confirm if the link still may (checked again under the capacity row's lock, so two taps
    record one confirmation): the state it found."""
    with transaction.atomic():
        capacity = AgencyCapacity.objects.select_for_update().filter(agency=link.agency).first()
        found = state(link, capacity) if capacity is not None else "changed"
        if found != "ready":
            return found
        changes.confirm_no_change(link.agency, None, kind=CapacityChange.Kind.FROM_REMINDER, version=link.version)
        audit.record(
            VacancyAction.CONFIRMED_FROM_REMINDER, user=None, request=request,
            target=f"{link.agency.name} ({link.agency.cqc_location_id})", detail=f"Capacity: {figures_line(capacity)}",
        )  # fmt: skip
    return "ready"


def send_reminder(agency: HomeCareAgency, *, by=None) -> Reminder | None:
    """Remind one agency's staff (the care homes' reminder: one a day at most, recorded)."""

    def context() -> dict:
        capacity = AgencyCapacity.objects.filter(agency=agency).first()
        site = settings.SITE_URL.rstrip("/")
        return {
            "freshness": freshness(capacity.last_confirmed_at if capacity else None),
            "link": site + reverse("homecare:capacity", args=[agency.pk]),
            "confirm_link": site + confirm_path(agency.pk, capacity.version)
            if capacity is not None and capacity.hours_available is not None
            else None,
        }

    return reminders.deliver(agency, by=by, context=context, body="homecare/reminder_email.txt.jinja",
                             subject=f"Please update {agency.name}'s home-care capacity")  # fmt: skip


def stale(agencies):
    """The agencies among ``agencies`` whose capacity is older than a day or was never given."""
    cutoff = timezone.now() - STALE_AFTER
    return agencies.filter(
        Q(capacity__isnull=True)
        | Q(capacity__last_confirmed_at__isnull=True)
        | Q(capacity__last_confirmed_at__lt=cutoff)
    )
