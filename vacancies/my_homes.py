"""My homes: the care homes a person keeps current, as their cards list them.

One hand-written statement reads a page of them, each home's board, whether it has figures
yet and the count of all of them (the ORM built and compiled the same in about 1.5 ms of a
provider's page; docs/adr/023-everyday-pages-speed.md). The homes are those
``allowed(CareHome.objects, UPDATE_HOME, user)`` gives (``homes.access.allowed_where``: the
same grants), active; "stale only" keeps those not confirmed in the last 24 hours (or never).
"""

from django.core.paginator import Page
from django.utils import timezone

from accounts.permissions import UPDATE_HOME
from homes.access import allowed_where
from registers.choices import HomeStatus
from registers.models import CareHome
from tracker.paging import rows_page
from tracker.sql import named_rows, table
from vacancies.freshness import STALE_AFTER
from vacancies.models import CategoryVacancy, HomeVacancies

PER_PAGE = 100


def _rows(user, *, stale_only: bool = False, pk: int | None = None, offset: int = 0, limit: int | None = None):
    """The rows of the cards (``pk``, ``name``, ``has_figures``, ``closed``, ``closed_reason``,
    ``accepting``, ``confirmed``, and ``rows_in_all``), by name, of the active homes; ``pk``: that
    home alone, whatever its status (its card drawn again after a confirm)."""
    reachable, params = allowed_where(CareHome.objects, UPDATE_HOME, user)
    sql = f"""
        SELECT home.id AS pk, home.name,
               EXISTS (SELECT 1 FROM {table(CategoryVacancy)} WHERE home_id = home.id) AS has_figures,
               board.closed_to_admissions AS closed, board.closed_reason,
               board.vacant_accepting_total AS accepting, board.last_confirmed_at AS confirmed,
               count(*) OVER () AS rows_in_all
          FROM (SELECT id, name FROM {table(CareHome)}
                 WHERE {reachable} AND {"status = %s" if pk is None else "id = %s"}) AS home
          LEFT JOIN {table(HomeVacancies)} AS board ON board.home_id = home.id
         {"WHERE board.last_confirmed_at IS NULL OR board.last_confirmed_at < %s" if stale_only else ""}
         ORDER BY home.name, home.id
         {"" if limit is None else "LIMIT %s"} OFFSET %s
    """  # noqa: S608 - table names from the models, every value a parameter
    params = [*params, HomeStatus.ACTIVE if pk is None else pk]
    if stale_only:
        params.append(timezone.now() - STALE_AFTER)
    if limit is not None:
        params.append(limit)
    return named_rows(sql, [*params, offset])


def page(user, number: str | None, *, stale_only: bool = False) -> Page:
    """The page ``number`` of this person's homes (``_rows``), 100 a page."""
    return rows_page(
        lambda offset, limit: _rows(user, stale_only=stale_only, offset=offset, limit=limit), number, PER_PAGE
    )


def one(user, pk: int) -> dict | None:
    """Home ``pk``'s row, if it is one of this person's homes (a card drawn again after a confirm)."""
    found = _rows(user, pk=pk)
    return found[0] if found else None


def ids(user, *, stale_only: bool = False) -> list[int]:
    """Every one of this person's homes (or the stale ones), in the list's order ("confirm all")."""
    return [row["pk"] for row in _rows(user, stale_only=stale_only)]
