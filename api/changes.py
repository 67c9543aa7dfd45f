"""The changes feed: every home that changed after a cursor, in the order the changes
became final, so a partner keeps an exact copy with one small request a minute.

Rows come from ``HomeChange`` (written by triggers). A row is served only once every
transaction older than it has finished (``txid`` below the snapshot's xmin): a transaction
that started early and commits late can never slip behind a cursor a partner already
holds. The cursor is opaque to partners: ``tx:<txid>:<home id>``.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from api import cursors, documents
from api.models import ApiKey, ChangeFeedStart, HomeChange
from homes.models import CareHome, HomeStatus
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
    homes: dict[int, dict | None]  # each home once, in the order of its latest change in the page,
    # as the API shows it (None: archived or deleted)
    next: Position
    more: bool  # the page was full: ask again straight away


# Rows after the cursor from transactions that have all finished, in the key's scope (a home
# deleted outright is in every scope: only its id is left), each home's latest row in the
# page with the home as the API shows it (null when it is archived or deleted). One
# statement, so the horizon, the rows and the homes come from the same snapshot.
_PAGE = f"""
WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
                        (SELECT max(txid) FROM {table(ChangeFeedStart)}) AS pruned)
SELECT horizon.xmin, horizon.pruned, page.txid, page.home_id, page.latest,
       CASE WHEN page.latest AND h.status = %s THEN {documents.HOME} END AS home
  FROM horizon LEFT JOIN LATERAL (
       SELECT found.*, row_number() OVER (PARTITION BY found.home_id ORDER BY found.txid DESC) = 1 AS latest
         FROM (SELECT c.txid, c.home_id FROM {table(HomeChange)} c
                 LEFT JOIN {table(CareHome)} h ON h.id = c.home_id
                WHERE (c.txid, c.home_id) > (%s, %s) AND c.txid < horizon.xmin AND ({{scope}})
                ORDER BY c.txid, c.home_id LIMIT %s) found) page ON true
  LEFT JOIN {table(CareHome)} h ON h.id = page.home_id
 ORDER BY page.txid, page.home_id
"""  # noqa: S608 - the models' tables; the scope is ours and its values are parameters


def _scope_sql(key: ApiKey) -> tuple[str, list]:
    if (column := key.home_column()) is None:
        return "true", []
    return f"h.id IS NULL OR h.{column[0]} = %s", [column[1]]


def start() -> Position:
    """The feed's position now: nothing that finished before it, everything after."""
    return Position(value("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"), -1)


def page(key: ApiKey, after: Position, limit: int) -> Page:
    """Up to ``limit`` changes after ``after`` in the key's scope. Raises CursorTooOld when
    changes after it have been pruned."""
    scope, scope_params = _scope_sql(key)
    rows = named_rows(
        _PAGE.replace("{scope}", scope), [HomeStatus.ACTIVE, after.txid, after.home_id, *scope_params, limit]
    )
    pruned, horizon = rows[0]["pruned"], rows[0]["xmin"]
    if pruned is not None and after.txid < pruned:
        raise CursorTooOld
    found = [(row["txid"], row["home_id"]) for row in rows if row["txid"] is not None]
    homes = {row["home_id"]: row["home"] for row in rows if row["txid"] is not None and row["latest"]}
    if len(found) == limit:
        return Page(homes, Position(*found[-1]), more=True)
    # Everything visible after the cursor was read: carry on from the horizon, so the next
    # request starts there and skips other scopes' changes already passed over.
    last = Position(*found[-1]) if found else after
    return Page(homes, max(last, Position(horizon, -1)), more=False)


def prune(older_than: datetime.timedelta, now: datetime.datetime | None = None) -> int:
    """Delete changes older than ``older_than``; cursors from before them get 410 Gone."""
    cutoff = (now or timezone.now()) - older_than
    old = HomeChange.objects.filter(changed_at__lt=cutoff)
    newest = old.order_by("-txid").values_list("txid", flat=True).first()
    if newest is None:
        return 0
    ChangeFeedStart.objects.create(txid=newest + 1)
    deleted, _ = HomeChange.objects.filter(txid__lte=newest).delete()
    return deleted
