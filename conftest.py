"""Loaded before anything else: the test environment, Django, and the embedded
PostgreSQL started on demand (unless DATABASE_URL points at a server)."""

import os

os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or "tests-only-secret-key-not-for-any-real-deployment"
os.environ["HTTPS"] = "false"  # the test client speaks plain HTTP
os.environ["DEBUG"] = "false"  # test what production runs
# Set here rather than in pytest's ini so that the lines above come first.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

from tracker import embedded_postgres

django.setup()

# The read replica's tests (tests/test_replicas.py) need a second alias; in tests it mirrors
# the test database. Nothing reads from it unless a test sets READ_REPLICA.
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

_default = connections["default"].settings_dict
settings.DATABASES.setdefault("replica", {**_default, "TEST": {**_default["TEST"], "MIRROR": "default"}})

_started_here = False


def pytest_configure(config):
    global _started_here
    if not os.environ.get("DATABASE_URL"):
        _started_here = embedded_postgres.start()


def pytest_unconfigure(config):
    if _started_here:
        embedded_postgres.stop()
