"""Pages of a list whose total comes from the same query as the page (a window), not a second
COUNT: one statement where Django's Paginator runs two (docs/adr/023-everyday-pages-speed.md)."""

import math

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

# The highest page number read as asked: past it, a number is someone typing (or attacking) the
# address, and would overflow the database's OFFSET; the last page answers it, as past the end.
MAX_PAGE = 10_000


class CountedPaginator(Paginator):
    """A paginator told its count (by the page query's window), so it never counts again."""

    def __init__(self, count: int, per_page: int):
        super().__init__((), per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def counted_page(queryset, number: str | None, per_page: int) -> Page:
    """The page ``number`` of ``queryset``, as ``Paginator.get_page`` gives it (the first when
    ``number`` is nonsense, the last when past the end), with the total counted alongside the
    rows. Past the end costs a count and the last page: a link followed after rows went."""
    counted = queryset.annotate(rows_in_all=Window(Count("*")))
    return rows_page(lambda offset, limit: list(counted[offset : offset + limit]), number, per_page)


def rows_page(rows_at, number: str | None, per_page: int) -> Page:
    """``counted_page`` for rows read by hand: ``rows_at(offset, limit)`` gives that slice of
    the list, each row with ``rows_in_all``, the whole list's count (``count(*) OVER ()``)."""
    try:
        wanted = min(max(int(number or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        wanted = 1
    rows = rows_at((wanted - 1) * per_page, per_page)
    if rows:
        total = _total(rows[0])
    elif wanted > 1 and (first := rows_at(0, 1)):
        total = _total(first[0])
        wanted = math.ceil(total / per_page)
        rows = rows_at((wanted - 1) * per_page, per_page)
    else:
        total, wanted = 0, 1
    return Page(rows, wanted, CountedPaginator(total, per_page))


def _total(row) -> int:
    return row["rows_in_all"] if isinstance(row, dict) else row.rows_in_all
