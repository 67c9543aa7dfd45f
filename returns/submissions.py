"""Submitting a home's monthly return: in its window only, checked against the definition,
with the home's live bed figures, and never over a newer submission unseen.

Every way in (the page, one tap "unchanged", a reminder's link, a provider's homes
together, a CSV) goes through ``submit``.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import audit
from homes.models import CareHome
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
    """One answer someone else changed meanwhile (templates/includes/conflict.html shows these)."""

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
    """The home's bed figures now, as the return carries them."""
    totals = CategoryVacancy.objects.filter(home=home).aggregate(
        capacity=Sum("capacity"), occupied=Sum("occupied"), vacant_reserved=Sum("vacant_unavailable"),
        vacant_accepting=Sum("vacant_accepting"),
    )  # fmt: skip
    return {name: totals[name] or 0 for name, _ in definition.BEDS}


def staff_limit_beds(home: CareHome, beds: dict[str, int]) -> int:
    """The beds a headcount is checked against: CQC's registered beds where known, else capacity."""
    return home.registered_beds or beds["capacity"]


def answers_from(month: datetime.date, values: dict) -> dict:
    """Only the questions asked for ``month``: a carried-over answer to a question not asked
    this month is not sent on."""
    return {question.key: values.get(question.key) for question in definition.questions_for(month)}


def prefilled(home: CareHome, month: datetime.date) -> tuple[MonthlyReturn | None, dict]:
    """This month's return if there is one, and the answers to show: its own, else last month's."""
    current = MonthlyReturn.objects.filter(home=home, month=month).first()
    if current is not None:
        return current, answers_from(month, current.answers)
    last = MonthlyReturn.objects.filter(home=home, month=previous_month(month)).only("answers").first()
    return None, answers_from(month, last.answers if last else {})


def unchanged_is_possible(home: CareHome, month: datetime.date, answers: dict) -> bool:
    """Whether last month's answers make a whole return for this month as they are."""
    return bool(answers) and not definition.problems(answers, month, beds=staff_limit_beds(home, live_beds(home)))


def _label(question: definition.Question) -> str:
    return f"{question.group.split(' (')[0]}: {question.label}"


def _changes(current: MonthlyReturn, seen: dict) -> list[Change]:
    changes = []
    for question in definition.questions_for(current.month):
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
    """Submit ``home``'s return for the window open ``today``. ``loaded_version``: the version the
    person saw (0: none yet); ``seen``: the answers they saw, to say what someone else changed.
    Closed, Refused or Conflict, and nothing saved, when it may not."""
    window = open_window(today)
    if window is None:
        raise Closed(today)
    answers = answers_from(window.month, answers)
    with transaction.atomic():
        # The home's row, locked: two people submitting the same home's return take turns.
        CareHome.objects.select_for_update().only("pk").get(pk=home.pk)
        current = MonthlyReturn.objects.filter(home=home, month=window.month).first()
        if (current.version if current else 0) != loaded_version:
            raise Conflict(current, _changes(current, seen or {}) if current else [])
        beds = live_beds(home)
        if problems := definition.problems(answers, window.month, beds=staff_limit_beds(home, beds)):
            raise Refused(problems)
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
