"""Submitting a location's monthly return (a care home's or a home-care agency's): in its
window only, checked against the definition's questions for its kind, with a care home's live
bed figures, and never over a newer submission unseen.

Every way in (the page, one tap "unchanged", a reminder's link, a provider's locations
together, a CSV) goes through ``submit``.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import audit
from registers.models import CareHome
from returns import definition
from returns.audit_actions import ReturnAction
from returns.models import MonthlyReturn
from returns.window import next_window, open_window, previous_month
from vacancies.models import CategoryVacancy


class Closed(Exception):
    """No window is open: the message says when the next one opens."""

    def __init__(self, today: datetime.date | None = None):
        window = next_window(today)
        super().__init__(
            f"Monthly returns are answered from the 8th to the 14th of the month. The return for {window.label} "
            f"opens on {window.opens:%A} {window.opens.day} {window.opens:%B} and closes at the end of "
            f"{window.closes:%A} {window.closes.day} {window.closes:%B}."
        )
        self.window = window


class Refused(Exception):
    """The answers break the definition's checks: question key -> message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Change:
    """One answer someone else changed meanwhile (templates/returns/home_return.jinja shows these)."""

    field: str
    old_value: str
    new_value: str
    changed_by: object
    changed_at: datetime.datetime


class Conflict(Exception):
    """Someone submitted this return since it was loaded; ``changes`` says what they changed."""

    def __init__(self, current: MonthlyReturn, changes: list[Change]):
        super().__init__("the return changed since it was loaded")
        self.current, self.changes = current, changes


def live_beds(home: CareHome) -> dict[str, int]:
    """The home's bed figures now, as the return carries them (an agency has no beds: none)."""
    if home.is_agency:
        return {}
    totals = CategoryVacancy.objects.filter(home=home).aggregate(
        capacity=Sum("capacity"), occupied=Sum("occupied"), vacant_reserved=Sum("vacant_unavailable"),
        vacant_accepting=Sum("vacant_accepting"),
    )  # fmt: skip
    return {name: totals[name] or 0 for name, _ in definition.BEDS}


def staff_limit_beds(home: CareHome, beds: dict[str, int]) -> int:
    """The beds a headcount is checked against: CQC's registered beds where known, else capacity."""
    return home.registered_beds or beds.get("capacity", 0)


def problems(home: CareHome, answers: dict, month: datetime.date, beds: dict[str, int]) -> dict[str, str]:
    """The definition's checks of ``answers`` as ``home``'s return (its kind's questions)."""
    return definition.problems(answers, month, kind=home.kind, beds=staff_limit_beds(home, beds))


def answers_from(month: datetime.date, kind: str, values: dict) -> dict:
    """Only the questions asked of ``kind`` for ``month``: a carried-over answer to a question
    not asked this month is not sent on."""
    return {question.key: values.get(question.key) for question in definition.questions_for(month, kind)}


def prefilled(home: CareHome, month: datetime.date) -> tuple[MonthlyReturn | None, dict]:
    """This month's return if there is one, and the answers to show: its own, else last month's."""
    current = MonthlyReturn.objects.filter(home=home, month=month).first()
    if current is not None:
        return current, answers_from(month, home.kind, current.answers)
    last = MonthlyReturn.objects.filter(home=home, month=previous_month(month)).only("answers").first()
    return None, answers_from(month, home.kind, last.answers if last else {})


def unchanged_is_possible(home: CareHome, month: datetime.date, answers: dict) -> bool:
    """Whether last month's answers make a whole return for this month as they are."""
    return bool(answers) and not problems(home, answers, month, live_beds(home))


def _label(question: definition.Question) -> str:
    return f"{question.group.split(' (')[0]}: {question.label}"


def _changes(current: MonthlyReturn, kind: str, seen: dict) -> list[Change]:
    changes = []
    for question in definition.questions_for(current.month, kind):
        old, new = seen.get(question.key), current.answers.get(question.key)
        if old != new:
            changes.append(Change(_label(question), _shown(question, old), _shown(question, new), current.submitted_by,
                                  current.submitted_at))  # fmt: skip
    return changes


def _shown(question: definition.Question, value) -> str:
    if value is None:
        return ""
    return dict(question.choices).get(value, str(value)) if question.kind == definition.CHOICE else str(value)


def submit(
    home: CareHome, answers: dict, *, user, via: str, loaded_version: int, seen: dict | None = None,
    today: datetime.date | None = None,
) -> MonthlyReturn:  # fmt: skip
    """Submit ``home``'s return (a care home's or an agency's) for the window open ``today``.
    ``loaded_version``: the version the person saw (0: none yet); ``seen``: the answers they
    saw, to say what someone else changed.
    Closed, Refused or Conflict, and nothing saved, when it may not."""
    window = open_window(today)
    if window is None:
        raise Closed(today)
    answers = answers_from(window.month, home.kind, answers)
    with transaction.atomic():
        # The location's row, locked: two people submitting the same return take turns.
        CareHome.locations.select_for_update().only("pk").get(pk=home.pk)
        current = MonthlyReturn.objects.filter(home=home, month=window.month).first()
        if (current.version if current else 0) != loaded_version:
            raise Conflict(current, _changes(current, home.kind, seen or {}) if current else [])
        beds = live_beds(home)
        if found := problems(home, answers, window.month, beds):
            raise Refused(found)
        now = timezone.now()
        if current is None:
            current = MonthlyReturn(home=home, month=window.month, first_submitted_at=now, version=0)
        current.answers, current.beds = answers, beds
        current.submitted_at, current.submitted_by, current.via = now, user, via
        current.version += 1
        current.save()
        audit.record(
            ReturnAction.RETURN_SUBMITTED, user=user,
            target=f"{home.name} ({home.cqc_location_id})", detail=f"{window.label}, {current.get_via_display()}",
        )  # fmt: skip
    return current
