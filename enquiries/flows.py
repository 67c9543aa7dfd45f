"""What happens to an enquiry: sent, seen, answered, placed, withdrawn, a hold ended.

Beds and home-care packages go through the same steps (docs/adr/025-package-requests.md);
where they differ, the step says so: a home accepts by holding a bed (``accept``), an agency by
offering a start and hours (``offer``); a placement fills the bed through the vacancy history,
or takes the offered hours off the agency's capacity through its history (``confirm_placement``).

Each step is one transaction that locks what it changes and checks its state first; the
database checks again (enquiries/migrations/0002, vacancies/migrations/0007). A step that
finds the state moved on (a second answer, a replayed form, an answer after withdrawal)
raises ``Refused`` with what to tell the person, and changes nothing. Emails go after the
transaction commits (enquiries/notices.py).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import Team
from enquiries import notices
from enquiries.audit_actions import EnquiryAction
from enquiries.models import LIVE, MARKET_AGENCIES, OPEN, Enquiry, Kind, Message, Package, Referral, Status
from homecare import capacity
from homecare.models import QUARTER_HOUR, hours_words
from homecare.search import matching
from registers.models import CareHome, HomeCareAgency
from tracker.sql import instance
from vacancies.holds import NoFreeBed, end_hold, hold_bed, place
from vacancies.models import BedHold, CareCategory


class Refused(Exception):
    """The step cannot happen now; the message says why, for the person who tried."""


def _is(error: IntegrityError, constraint: str) -> bool:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") == constraint


def send(team: Team, user, homes: list[CareHome], *, package: dict | None = None, **details) -> Enquiry:
    """A new enquiry to ``homes`` (1 to 10 active homes, each once); with ``package`` (the
    ``Package``'s fields), a package request to agencies."""
    now = timezone.now()
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            team=team, created_by=user, created_at=now, kind=Kind.PACKAGE if package else Kind.BED,
            reply_by=now + datetime.timedelta(hours=team.reply_within_hours), **details,
        )  # fmt: skip
        if package:
            Package.objects.create(enquiry=enquiry, **package)
        referrals = Referral.objects.bulk_create(Referral(enquiry=enquiry, home=home, sent_at=now) for home in homes)
        action = EnquiryAction.PACKAGE_REQUEST_SENT if package else EnquiryAction.ENQUIRY_SENT
        audit.record(action, target=enquiry.outside_name, detail=", ".join(home.name for home in homes)[:500])
        notices.tell_homes(referrals, "sent")
    return enquiry


def market(package: dict, limit: int = MARKET_AGENCIES) -> list[HomeCareAgency]:
    """ "Send to the market": the active agencies covering the package's district with new
    hours to take on there (the district's own figure, else the agency's), giving the care it
    needs (two carers a call: able to do two-carer calls now); those with the most hours and
    the freshest figures first, at most ``limit``. Find home care's own query (homecare.search)."""
    care = list(package.get("care_needed") or [])
    if package.get("carers_per_call") == 2 and "two_carers" not in care:
        care.append("two_carers")
    wanted = {"postcode": package["district_id"], "hours": QUARTER_HOUR, "care": care}
    # Each agency as its id and name, all the sending uses (a referral each, the names in the
    # audit trail): not each row made into an agency, its district and its capacity (25 rows:
    # 4.0 to 1.2 ms of the send's CPU).
    rows = matching(wanted).values_list("agency_id", "agency__name")[:limit]
    return [instance(HomeCareAgency, rows.db, row, fields=("name",)) for row in rows]


def _locked(referral_id: int) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("enquiry__team", "home", "hold")
        .get(pk=referral_id)
    )


def _answerable(referral: Referral) -> None:
    what = "package request" if referral.enquiry.is_package else "enquiry"
    if referral.enquiry.state == Enquiry.State.PLACED and referral.status != Status.COMPLETED:
        if referral.enquiry.is_package:
            raise Refused("The team has already placed this package with another agency: nothing needs doing")
        raise Refused("The team has already placed this person elsewhere: nothing needs doing")
    if referral.enquiry.state == Enquiry.State.WITHDRAWN or referral.status == Status.CANCELLED:
        raise Refused(f"The team has withdrawn this {what}: nothing needs doing")
    if referral.status not in OPEN:
        answer = "offered" if referral.offered_hours is not None else referral.get_status_display().lower()
        raise Refused(f"This {what} has already been answered: {answer}")


