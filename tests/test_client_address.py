"""Whose address is it (issue 24): behind the documented balancer, the sign-in lockout, the
audit trail and the public rate limit count each client apart, and a forged header moves
nobody into someone else's count."""

import pytest
from django.test import Client, RequestFactory
from django.test.utils import override_settings

from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tracker.client_address import client_address

pytestmark = pytest.mark.django_db
BALANCER = "10.0.0.5"  # what every request's REMOTE_ADDR is behind HAProxy


def through_balancer(client_ip: str, forged: str = "") -> dict:
    """What reaches the app server: HAProxy appends the address it was connected from."""
    forwarded = f"{forged}, {client_ip}" if forged else client_ip
    return {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": forwarded}


def sign_in(client, email, password, **meta):
    """Each try from a browser of its own: a signed-in client would be sent on, not checked."""
    return Client().post("/sign-in/", {"username": email, "password": password}, **meta)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),  # no proxy: the header is the client's own words
        (1, BALANCER, "203.0.113.9", "203.0.113.9"),
        (1, BALANCER, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own prefix is ignored
        (2, BALANCER, "198.51.100.1, 203.0.113.9, 10.0.0.9", "203.0.113.9"),  # CDN, then HAProxy
        (1, BALANCER, "", BALANCER),  # did not come through the proxy
        (1, BALANCER, "not-an-address", BALANCER),
        (1, BALANCER, "::ffff:127.0.0.2", "127.0.0.2"),
        (1, BALANCER, "2001:db8::1", "2001:db8::1"),
        (0, "", "", None),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_balancer_wrong_passwords_from_one_client_do_not_lock_out_another(client, settings):
    """The attack on main: five wrong passwords from anyone locked the account for everyone,
    because every request had the balancer's address."""
    UserFactory(email="nurse@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nurse@example.org", "wrong", **through_balancer("127.0.0.2"))
    assert sign_in(client, "nurse@example.org", PASSWORD, **through_balancer("127.0.0.2")).status_code == 429
    assert sign_in(client, "nurse@example.org", PASSWORD, **through_balancer("127.0.0.3")).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_header_does_not_put_the_attacker_in_the_owners_count(client, settings):
    UserFactory(email="nurse@example.org")
    owner = "203.0.113.7"
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(client, "nurse@example.org", "wrong", **through_balancer("198.51.100.1", forged=owner))
    assert sign_in(client, "nurse@example.org", PASSWORD, **through_balancer(owner)).status_code == 302
    # ...nor let the locked-out attacker out by naming another address.
    assert (
        sign_in(
            client, "nurse@example.org", PASSWORD, **through_balancer("198.51.100.1", forged="192.0.2.99")
        ).status_code
        == 429
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_an_account_attacked_from_many_addresses_is_never_locked_for_its_owner(client, settings):
    UserFactory(email="nurse@example.org")
    attackers = [f"198.51.100.{n}" for n in range(1, 11)]
    for address in attackers:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            sign_in(client, "nurse@example.org", "wrong", **through_balancer(address))
    # Each attacking address is stopped for this account...
    for address in attackers:
        assert sign_in(client, "nurse@example.org", PASSWORD, **through_balancer(address)).status_code == 429
    # ...and the owner signs in from their own.
    assert sign_in(client, "nurse@example.org", PASSWORD, **through_balancer("203.0.113.7")).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_trail_records_the_clients_address_not_the_balancers(client):
    UserFactory(email="nurse@example.org")
    sign_in(client, "nurse@example.org", PASSWORD, **through_balancer("203.0.113.7"))
    assert AuditEvent.objects.get(action="sign_in").ip_address == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1, PUBLIC_REQUESTS_PER_MINUTE=3)
def test_behind_the_balancer_the_public_rate_limit_counts_each_client_apart(client, home):
    page = f"/care-homes/{home.cqc_location_id}/"
    for _ in range(3):
        assert client.get(page, **through_balancer("127.0.0.2")).status_code == 200
    assert client.get(page, **through_balancer("127.0.0.2")).status_code == 429
    assert client.get(page, **through_balancer("127.0.0.3")).status_code == 200
    # A busy client cannot spend another's allowance by forging its address either.
    assert client.get(page, **through_balancer("127.0.0.2", forged="127.0.0.3")).status_code == 429
    assert client.get(page, **through_balancer("127.0.0.3")).status_code == 200
