"""Two-factor authentication: required for council and service admins, optional for others."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.models import AuditEvent, Role
from tests.conftest import VerifiedClient
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _emails_at_once(monkeypatch):
    """A test's transaction never commits: the email sent after a commit goes at once."""
    monkeypatch.setattr("accounts.two_factor.transaction.on_commit", lambda callback, **kwargs: callback())


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
    event = AuditEvent.objects.get(action=audit.Action.TWO_FACTOR_RESET)
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
    assert not AuditEvent.objects.filter(action=audit.Action.TWO_FACTOR_RESET).exists()


# --- a password alone never makes an admin (issue 24) -----------------------------------


def _device(user):
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_a_password_alone_cannot_replace_the_authenticator(council_admin, mailoutbox):
    """The attack: with only the council admin's password, set up a new app and so become
    fully verified. Refused; the owner's app stays, nothing is sent."""
    theirs = _device(council_admin)
    attacker = Client()
    sign_in(attacker, council_admin.email)
    response = attacker.get("/account/two-factor/set-up/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=/account/two-factor/set-up/"
    # Posting a code straight to the set-up page changes nothing either.
    assert attacker.post("/account/two-factor/set-up/", {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=council_admin)) == [theirs]
    assert attacker.get("/area/")["Location"].startswith("/account/two-factor/?next=")
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="two_factor").exists()


def test_recovery_codes_alone_are_a_second_factor_too(user_without_role):
    StaticToken.objects.create(device=user_without_role.staticdevice_set.create(name="Recovery codes"), token="1")
    attacker = Client()
    sign_in(attacker, user_without_role.email)
    assert attacker.get("/account/two-factor/set-up/")["Location"].startswith("/account/two-factor/?next=")
    assert not TOTPDevice.objects.filter(user=user_without_role).exists()


def _replace_app(client, user):
    page = client.get("/account/two-factor/set-up/")
    assert "Change your authenticator app" in page.text
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/account/two-factor/set-up/", {"code": code_for(new)})
    assert "Two-factor authentication is on" in done.text
    return new


def test_a_verified_session_may_replace_the_app_and_the_owner_is_told(council_admin, mailoutbox):
    old = _device(council_admin)
    client = Client()
    sign_in(client, council_admin.email)
    client.post("/account/two-factor/", {"code": code_for(old)})
    new = _replace_app(client, council_admin)
    assert list(TOTPDevice.objects.filter(user=council_admin)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert client.get("/area/").status_code == 200
    [email] = mailoutbox
    assert email.to == [council_admin.email]
    assert "moved to a new authenticator app" in email.body
    assert "If this was not you" in email.body
    assert AuditEvent.objects.filter(action="two_factor_changed", target=council_admin.email).exists()


def test_a_recovery_code_verifies_a_session_for_replacing_a_lost_phone(council_admin, mailoutbox):
    StaticToken.objects.create(device=council_admin.staticdevice_set.create(name="Recovery codes"), token="87654321")
    client = Client()
    sign_in(client, council_admin.email)
    client.post("/account/two-factor/?next=/account/two-factor/set-up/", {"code": "87654321"})
    _replace_app(client, council_admin)
    assert len(mailoutbox) == 1


def test_the_first_set_up_is_emailed(new_council_admin, mailoutbox):
    client = Client()
    sign_in(client, new_council_admin.email)
    client.get("/account/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=new_council_admin, confirmed=False)
    client.post("/account/two-factor/set-up/", {"code": code_for(device)})
    [email] = mailoutbox
    assert "turned on" in email.body


def key_shown(page) -> str:
    """The key to type into an app, as the set-up page shows it."""
    return re.search(r'<strong class="tracker-nowrap">([A-Z2-7 ]+)</strong>', page.text).group(1)


def test_a_key_being_set_up_is_shown_to_its_own_session_only(new_council_admin):
    """Someone else with the password, opening set-up first, must not learn the key the
    owner then confirms."""
    attacker, owner = Client(), Client()
    sign_in(attacker, new_council_admin.email)
    sign_in(owner, new_council_admin.email)
    seen_by_attacker = key_shown(attacker.get("/account/two-factor/set-up/"))
    seen_by_owner = key_shown(owner.get("/account/two-factor/set-up/"))
    assert seen_by_attacker != seen_by_owner
    mine = TOTPDevice.objects.get(pk=owner.session["two_factor_pending_device"])
    owner.post("/account/two-factor/set-up/", {"code": code_for(mine)})
    assert list(TOTPDevice.objects.filter(user=new_council_admin)) == [mine]  # the attacker's pending key went
    assert attacker.get("/area/")["Location"].startswith("/account/two-factor/?next=")


def test_a_role_that_needs_two_factor_applies_from_the_next_request(coordinator, leeds):
    client = Client()
    sign_in(client, coordinator.email)
    assert client.get("/find-a-bed/").status_code == 200
    MembershipFactory(user=coordinator, role=Role.COUNCIL_ADMIN, local_authority=leeds)
    assert client.get("/find-a-bed/")["Location"].startswith("/account/two-factor/set-up/")


def test_an_app_set_up_in_another_session_applies_at_once(coordinator):
    idle = Client()
    sign_in(idle, coordinator.email)
    assert idle.get("/find-a-bed/").status_code == 200
    other = Client()
    sign_in(other, coordinator.email)
    other.get("/account/two-factor/set-up/")
    other.post("/account/two-factor/set-up/", {"code": code_for(TOTPDevice.objects.get(user=coordinator))})
    assert idle.get("/find-a-bed/")["Location"].startswith("/account/two-factor/?next=")


def test_the_reset_is_emailed_to_the_person(client, service_admin, council_admin, mailoutbox):
    client.force_login(service_admin)
    _reset_in_admin(client, council_admin)
    [email] = mailoutbox
    assert email.to == [council_admin.email]
    assert "reset by the service desk" in email.body


def test_django_admin_shows_no_ones_authenticator_key(client, service_admin, council_admin):
    client.force_login(service_admin)
    device = _device(council_admin)
    for url in ("/admin/otp_totp/totpdevice/", f"/admin/otp_totp/totpdevice/{device.pk}/config/",
                "/admin/otp_totp/totpdevice/add/", "/admin/otp_static/staticdevice/"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_the_account_page_says_whether_two_factor_is_on(client, coordinator, council_admin):
    client.force_login(coordinator)
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Off. You can turn it on" in page.text
    client.force_login(council_admin)
    page = client.get("/account/")
    assert "On: signing in needs a code" in page.text
    assert "Change your authenticator app" in page.text


def test_the_account_page_needs_a_sign_in(anonymous):
    assert anonymous.get("/account/")["Location"].startswith("/sign-in/?next=/account/")


def test_a_role_given_in_one_request_is_also_the_unverified_admins_redirect_for_htmx(coordinator, leeds):
    client = Client()
    sign_in(client, coordinator.email)
    MembershipFactory(user=coordinator, role=Role.COUNCIL_ADMIN, local_authority=leeds)
    response = client.get("/find-a-bed/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/account/two-factor/set-up/"