def mark_received(referral: Referral) -> None:
    """The home has seen the enquiry (once; the first time it is opened)."""
    if referral.status == Status.REQUESTED:
        Referral.objects.filter(pk=referral.pk, status=Status.REQUESTED).update(
            status=Status.RECEIVED, received_at=timezone.now()
        )


def _answered(referral: Referral, user, **answer) -> None:
    """Save the home's or agency's answer (its status and what goes with it), who gave it and when."""
    now = timezone.now()
    for field, value in answer.items():
        setattr(referral, field, value)
    referral.answered_at, referral.answered_by = now, user
    referral.received_at = referral.received_at or now
    referral.save(update_fields=[*answer, "answered_at", "answered_by", "received_at"])


def accept(referral: Referral, user, *, category: str, hours: int) -> Referral:
    """The home offers a bed of ``category`` and holds it for ``hours`` (1 to 72)."""
    with transaction.atomic():
        referral = _locked(referral.pk)
        _answerable(referral)
        if referral.enquiry.is_package:
            raise Refused("An agency offers hours for a package: it holds no bed")
        held_for = referral.enquiry.outside_name
        try:
            hold = hold_bed(referral.home, category, hours=hours, user=user, held_for=held_for)
        except NoFreeBed as refused:
            raise Refused(
                f"No {CareCategory(category).label.lower()} bed is free to hold: every vacant one is held "
                "for another team, or the figures show none. Update your vacancies, or decline."
            ) from refused
        _answered(referral, user, status=Status.ACCEPTED, hold=hold)
        audit.record(EnquiryAction.ENQUIRY_ANSWERED, target=str(referral.home),
                     detail=f"accepted, held until {hold.held_until:%Y-%m-%d %H:%M}")  # fmt: skip
        notices.tell_team(referral, "accepted")
    return referral


def offer(referral: Referral, user, *, start: datetime.date, hours) -> Referral:
    """The agency offers to start the package on ``start`` with ``hours`` a week (all the
    package asks, or part of it). Its capacity changes only if the team accepts the offer."""
    with transaction.atomic():
        referral = _locked(referral.pk)
        _answerable(referral)
        if not referral.enquiry.is_package:
            raise Refused("A home accepts a bed enquiry by holding a bed")
        _answered(referral, user, status=Status.ACCEPTED, offered_hours=hours, offered_start=start)
        audit.record(EnquiryAction.ENQUIRY_ANSWERED, target=str(referral.home),
                     detail=f"offered {hours_words(hours)} a week from {start:%Y-%m-%d}")  # fmt: skip
        notices.tell_team(referral, "accepted")
    return referral


def decline(referral: Referral, user, *, reason: str, note: str) -> Referral:
    with transaction.atomic():
        referral = _locked(referral.pk)
        _answerable(referral)
        _answered(referral, user, status=Status.REJECTED, decline_reason=reason, decline_note=note)
        audit.record(EnquiryAction.ENQUIRY_ANSWERED, target=str(referral.home), detail=f"declined: {reason}")
        notices.tell_team(referral, "declined")
    return referral


def write(referral: Referral, user, *, text: str, from_home: bool) -> Message:
    """A message on the referral: a home's question, or the team's answer."""
    with transaction.atomic():
        referral = _locked(referral.pk)
        if referral.status not in LIVE or not referral.enquiry.is_open:
            raise Refused("This enquiry is closed: call the other side if something is still to say")
        message = Message.objects.create(referral=referral, author=user, from_home=from_home, text=text)
        if from_home:
            mark_received(referral)
            notices.tell_team(referral, f"message {message.pk}")
        else:
            notices.tell_home(referral, f"message {message.pk}")
    return message


