"""Loaded before anything else: the test environment, Django, and the embedded
PostgreSQL started on demand (unless DATABASE_URL points at a server)."""

import os
from pathlib import Path

os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or "tests-only-secret-key-not-for-any-real-deployment"
os.environ["HTTPS"] = "false"  # the test client speaks plain HTTP
os.environ["DEBUG"] = "false"  # test what production runs
# Set here rather than in pytest's ini so that the lines above come first.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django
from django.conf import settings

from tracker import embedded_postgres

django.setup()

# Each of pytest-xdist's parallel workers has a cluster of its own (var/postgres-gw0, ...), not
# just a database: the changes feed waits for every older transaction in the cluster, so one
# worker's open test transaction would hold back another's feed (docs/adr/017-parallel-tests.md).
# A worker inherits DJANGO_SETTINGS_MODULE, so its settings are loaded before this file: both
# are pointed at the worker's cluster here, before any connection is made.
if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and not os.environ.get("DATABASE_URL"):
    embedded_postgres.DATA_DIR = Path(f"{embedded_postgres.DATA_DIR}-{worker}")
    os.environ["EMBEDDED_POSTGRES_DIR"] = str(embedded_postgres.DATA_DIR)  # for processes the tests start
    settings.DATABASES["default"]["HOST"] = embedded_postgres.socket_dir()

# The read replica's tests (tests/test_replicas.py) need a second alias; in tests it mirrors
# the test database. Nothing reads from it unless a test sets READ_REPLICA.
from django.db import connections  # noqa: E402

_default = connections["default"].settings_dict
settings.DATABASES.setdefault("replica", {**_default, "TEST": {**_default["TEST"], "MIRROR": "default"}})

_started_here = False


def pytest_configure(config):
    global _started_here
    # With parallel workers, the process that hands out the tests needs no database.
    hands_out_tests = config.getoption("numprocesses", None) and not hasattr(config, "workerinput")
    if not os.environ.get("DATABASE_URL") and not hands_out_tests:
        _started_here = embedded_postgres.start()
        if worker:
            _nothing_to_keep()


def _nothing_to_keep():
    """A worker's cluster holds test databases only, each dropped at the end of the run: it need
    not survive a crash, so it writes without waiting for the disk (flushing the tables after a
    transactional test took a second on a busy disk). Nothing a test sees changes."""
    import psycopg

    with psycopg.connect(host=embedded_postgres.socket_dir(), port=embedded_postgres.PORT,
                         user=embedded_postgres.DB_USER, dbname="postgres", autocommit=True) as connection:  # fmt: skip
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(f"ALTER SYSTEM SET {setting} = off")
        connection.execute("SELECT pg_reload_conf()")


def pytest_unconfigure(config):
    if _started_here:
        embedded_postgres.stop()
