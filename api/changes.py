"""The changes feeds: every home (or home-care agency: ADR 019) that changed after a cursor, in
the order the changes became final, so a partner keeps an exact copy with one small request a
minute.

Rows come from ``HomeChange`` (or ``AgencyChange``; written by triggers). A row is served only once every
transaction older than it has finished (``txid`` below the snapshot's xmin): a transaction
that started early and commits late can never slip behind a cursor a partner already
holds. The cursor is opaque to partners: ``tx:<txid>:<home id>``.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from api import cursors
from api.models import AgencyChange, ApiKey, ChangeFeedStart, HomeChange, LocationChange
from tracker.sql import named_rows, table, value


class CursorTooOld(Exception):
    """The changes after this cursor were pruned: list the homes afresh."""


@dataclass(frozen=True, order=True)
class Position:
    txid: int
    home_id: int

    def encode(self) -> str:
        return cursors.encode("tx", self.txid, self.home_id)

    @classmethod
    def decode(cls, cursor: str) -> "Position":
        return cls(*cursors.decode(cursor, "tx", 2))


@dataclass
class Page:
    home_ids: list[int]  # each once, in the order of their latest change in the page
    next: Position
    more: bool  # the page was full: ask again straight away


# Rows after the cursor from transactions that have all finished, in the key's scope, in
# order: the changes of homes in the scope as the change left them (a deleted home's own),
# and of homes that moved out of it, each found by index (``{rows}``: one ordered branch per
# index, so PostgreSQL keeps one plan per connection). One statement, so the horizon and
# the rows come from the same snapshot. (The homes are read by a second, api/documents.py:
# as one statement with them it was planned afresh every time, measured 1.9 against 1.2 ms.)
_PAGE = f"""
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
                        (SELECT max(txid) FROM {table(ChangeFeedStart)}) AS pruned)
SELECT horizon.xmin, horizon.pruned, c.txid, c.home_id
  FROM horizon LEFT JOIN LATERAL (
       SELECT * FROM ({{rows}}) c ORDER BY c.txid, c.home_id LIMIT %s) c ON true
"""  # noqa: S608 - the models' tables; the rows' conditions are ours and their values parameters
_ROWS = """(SELECT c.txid, c.home_id FROM {changes} c
   WHERE (c.txid, c.home_id) > (%s, %s) AND c.txid < horizon.xmin AND {where}
   ORDER BY c.txid, c.home_id LIMIT %s)"""


def _page_sql(key: ApiKey, after: Position, limit: int, changes: type[LocationChange]) -> tuple[str, list]:
    """The page's statement and its parameters: a branch of rows per index the scope reads."""
    branches = [key.home_sql("c"), key.home_sql("c", "left_")] if key.home_column() else [("true", [])]
    rows = " UNION ALL ".join(
        _ROWS.replace("{changes}", table(changes)).replace("{where}", where) for where, _ in branches
    )
    params = [param for _, values in branches for param in (after.txid, after.home_id, *values, limit)]
    return _PAGE.replace("{rows}", rows), [*params, limit]


def start() -> Position:
    """The feed's position now: nothing that finished before it, everything after."""
    return Position(value("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"), -1)


def page(key: ApiKey, after: Position, limit: int, changes: type[LocationChange] = HomeChange) -> Page:
    """Up to ``limit`` changes (of homes, or with ``changes`` AgencyChange of agencies) after
    ``after`` in the key's scope. Raises CursorTooOld when changes after it have been pruned."""
    rows = named_rows(*_page_sql(key, after, limit, changes))
    pruned, horizon = rows[0]["pruned"], rows[0]["xmin"]
    if pruned is not None and after.txid < pruned:
        raise CursorTooOld
    found = [(row["txid"], row["home_id"]) for row in rows if row["txid"] is not None]
    ids = list(dict.fromkeys(home_id for _, home_id in reversed(found)))[::-1]
    if len(found) == limit:
        return Page(ids, Position(*found[-1]), more=True)
    # Everything visible after the cursor was read: carry on from the horizon, so the next
    # request starts there and skips other scopes' changes already passed over.
    last = Position(*found[-1]) if found else after
    return Page(ids, max(last, Position(horizon, -1)), more=False)


FEEDS = (HomeChange, AgencyChange)


def prune(older_than: datetime.timedelta, now: datetime.datetime | None = None) -> int:
    """Delete changes (of both feeds) older than ``older_than``; cursors from before them get
    410 Gone."""
    cutoff = (now or timezone.now()) - older_than
    old = [feed.objects.filter(changed_at__lt=cutoff).order_by("-txid").values_list("txid", flat=True).first()
           for feed in FEEDS]  # fmt: skip
    if not any(old):
        return 0
    newest = max(txid for txid in old if txid is not None)
    ChangeFeedStart.objects.create(txid=newest + 1)
    return sum(feed.objects.filter(txid__lte=newest).delete()[0] for feed in FEEDS)
