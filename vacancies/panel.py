"""What a home's page shows about its beds: figures, beds held for discharge teams, freshness,
closure, trend."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone

from vacancies import reports
from vacancies.freshness import freshness
from vacancies.models import BedHold, HomeVacancies, in_category_order
from vacancies.trends import accepting_trend


def vacancy_panel(home, board: HomeVacancies | None) -> dict:
    """``board``: the home's HomeVacancies with ``last_confirmed_by`` (read with the home), or None."""
    now = timezone.now()
    held_now = BedHold.objects.filter(
        home=OuterRef("home"), category=OuterRef("category"), outcome=BedHold.Outcome.HELD, held_until__gt=now
    )
    # Each category with its beds held now, bed by bed, soonest free first: one query.
    categories = in_category_order(
        home.categories.annotate(held_until=ArraySubquery(held_now.order_by("held_until").values("held_until")))
    )
    for row in categories:
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
