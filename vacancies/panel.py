"""What a home's page shows about its beds: figures, beds held for discharge teams, freshness,
closure, trend."""

from django.utils import timezone

from vacancies import reports
from vacancies.freshness import freshness
from vacancies.models import BedHold, HomeVacancies, in_category_order
from vacancies.trends import accepting_trend


def vacancy_panel(home, board: HomeVacancies | None) -> dict:
    """``board``: the home's HomeVacancies with ``last_confirmed_by`` (read with the home), or None."""
    categories = in_category_order(home.categories.all())
    held: dict[str, list] = {}
    for hold in BedHold.objects.filter(home=home, outcome=BedHold.Outcome.HELD, held_until__gt=timezone.now()):
        held.setdefault(hold.category, []).append(hold.held_until)
    for row in categories:
        row.held_until = held.get(row.category, [])  # bed by bed, soonest free first
        row.unheld = max(0, row.vacant_accepting - len(row.held_until))
    standing = reports.standing(home, board.last_confirmed_at if board else None)
    return {
        "reports": standing,
        "reported_wrong": reports.label(standing[0].reported_at if standing else None),
        "board": board,
        "categories": categories,
        "freshness": freshness(board.last_confirmed_at if board else None),
        "trend": accepting_trend(home, current={row.category: row.vacant_accepting for row in categories})
        if categories
        else None,
    }
