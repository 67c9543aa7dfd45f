"""Reads from a PostgreSQL read replica, when there is one (docs/adr/014-replicas-and-stateless-servers.md).

Everything reads from and writes to the primary ("default") unless ``ReplicaMiddleware``
says otherwise for one request: a GET or HEAD under ``REPLICA_READ_PATHS`` (search,
public pages, API reads, dashboards) reads from the replica, when

- the person did not make a non-safe request (a POST...) in the last
  ``REPLICA_STICKY_SECONDS`` (a signed cookie): they see their own change;
- the replica answers and its lag is at most ``REPLICA_MAX_LAG_SECONDS``, measured
  at most once a ``REPLICA_CHECK_SECONDS`` per process (and after a failure, not again
  for ``REPLICA_RETRY_SECONDS``).

Within such a request, reads go back to the primary inside a transaction and after
the request's first write. If the replica fails during the request, the request
is answered again from the primary. Sessions, two-factor devices, sign-in lockouts,
the task queue and the shared cache are always read from the primary: a person's own state must never
go back in time. Commands, the background worker and tests read from the primary.
"""

import logging
import math
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

from tracker.http import from_monitoring, is_public_page

PRIMARY = "default"
STICKY_COOKIE = "reads_primary"
_SALT = "tracker.replicas.sticky"
SAFE_METHODS = {"GET", "HEAD"}
# Apps whose rows are a person's own state or work in progress: never read from a replica.
PRIMARY_ONLY_APPS = {"sessions", "otp_totp", "otp_static", "axes", "django_tasks_db", "django_cache"}

logger = logging.getLogger(__name__)


class _Reads:
    """Where this request reads from; becomes the primary once it writes."""

    def __init__(self, alias: str):
        self.alias = alias
        self.used_replica = False


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


def reading() -> str:
    """The alias a read now goes to (tracker/sql.py's hand-written queries ask too)."""
    reads = _reads.get()
    if reads is None or reads.alias == PRIMARY or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    reads.used_replica = True
    return reads.alias


@contextmanager
def bookkeeping():
    """Writes the request does not read back (a rate-limit count, an "API used" event): they
    go to the primary like every write, but leave the request's reads where they were."""
    reads = _reads.get()
    alias = reads.alias if reads is not None else None
    try:
        yield
    finally:
        if reads is not None:
            reads.alias = alias


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return reading()

    def db_for_write(self, model, **hints):
        if (reads := _reads.get()) is not None:
            reads.alias = PRIMARY  # read what this request wrote
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


@dataclass
class Health:
    usable: bool
    lag_seconds: float | None  # None: unreachable
    checked_at: float  # time.monotonic()
    reason: str = ""


_health: Health | None = None
_health_lock = threading.Lock()

LAG_SQL = """
    SELECT pg_is_in_recovery() AS standby,
           pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() AS caught_up,
           EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float AS replay_age,
           EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming
"""


def measure_lag(alias: str) -> float:
    """Seconds the replica is behind the primary. A standby that has replayed all it
    received while streaming is not behind, however long ago the primary last wrote;
    one that is not streaming is as far behind as its last replayed write.
    A database that is not a standby (a test's mirror) is never behind."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        standby, caught_up, replay_age, streaming = cursor.fetchone()
    if not standby:
        return 0.0
    if streaming and caught_up:
        return 0.0
    return replay_age if replay_age is not None else math.inf


def replica_health(now: float | None = None) -> Health:
    """The replica's state, measured again when the last measure is older than
    REPLICA_CHECK_SECONDS (REPLICA_RETRY_SECONDS after a failure). One thread measures;
    the others use the last measure meanwhile."""
    global _health
    now = time.monotonic() if now is None else now
    known = _health
    if known is not None:
        wait = settings.REPLICA_CHECK_SECONDS if known.lag_seconds is not None else settings.REPLICA_RETRY_SECONDS
        if now - known.checked_at < wait or not _health_lock.acquire(blocking=False):
            return known
    else:
        _health_lock.acquire()
    try:
        alias = settings.READ_REPLICA
        try:
            lag = measure_lag(alias)
        except DatabaseError as error:
            connections[alias].close()
            _health = Health(False, None, now, f"unreachable: {error}".strip()[:200])
        else:
            usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
            _health = Health(usable, lag, now, "" if usable else f"lag {lag:.1f} s")
        if known is None or known.usable != _health.usable:
            logger.warning("Reads from the replica: %s", "on" if _health.usable else f"off, {_health.reason}")
        return _health
    finally:
        _health_lock.release()


def mark_unreachable(reason: str) -> None:
    global _health
    _health = Health(False, None, time.monotonic(), reason)
    logger.warning("Reading from the primary: the replica failed during a request (%s)", reason)


def forget_health() -> None:
    """Measure again at the next request (tests)."""
    global _health
    _health = None


def _eligible(request) -> bool:
    if not settings.READ_REPLICA or request.method not in SAFE_METHODS:
        return False
    if not request.path.startswith(tuple(settings.REPLICA_READ_PATHS)):
        return False
    sticky = request.get_signed_cookie(STICKY_COOKIE, default=None, salt=_SALT, max_age=settings.REPLICA_STICKY_SECONDS)
    return sticky is None


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        alias = settings.READ_REPLICA if _eligible(request) and replica_health().usable else PRIMARY
        reads = _Reads(alias)
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
            if reads.used_replica and response.status_code >= 500 and not _answers(settings.READ_REPLICA):
                # The replica went away mid-request: answer again from the primary.
                mark_unreachable(f"answered {response.status_code}")
                reads = _Reads(PRIMARY)
                _reads.set(reads)
                response = self.get_response(request)
        finally:
            _reads.reset(token)
        if not settings.READ_REPLICA:
            return response
        if from_monitoring(request):  # where a request read from is the operators' business
            response["X-Read-From"] = "replica" if reads.used_replica else "primary"
        if request.method not in SAFE_METHODS and response.status_code < 400 and not _public(request):
            response.set_signed_cookie(
                STICKY_COOKIE, "1", salt=_SALT, max_age=settings.REPLICA_STICKY_SECONDS, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response


def _public(request) -> bool:
    """A public page (no cookie, ever: ADR 011), or no page at all."""
    match = getattr(request, "resolver_match", None)
    return match is None or is_public_page(match.func)


def _answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connections[alias].close()
        return False
