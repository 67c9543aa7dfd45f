"""Fixtures: one per role, as the portal's users are."""

import socket
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, Team
from tests.factories import (
    BRADFORD,
    LEEDS,
    CareHomeFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    local_authority,
)
from tests.reference import ensure_reference_data, keep_set_up_data, quicker_flush, stop_putting_back


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slowest tests first (marked slow, then the browser tests), so that parallel workers
    share out the many quick ones behind them evenly and none is left running one long test at
    the end. The order is otherwise pytest-django's; any order is safe, as every test starts
    from the same set-up database (tests/reference.py)."""
    items.sort(
        key=lambda item: 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("browser") else 2
    )


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    """Tests render templates without running collectstatic first."""
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STATIC_ROOT=None,  # nothing collected: the live server serves from the finders
    ):
        yield


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """What a process keeps in its own cache (a dashboard's charts, a field's markup, a
    postcode's place) is kept by keys that can come round again after a test's database is
    rolled back (its sequences are not): each test starts with none of it."""
    yield
    caches["local"].clear()


class RepliesAtOnce(ThreadedWSGIServer):
    """The live server without Nagle's wait: wsgiref writes a response's head and its body
    apart, and the body then waited for the client's delayed acknowledgement, 40 ms on
    every request (measured: /fhir/metadata 44 ms over HTTP, 0.7 ms in-process)."""

    def get_request(self):
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


@pytest.fixture(autouse=True, scope="session")
def _live_server_replies_at_once():
    with mock.patch.object(LiveServerThread, "server_class", RepliesAtOnce):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each test database (one per parallel worker) gets the reference data once, and gets it back
    after every transactional test (tests/reference.py)."""
    with django_db_blocker.unblock():
        ensure_reference_data()
        keep_set_up_data()
    with quicker_flush():
        yield
    stop_putting_back()
    # pytest-django drops the test database next, which PostgreSQL refuses while another session
    # is connected to it: a test that ran last, outside a transaction test's closing of them, can
    # leave one open (seen in one run in three with parallel workers). None is needed by now.
    connections.close_all()
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database is made so that it is stopped
    (closing its thread's connection) before the database is dropped, whichever test needs it first."""
    return live_server


class VerifiedClient(Client):
    """force_login also passes two-factor authentication when the user has an app set up,
    as a real sign-in followed by a code would."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return VerifiedClient()


def with_authenticator(user):
    """Give a user a confirmed authenticator app (council and service admins must have one)."""
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.fixture
def leeds(db):
    return local_authority(LEEDS)


@pytest.fixture
def bradford(db):
    return local_authority(BRADFORD)


@pytest.fixture
def provider(db):
    return ProviderFactory(name="Aire Valley Care Ltd")


@pytest.fixture
def home(provider):
    """Home A: in Leeds, run by `provider`."""
    return CareHomeFactory(name="Headingley Park", provider=provider)


@pytest.fixture
def other_home(db, bradford):
    """Home B: in Bradford, another provider."""
    return CareHomeFactory(name="Heaton Grove", local_authority=bradford, town="Bradford", postcode="BD9 5AB")


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def user_without_role(db):
    return UserFactory(email="nobody@example.org")


@pytest.fixture
def home_staff(home):
    return MembershipFactory(role=Role.HOME_STAFF, home=home, user__email="manager@example.org").user


@pytest.fixture
def other_home_staff(other_home):
    return MembershipFactory(role=Role.HOME_STAFF, home=other_home, user__email="other.manager@example.org").user


@pytest.fixture
def provider_admin(provider):
    return MembershipFactory(role=Role.PROVIDER_ADMIN, provider=provider, user__email="provider@example.org").user


@pytest.fixture
def coordinator(db):
    return MembershipFactory(role=Role.COORDINATOR, user__email="coordinator@example.org").user


@pytest.fixture
def team(db):
    """A hospital's discharge hub."""
    return Team.objects.create(
        name="Leeds discharge hub", kind=Team.Kind.HOSPITAL, contact_email="hub@example.org",
        contact_phone="0113 496 0123",
    )  # fmt: skip


@pytest.fixture
def team_coordinator(team):
    return MembershipFactory(role=Role.COORDINATOR, team=team, user__email="dc@example.org").user


@pytest.fixture
def team_lead(team):
    return MembershipFactory(role=Role.TEAM_LEAD, team=team, user__email="lead@example.org").user


@pytest.fixture
def council_admin(leeds):
    return with_authenticator(
        MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="council@example.org").user
    )


@pytest.fixture
def other_council_admin(bradford):
    return with_authenticator(
        MembershipFactory(
            role=Role.COUNCIL_ADMIN, local_authority=bradford, user__email="other.council@example.org"
        ).user
    )


@pytest.fixture
def service_admin(db):
    return with_authenticator(UserFactory(email="admin@example.org", is_superuser=True, is_staff=True))


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