def confirm_placement(enquiry: Enquiry, referral: Referral, user) -> Enquiry:
    """The team places the person with ``referral``'s home or agency, and every other one's
    part is withdrawn. A bed: the bed it holds becomes occupied through the vacancy history.
    A package: the offered hours come off the agency's capacity through its history. The
    enquiry's row is locked first, so of two people choosing at once the second finds it
    placed and is told (nothing is counted twice)."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not enquiry.is_open:
            if enquiry.is_package and enquiry.state == Enquiry.State.PLACED:
                raise Refused("This package request is already placed: someone accepted another offer meanwhile")
            raise Refused(f"This {'package request' if enquiry.is_package else 'enquiry'} is already "
                          f"{enquiry.get_state_display().lower()}")  # fmt: skip
        referral = _locked(referral.pk)
        if referral.enquiry_id != enquiry.pk or referral.status != Status.ACCEPTED:
            raise Refused("Only an agency that has made an offer can be chosen" if enquiry.is_package
                          else "Only a home that has accepted and holds a bed can be chosen")  # fmt: skip
        now = timezone.now()
        if enquiry.is_package:
            capacity.take_on(HomeCareAgency.objects.get(pk=referral.home_id), user, hours=referral.offered_hours,
                             district=enquiry.package.district_id, placed_for=enquiry.outside_name)  # fmt: skip
        else:
            if not referral.hold.is_current():
                until = timezone.localtime(referral.hold.held_until)
                raise Refused(f"{referral.home.name} held the bed until {until:%H:%M on %d %b}: the hold has ended. "
                              "Ask the home again.")  # fmt: skip
            place(referral.hold, user=user)
        Referral.objects.filter(pk=referral.pk).update(status=Status.COMPLETED, closed_at=now)
        _withdraw_others(enquiry, user, now, keep=referral.pk)
        Enquiry.objects.filter(pk=enquiry.pk).update(state=Enquiry.State.PLACED, closed_at=now)
        action = EnquiryAction.PACKAGE_PLACED if enquiry.is_package else EnquiryAction.PLACEMENT_CONFIRMED
        audit.record(action, target=enquiry.outside_name, detail=referral.home.name)
        notices.tell_home(referral, "placed")
    enquiry.refresh_from_db()
    return enquiry


def withdraw(enquiry: Enquiry, user) -> Enquiry:
    """The team no longer needs a bed: every home's part is withdrawn and held beds freed."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not enquiry.is_open:
            raise Refused(f"This enquiry is already {enquiry.get_state_display().lower()}")
        now = timezone.now()
        _withdraw_others(enquiry, user, now, keep=None)
        Enquiry.objects.filter(pk=enquiry.pk).update(state=Enquiry.State.WITHDRAWN, closed_at=now)
        audit.record(EnquiryAction.ENQUIRY_WITHDRAWN, target=enquiry.outside_name)
    enquiry.refresh_from_db()
    return enquiry


def _withdraw_others(enquiry: Enquiry, user, now, *, keep: int | None) -> None:
    others = (
        Referral.objects.select_for_update(of=("self",))
        .filter(enquiry=enquiry, status__in=LIVE)
        .exclude(pk=keep)
        .select_related("hold", "home", "enquiry__team")
    )
    for other in others:
        if other.hold is not None:
            end_hold(other.hold, BedHold.Outcome.RELEASED, user=user, now=now)
        Referral.objects.filter(pk=other.pk).update(status=Status.CANCELLED, closed_at=now)
        notices.tell_home(other, "withdrawn")


def end_for_archived_home(home: CareHome, reason: str, **kwargs) -> None:
    """A home left the portal (CQC deregistered it: homes.facts.archive): every enquiry still
    in play with it ends for it, the bed it held is released, and each team is told. In the
    archiving transaction, so a home is never archived with enquiries left open."""
    now = timezone.now()
    live = (
        Referral.objects.select_for_update(of=("self",))
        .filter(home=home, status__in=LIVE, enquiry__state=Enquiry.State.OPEN)
        .select_related("hold", "home", "enquiry__team")
    )
    for referral in live:
        if referral.hold is not None:
            end_hold(referral.hold, BedHold.Outcome.RELEASED, now=now)
        Referral.objects.filter(pk=referral.pk).update(status=Status.CANCELLED, closed_at=now)
        notices.tell_team(referral, "home archived")
    for hold in BedHold.objects.filter(home=home, outcome=BedHold.Outcome.HELD):  # any not for an enquiry
        end_hold(hold, BedHold.Outcome.RELEASED, now=now)


def end_lapsed_holds(now=None) -> int:
    """The sweep: record in the history each hold that has passed its time, and tell the
    team. Search did not wait for this: it compares holds with the clock."""
    now = now or timezone.now()
    ended = 0
    lapsed = BedHold.objects.filter(outcome=BedHold.Outcome.HELD, held_until__lte=now).select_related("referral")
    for hold in lapsed:
        with transaction.atomic():
            if end_hold(hold, BedHold.Outcome.EXPIRED, now=now):
                ended += 1
                referral = getattr(hold, "referral", None)
                if referral is not None and referral.status == Status.ACCEPTED:
                    notices.tell_team(referral, "hold expired")
    return ended
