"""A home's inbox page: its rows as plain values read by name in one hand-written statement,
not each referral made into objects with its enquiry, team, package, home and hold (20 rows,
their states included: 2.3 ms through the ORM's objects, 1.3 through its values, 0.4 here:
ADR 023). Where each stands is ``referral_state``, as on every page."""

import datetime
from dataclasses import dataclass

from accounts.models import Team
from enquiries.models import Enquiry, Kind, Package, Referral, left_as, package_summary, referral_state
from registers.models import CareHome
from tracker.labels import labels
from tracker.sql import named_rows, table
from vacancies.models import BedHold, holds_now

# The words for an enquiry's fields' values, as its get_FOO_display() gives them.
_LABELS = {name: labels(Enquiry, name) for name in ("category", "sex", "age_band")}

# Each row's referral with its enquiry's, team's, package's, home's and hold's values by name,
# the page's order kept. Its ids are the inbox's page (read through the person's permission).
ROWS = f"""
SELECT r.id AS pk, r.status, r.sent_at, r.offered_hours, r.offered_start, r.decline_reason,
       h.name AS home_name, h.status AS home_status, h.kind AS home_kind,
       e.kind, e.category, e.sex, e.age_band, e.needed_from, e.reply_by, t.name AS team_name,
       p.hours_a_week, p.district_id AS district, p.calls_a_day, p.carers_per_call,
       b.held_until, b.outcome AS hold_outcome
  FROM {table(Referral)} AS r
  JOIN {table(Enquiry)} AS e ON e.id = r.enquiry_id
  JOIN {table(Team)} AS t ON t.id = e.team_id
  JOIN {table(CareHome)} AS h ON h.id = r.home_id
  LEFT JOIN {table(Package)} AS p ON p.enquiry_id = e.id
  LEFT JOIN {table(BedHold)} AS b ON b.id = r.hold_id
 WHERE r.id = ANY(%s)
 ORDER BY r.sent_at DESC, r.id DESC
"""  # noqa: S608 - table names from the models; the ids a parameter


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


def rows(pks: list[int], now: datetime.datetime) -> list[InboxRow]:
    """The inbox's rows whose ids are ``pks`` (a page of the inbox, read through the person's
    permission: ``enquiries.views.inbox``), newest first."""
    return [_row(values, now) for values in named_rows(ROWS, [pks])]


def _row(values: dict, now: datetime.datetime) -> InboxRow:
    is_package = values["kind"] == Kind.PACKAGE
    if is_package:
        what = package_summary(values["hours_a_week"], values["district"], values["calls_a_day"],
                               values["carers_per_call"])  # fmt: skip
    else:
        what = ", ".join([_label("category", values), _label("sex", values).lower(), _label("age_band", values)])
    held_until = values["held_until"]
    return InboxRow(
        pk=values["pk"], is_package=is_package, what=what, needed_from=values["needed_from"],
        home_name=values["home_name"], team_name=values["team_name"], sent_at=values["sent_at"],
        reply_by=values["reply_by"],
        state=referral_state(
            now, status=values["status"], reply_by=values["reply_by"],
            left_as=left_as(values["status"], values["home_status"], values["home_kind"]),
            offered_hours=values["offered_hours"],
            offered_start=values["offered_start"], decline_reason=values["decline_reason"], held_until=held_until,
            holding=held_until is not None and holds_now(values["hold_outcome"], held_until, now),
        ),
    )  # fmt: skip


def _label(field: str, values: dict) -> str:
    value = values[field]
    return str(_LABELS[field].get(value, value))
