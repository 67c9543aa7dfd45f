"""Rate limits that every app server shares: a count per client per minute, in PostgreSQL.

``@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")`` on a view answers a client over
its limit with a polite 429 and Retry-After. One upsert a request, on an unlogged table.
"""

import random
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import RequestCount
from tracker.client_address import client_address
from tracker.sql import row_values, table

COUNTS = table(RequestCount)
KEEP_MINUTES = 10


@dataclass(frozen=True)
class Tally:
    """One client's requests this minute, this one included, against its limit."""

    made: int
    limit: int
    reset: int  # seconds until the minute ends

    @property
    def over(self) -> bool:
        return self.made > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.made)


def count(key: str, limit: int) -> int | None:
    """Count one request for ``key`` this minute. None when it is within ``limit``;
    otherwise the seconds until the minute ends (for Retry-After)."""
    counted = tally(key, limit)
    return counted.reset if counted.over else None


def tally(key: str, limit: int, *, record: tuple | None = None) -> Tally:
    """Count one request for ``key`` this minute. ``record``, a model and its row's values,
    is inserted by the same statement when the request is within the limit (one round trip
    for the API's count and audit event: api/keys.py)."""
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    hit = (
        f"INSERT INTO {COUNTS} (key, minute, count) VALUES (%s, %s, 1) "  # noqa: S608 - the model's table
        f"ON CONFLICT (key, minute) DO UPDATE SET count = {COUNTS}.count + 1 RETURNING count"
    )
    sql, params = hit, [key, minute]
    if record is not None:
        names, placeholders, values = row_values(*record)
        sql = (
            f"WITH hit AS ({hit}), recorded AS (INSERT INTO {table(record[0])} ({names}) "  # noqa: S608
            f"SELECT {placeholders} FROM hit WHERE hit.count <= %s) SELECT count FROM hit"
        )
        params += [*values, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        made = cursor.fetchone()[0]
        if made == 1 and random.random() < 0.01:  # now and then, forget finished minutes
            cursor.execute(
                f"DELETE FROM {COUNTS} WHERE minute < %s",  # noqa: S608
                [minute - timezone.timedelta(minutes=KEEP_MINUTES)],
            )
    return Tally(made=made, limit=limit, reset=max(1, 60 - now.second))


def too_many(wait: int) -> HttpResponse:
    response = HttpResponse(render_to_string("429.jinja", {"wait": wait}), status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


def throttled(scope: str, limit_setting: str):
    """A view that answers 429 to a client over ``settings.<limit_setting>`` requests a minute."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = count(f"{scope}:{client_address(request)}", getattr(settings, limit_setting))
            if wait is not None:
                return too_many(wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
