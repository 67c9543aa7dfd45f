"""Beds held for a discharge team, and placements: the vacancy side of an enquiry (enquiries/).

A hold, its end and a placement each go into the home's vacancy history like any update
(``VacancyUpdate`` of kind HOLD, HOLD_ENDED or PLACEMENT), by whoever made them. Whether
a bed can be held is decided by the database (migration 0007's trigger), so two teams can
never hold the same last bed, whatever path the holds come by.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from registers.models import CareHome
from vacancies.models import (
    MAX_HOLD,
    BedHold,
    CareCategory,
    CategoryVacancy,
    HomeVacancies,
    VacancyChange,
    VacancyUpdate,
)
from vacancies.updates import board_for


class NoFreeBed(Exception):
    """Every vacant bed of the category is held or taken (or it is closed)."""


def _when(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _record(home_id: int, kind: str, user, version: int, category: str, field: str, old: str, new: str, now):
    update = VacancyUpdate.objects.create(home_id=home_id, kind=kind, made_by=user, made_at=now, version=version)
    VacancyChange.objects.create(update=update, category=category, field=field, old_value=old, new_value=new)


@transaction.atomic
def hold_bed(home: CareHome, category: str, *, hours: int, user, held_for: str) -> BedHold:
    """Hold one vacant bed of ``category`` for ``hours`` (at most 72) from now.
    Raises NoFreeBed when the database refuses: nothing is then written."""
    now = timezone.now()
    until = now + datetime.timedelta(hours=hours)
    if not now < until <= now + MAX_HOLD:
        raise ValueError("a hold ends within 72 hours")
    try:
        with transaction.atomic():
            hold = BedHold.objects.create(
                home=home, category=category, held_until=until, created_at=now, created_by=user, held_for=held_for
            )
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") == "hold_needs_a_free_bed":
            raise NoFreeBed(CareCategory(category).label) from error
        raise
    version = _version(home.pk)
    _record(
        home.pk, VacancyUpdate.Kind.HOLD, user, version, category, "held", "", f"{held_for} until {_when(until)}", now
    )
    return hold


@transaction.atomic
def end_hold(hold: BedHold, outcome: str, *, user=None, now=None) -> bool:
    """End a hold (released, expired or placed). False when it had ended already."""
    now = now or timezone.now()
    ended_at = min(now, hold.held_until) if outcome == BedHold.Outcome.EXPIRED else now
    ended = BedHold.objects.filter(pk=hold.pk, outcome=BedHold.Outcome.HELD).update(outcome=outcome, ended_at=ended_at)
    if not ended:
        return False
    hold.outcome, hold.ended_at = outcome, ended_at
    version = _version(hold.home_id)
    label = BedHold.Outcome(outcome).label.lower()
    _record(hold.home_id, VacancyUpdate.Kind.HOLD_ENDED, user, version, hold.category, "held",
            f"{hold.held_for} until {_when(hold.held_until)}", label, now)  # fmt: skip
    return True


def _version(home_id: int) -> int:
    """The home's vacancies version (a hold changes no figure, so it keeps the version)."""
    return HomeVacancies.objects.filter(home_id=home_id).values_list("version", flat=True).first() or 0


@transaction.atomic
def place(hold: BedHold, *, user) -> VacancyUpdate:
    """The team placed someone in the held bed: the category's occupied +1 and vacant accepting
    -1 (when the figures still show a vacant bed), in the history as a placement; the hold ends."""
    now = timezone.now()
    board = board_for(hold.home, lock=True)
    row = CategoryVacancy.objects.select_for_update().get(home_id=hold.home_id, category=hold.category)
    changes = []
    if row.vacant_accepting >= 1:
        changes = [
            VacancyChange(category=row.category, field="occupied", old_value=str(row.occupied),
                          new_value=str(row.occupied + 1)),
            VacancyChange(category=row.category, field="vacant_accepting", old_value=str(row.vacant_accepting),
                          new_value=str(row.vacant_accepting - 1)),
        ]  # fmt: skip
        row.occupied, row.vacant_accepting = row.occupied + 1, row.vacant_accepting - 1
        row.save(update_fields=["occupied", "vacant_accepting"])
        board.version += 1
        rows = CategoryVacancy.objects.filter(home_id=hold.home_id)
        board.vacant_accepting_total = 0 if board.closed_to_admissions else sum(r.accepting_now for r in rows)
        board.save(update_fields=["version", "vacant_accepting_total"])
    BedHold.objects.filter(pk=hold.pk, outcome=BedHold.Outcome.HELD).update(
        outcome=BedHold.Outcome.PLACED, ended_at=now
    )
    update = VacancyUpdate.objects.create(
        home_id=hold.home_id, kind=VacancyUpdate.Kind.PLACEMENT, made_by=user, made_at=now, version=board.version
    )
    changes.append(VacancyChange(category=row.category, field="held", old_value=hold.held_for, new_value="placed"))
    for change in changes:
        change.update = update
    VacancyChange.objects.bulk_create(changes)
    return update


def ended_holds(now=None):
    """Holds past their time that nobody has ended yet (for the sweep)."""
    return BedHold.objects.filter(outcome=BedHold.Outcome.HELD, held_until__lte=now or timezone.now())
