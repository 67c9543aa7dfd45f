"""What a home's page shows about its beds: figures, freshness, closure, trend."""

from vacancies.freshness import freshness
from vacancies.models import HomeVacancies, in_category_order
from vacancies.trends import accepting_trend


def vacancy_panel(home) -> dict:
    board = HomeVacancies.objects.filter(home=home).select_related("last_confirmed_by").first()
    categories = in_category_order(home.categories.all())
    return {
        "board": board,
        "categories": categories,
        "freshness": freshness(board.last_confirmed_at if board else None),
        "trend": accepting_trend(home) if categories else None,
    }
