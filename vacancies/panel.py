"""What a home's page shows about its beds: figures, freshness, closure, trend."""

from vacancies.freshness import freshness
from vacancies.models import CareCategory, HomeVacancies
from vacancies.trends import accepting_trend


def vacancy_panel(home) -> dict:
    board = HomeVacancies.objects.filter(home=home).select_related("last_confirmed_by").first()
    categories = sorted(home.categories.all(), key=lambda row: CareCategory.values.index(row.category))
    return {
        "board": board,
        "categories": categories,
        "freshness": freshness(board.last_confirmed_at if board else None),
        "trend": accepting_trend(home) if categories else None,
    }
