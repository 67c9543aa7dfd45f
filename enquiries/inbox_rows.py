"""A home's inbox page: its rows as plain values read by name, not each referral made into
objects with its enquiry, team, package, home and hold (20 rows, their states included: 2.3
against 1.3 ms a page: ADR 023). Where each stands is ``referral_state``, as on every page."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q

from enquiries.models import Enquiry, Kind, Status, package_summary, referral_state
from registers.choices import HomeStatus, LocationKind
from vacancies.models import holds_now

# The words for an enquiry's fields' values, as its get_FOO_display() gives them.
_LABELS = {name: dict(Enquiry._meta.get_field(name).flatchoices) for name in ("category", "sex", "age_band")}

# The referral's own fields, and its enquiry's, team's, package's, home's and hold's by name.
_FIELDS = ("pk", "status", "sent_at", "offered_hours", "offered_start", "decline_reason")
_RELATED = {
    "home_name": F("home__name"),
    "home_status": F("home__status"), "home_kind": F("home__kind"), "kind": F("enquiry__kind"),
    "category": F("enquiry__category"), "sex": F("enquiry__sex"), "age_band": F("enquiry__age_band"),
    "needed_from": F("enquiry__needed_from"), "reply_by": F("enquiry__reply_by"), "team_name": F("enquiry__team__name"),
    "hours_a_week": F("enquiry__package__hours_a_week"), "district": F("enquiry__package__district_id"),
    "calls_a_day": F("enquiry__package__calls_a_day"), "carers_per_call": F("enquiry__package__carers_per_call"),
    "held_until": F("hold__held_until"), "hold_outcome": F("hold__outcome"),
}  # fmt: skip


@dataclass(slots=True)
class InboxRow:
    pk: int
    is_package: bool
    what: str  # "Nursing, female, 75 to 84"; a package's summary
    needed_from: datetime.date
    home_name: str
    team_name: str
    sent_at: datetime.datetime
    reply_by: datetime.datetime
    state: tuple[str, str]  # words, tag colour


def rows(referrals, pks: list[int], now: datetime.datetime) -> list[InboxRow]:
    """The rows of ``referrals`` (the inbox's, in its order) whose ids are ``pks``."""
    return [_row(values, now) for values in referrals.filter(Q(pk__in=pks)).values(*_FIELDS, **_RELATED)]


def _row(values: dict, now: datetime.datetime) -> InboxRow:
    is_package = values["kind"] == Kind.PACKAGE
    if is_package:
        what = package_summary(values["hours_a_week"], values["district"], values["calls_a_day"],
                               values["carers_per_call"])  # fmt: skip
    else:
        what = ", ".join([_label("category", values), _label("sex", values).lower(), _label("age_band", values)])
    left = values["status"] == Status.CANCELLED and values["home_status"] == HomeStatus.ARCHIVED
    agency = values["home_kind"] == LocationKind.HOME_CARE_AGENCY
    held_until = values["held_until"]
    return InboxRow(
        pk=values["pk"], is_package=is_package, what=what, needed_from=values["needed_from"],
        home_name=values["home_name"], team_name=values["team_name"], sent_at=values["sent_at"],
        reply_by=values["reply_by"],
        state=referral_state(
            now, status=values["status"], reply_by=values["reply_by"],
            left_as=("agency" if agency else "home") if left else "", offered_hours=values["offered_hours"],
            offered_start=values["offered_start"], decline_reason=values["decline_reason"], held_until=held_until,
            holding=held_until is not None and holds_now(values["hold_outcome"], held_until, now),
        ),
    )  # fmt: skip


def _label(field: str, values: dict) -> str:
    value = values[field]
    return str(_LABELS[field].get(value, value))
