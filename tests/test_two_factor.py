"""Two-factor authentication: required for council and service admins, optional for others."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Role
from tests.conftest import VerifiedClient
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client, email):
    return client.post("/sign-in/", {"username": email, "password": PASSWORD})


@pytest.fixture
def new_council_admin(leeds):
    return MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="new.council@example.org").user


def test_council_admin_must_set_up_an_app_before_anything_else(new_council_admin):
    client = Client()
    sign_in(client, "new.council@example.org")
    response = client.get("/area/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/set-up/")
    page = client.get(response["Location"])
    assert "Set up two-factor authentication" in page.text
    assert "<svg" in page.text  # the QR code, inline
    device = TOTPDevice.objects.get(user=new_council_admin, confirmed=False)
    wrong = client.post("/account/two-factor/set-up/?next=/area/", {"code": "000000"})
    assert "That code is not right" in wrong.text
    device.refresh_from_db()
    device.throttle_reset()  # wrong codes slow further tries down (1 s, 2 s, 4 s...): as if the person waited
    done = client.post("/account/two-factor/set-up/?next=/area/", {"code": code_for(device)})
    codes = re.findall(r"<code>(\d{8})</code>", done.text)
    assert len(codes) == 10
    assert client.get("/area/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_set_up").exists()


def test_a_code_is_asked_for_at_every_sign_in(council_admin):
    client = Client()
    sign_in(client, council_admin.email)
    response = client.get("/homes/")
    assert response["Location"].startswith("/account/two-factor/?next=/homes/")
    device = TOTPDevice.objects.get(user=council_admin)
    response = client.post("/account/two-factor/?next=/homes/", {"code": code_for(device)})
    assert response["Location"] == "/homes/"
    assert client.get("/homes/").status_code == 200


def test_a_recovery_code_works_once(council_admin):
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=council_admin, name="Recovery codes")
    StaticToken.objects.create(device=device, token="12345678")
    client = Client()
    sign_in(client, council_admin.email)
    response = client.post("/account/two-factor/", {"code": "12345678"}, follow=True)
    assert "You used a recovery code. 0 left" in response.text
    second = Client()
    sign_in(second, council_admin.email)
    assert "That code is not right" in second.post("/account/two-factor/", {"code": "12345678"}).text


def test_htmx_request_without_the_second_factor_gets_hx_redirect(council_admin):
    client = Client()
    sign_in(client, council_admin.email)
    response = client.get("/homes/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/account/two-factor/"


def test_other_roles_are_not_forced_but_may_opt_in(coordinator):
    client = Client()
    sign_in(client, coordinator.email)
    assert client.get("/find-a-bed/").status_code == 200
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=coordinator)
    client.post("/account/two-factor/set-up/", {"code": code_for(device)})
    later = Client()
    sign_in(later, coordinator.email)
    assert later.get("/find-a-bed/")["Location"].startswith("/account/two-factor/")


def test_sign_out_and_health_stay_reachable(new_council_admin):
    client = Client()
    sign_in(client, "new.council@example.org")
    assert client.get("/healthz").status_code == 200
    assert client.post("/sign-out/").status_code == 302


def test_next_cannot_send_people_to_another_site(council_admin):
    client = Client()
    sign_in(client, council_admin.email)
    device = TOTPDevice.objects.get(user=council_admin)
    response = client.post("/account/two-factor/?next=//evil.example/", {"code": code_for(device)})
    assert response["Location"] == "/"


def test_plain_users_have_nothing_to_verify(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/account/two-factor/")["Location"] == "/account/two-factor/set-up/"


def _reset_in_admin(client, *people):
    data = {"action": "reset_two_factor", "_selected_action": [person.pk for person in people], "index": 0}
    return client.post("/admin/accounts/user/", data, follow=True)


def test_a_service_admin_resets_a_lost_phone_in_admin(client, service_admin, council_admin):
    StaticToken.objects.create(device=council_admin.staticdevice_set.create(name="Recovery codes"), token="12345678")
    theirs = VerifiedClient()
    theirs.force_login(council_admin)
    assert theirs.get("/area/").status_code == 200  # signed in with their (lost) phone
    client.force_login(service_admin)
    response = _reset_in_admin(client, council_admin)
    assert "Two-factor authentication reset for 1 person" in response.text
    assert not TOTPDevice.objects.filter(user=council_admin).exists()
    assert not council_admin.staticdevice_set.exists()  # the recovery codes went too
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_RESET)
    assert (event.user, event.target) == (service_admin, "council@example.org")
    # Their session no longer counts as verified: they must set up again.
    assert theirs.get("/area/")["Location"].startswith("/account/two-factor/set-up/")
    assert TOTPDevice.objects.filter(user=service_admin).exists()  # nobody else's


def test_only_service_admins_can_reset_and_only_whom_they_choose(client, council_admin, service_admin):
    client.force_login(council_admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [service_admin.pk], "index": 0}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=service_admin).exists()
    client.force_login(service_admin)
    response = _reset_in_admin(client)  # nobody selected
    assert "Items must be selected" in response.text
    assert TOTPDevice.objects.filter(user=council_admin).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET).exists()
