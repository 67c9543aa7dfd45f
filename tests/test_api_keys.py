"""Who stands behind an API key (issue 24): a key stops as soon as the person who made it no
longer holds the role that made it (or is deactivated); a key that sets figures lasts at
most a year. Each is tried as the attack it stops: the key made, the role taken away, the
API called."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from fhir.resources.R4B.operationoutcome import OperationOutcome

from accounts import permissions
from accounts.models import Membership, Role
from accounts.roles import roles_for
from api import keys
from api.models import ApiKey
from tests.conftest import with_authenticator
from tests.factories import PASSWORD, MembershipFactory, ProviderFactory
from tests.test_api import shown_key
from tests.test_two_factor import code_for
from tracker.sql import table

pytestmark = pytest.mark.django_db

YEAR = datetime.timedelta(days=365)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def in_a_year():
    return timezone.now() + YEAR


def refused_because(client, key: str, words: str) -> None:
    """The API and FHIR both answer 401, saying why in their own formats."""
    answer = client.get("/api/v1/homes", **bearer(key))
    assert answer.status_code == 401, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert words in answer.json()["detail"]
    fhir = client.get("/fhir/Location", **bearer(key))
    assert fhir.status_code == 401
    assert words in OperationOutcome.model_validate(fhir.json()).issue[0].diagnostics


def test_a_council_key_stops_when_its_maker_is_no_longer_that_councils_admin(client, council_admin, leeds, home):
    _, key = keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    assert client.get("/api/v1/homes", **bearer(key)).status_code == 200
    Membership.objects.filter(user=council_admin, role=Role.COUNCIL_ADMIN).delete()
    refused_because(client, key, "no longer holds the role that made it")


def test_a_council_admin_of_another_council_keeps_no_key_alive(client, council_admin, leeds, bradford):
    _, key = keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    Membership.objects.filter(user=council_admin, role=Role.COUNCIL_ADMIN).update(local_authority=bradford)
    refused_because(client, key, "no longer holds the role that made it")


def test_a_provider_key_stops_when_its_maker_leaves_the_provider(client, provider_admin, provider, home):
    _, key = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                       expires_at=in_a_year())  # fmt: skip
    assert client.get("/api/v1/homes", **bearer(key)).status_code == 200
    # Still on the staff of one of the provider's homes, but no longer its provider admin.
    MembershipFactory(role=Role.HOME_STAFF, home=home, user=provider_admin)
    Membership.objects.filter(user=provider_admin, role=Role.PROVIDER_ADMIN).delete()
    refused_because(client, key, "no longer holds the role that made it")
    write = client.put(f"/api/v1/homes/{home.cqc_location_id}/vacancies", data="{}", content_type="application/json",
                       HTTP_IF_MATCH='"0"', **bearer(key))  # fmt: skip
    assert write.status_code == 401


def test_a_key_stops_when_its_maker_is_deactivated_or_deleted(client, council_admin, leeds, provider_admin, provider):
    _, council_key = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    _, provider_key = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                                expires_at=in_a_year())  # fmt: skip
    council_admin.is_active = False
    council_admin.save()
    refused_because(client, council_key, "no longer holds the role that made it")
    provider_admin.delete()  # the key's maker becomes unknown
    refused_because(client, provider_key, "no longer holds the role that made it")


@pytest.mark.parametrize("kind", ["national", "council"])
def test_a_service_admins_key_stops_when_they_are_no_longer_a_service_admin(client, service_admin, leeds, kind):
    scope = {"local_authority": leeds} if kind == "council" else {}
    _, key = keys.make(name="A key", kind=kind, user=service_admin, **scope)
    assert client.get("/api/v1/homes", **bearer(key)).status_code == 200
    service_admin.is_superuser = False
    service_admin.save()
    refused_because(client, key, "no longer holds the role that made it")


def test_revoked_and_expired_keys_say_so(client, council_admin, leeds):
    revoked, revoked_key = keys.make(name="Old", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    keys.revoke(revoked, council_admin)
    refused_because(client, revoked_key, "revoked")
    expired, expired_key = keys.make(name="Spent", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused_because(client, expired_key, "expired")
    # Unknown or altered keys learn nothing.
    unknown = client.get("/api/v1/homes", **bearer(expired_key[:-3] + "abc"))
    assert unknown.json()["detail"] == "Send a current API key: Authorization: Bearer <key>."


@pytest.mark.parametrize("maker", ["council_admin", "other_council_admin", "provider_admin", "service_admin",
                                   "home_staff", "coordinator", "nobody"])  # fmt: skip
@pytest.mark.parametrize("kind", ["council", "provider", "national"])
def test_the_keys_check_and_the_keys_page_agree_who_stands_behind_a_key(request, maker, kind, leeds, provider):
    """The SQL that checks each request and ``permissions.api_keys`` (who may see, replace and revoke
    a key on its page) are one rule: a person whose key works is one who may manage it."""
    user = request.getfixturevalue(maker if maker != "nobody" else "user_without_role")
    scope = {"council": {"local_authority": leeds}, "provider": {"provider": provider, "expires_at": in_a_year()},
             "national": {}}[kind]  # fmt: skip
    made, key = keys.make(name="A key", kind=kind, user=user, **scope)
    works = ApiKey.objects.filter(permissions.api_keys(roles_for(user)), pk=made.pk).exists()
    try:
        assert keys.check(key) is not None
        checked = True
    except keys.Stopped:
        checked = False
    assert checked == works


def test_the_keys_page_says_which_keys_stopped_with_their_maker(client, council_admin, leeds):
    colleague = MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="left@example.org").user
    made, _ = keys.make(name="Brokerage", kind=ApiKey.Kind.COUNCIL, user=colleague, local_authority=leeds)
    client.force_login(council_admin)
    assert "Stopped" not in client.get("/api-keys/").text
    Membership.objects.filter(user=colleague).delete()
    listed = client.get("/api-keys/").text
    assert "Stopped" in listed
    assert "its maker no longer holds the role that made it" in listed
    # A colleague who still holds the role takes it over: the new key is theirs, and works.
    replaced = client.post(f"/api-keys/{made.pk}/replace/")
    assert replaced.status_code == 200
    assert client.get("/api/v1/homes", **bearer(shown_key(replaced))).status_code == 200


def test_the_check_is_still_one_statement(client, council_admin, leeds, django_assert_num_queries):
    _, key = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    with django_assert_num_queries(1):
        assert keys.check(key) is not None


# --- a key that sets figures lasts at most a year --------------------------------


def test_a_write_key_without_an_expiry_or_longer_than_a_year_is_refused(provider_admin, provider):
    for expires_at in (None, timezone.now() + YEAR + datetime.timedelta(minutes=1)):
        with pytest.raises(keys.TooLong):
            keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                      expires_at=expires_at)  # fmt: skip
    assert not ApiKey.objects.exists()
    made, _ = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                        expires_at=in_a_year())  # fmt: skip
    assert made.expires_at is not None


def test_the_form_refuses_a_write_key_that_never_expires_by_the_field(client, provider_admin, provider):
    client.force_login(with_authenticator(provider_admin))
    refused = client.post("/api-keys/", {"name": "Rota system", "scope": f"provider:{provider.pk}", "expires": ""})
    assert refused.status_code == 200
    assert 'id="id_expires-error"' in refused.text
    assert "A key that sets figures must expire" in refused.text
    assert 'value="Rota system"' in refused.text  # nothing typed is lost
    assert not ApiKey.objects.exists()
    made = client.post("/api-keys/", {"name": "Rota system", "scope": f"provider:{provider.pk}", "expires": "365"})
    assert made.status_code == 200
    key = ApiKey.objects.get()
    assert key.expires_at - key.created_at <= YEAR


def test_a_read_key_may_still_never_expire(client, council_admin, leeds):
    client.force_login(council_admin)
    client.post("/api-keys/", {"name": "Leeds", "scope": f"council:{leeds.pk}", "expires": ""})
    assert ApiKey.objects.get().expires_at is None


def test_replacing_a_write_key_keeps_it_within_a_year(client, provider_admin, provider):
    old, _ = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                       expires_at=in_a_year())  # fmt: skip
    # A key given its year by the migration long after it was made: its lifetime is longer.
    ApiKey.objects.filter(pk=old.pk).update(created_at=timezone.now() - 3 * YEAR)
    old.refresh_from_db()
    made, _, _ = keys.replace(old, provider_admin)
    assert made.expires_at - made.created_at <= YEAR


def test_the_migration_gives_write_keys_without_an_expiry_a_year(council_admin, leeds, provider_admin, provider):
    read, _ = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    write, _ = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                         expires_at=in_a_year())  # fmt: skip
    soon = timezone.now() + datetime.timedelta(days=30)
    short, _ = keys.make(name="Short", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                         expires_at=soon)  # fmt: skip
    with connection.cursor() as cursor:  # the table as it was before the migration (rolled back after the test)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table(ApiKey)} DROP CONSTRAINT api_write_key_expires")
    ApiKey.objects.filter(pk=write.pk).update(expires_at=None)  # as made before write keys had to expire
    migration = importlib.import_module("api.migrations.0007_write_keys_expire")
    migration.give_write_keys_a_year(django_apps, None)
    write.refresh_from_db(), read.refresh_from_db(), short.refresh_from_db()
    assert abs(write.expires_at - in_a_year()) < datetime.timedelta(minutes=1)
    assert read.expires_at is None  # reading keys may still never expire
    assert short.expires_at == soon


def test_a_provider_key_made_by_a_service_admin_for_another_provider_is_theirs(service_admin):
    other = ProviderFactory()
    _, key = keys.make(name="Other", kind=ApiKey.Kind.PROVIDER, user=service_admin, provider=other,
                       expires_at=in_a_year())  # fmt: skip
    assert keys.check(key) is not None


# --- making or replacing a key needs a session verified by a second factor ----------


def signed_in_with_password_only(user) -> Client:
    """A session as the sign-in page leaves it before any code: the password alone."""
    client = Client()
    assert client.post("/sign-in/", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_a_password_alone_cannot_make_a_key(provider_admin, provider):
    attacker = signed_in_with_password_only(provider_admin)
    made = attacker.post("/api-keys/", {"name": "Exfiltrate", "scope": f"provider:{provider.pk}", "expires": "90"})
    assert made.status_code == 302
    assert made["Location"] == "/account/two-factor/set-up/?next=/api-keys/"  # no app yet: set one up first
    assert not ApiKey.objects.exists()
    assert attacker.get("/api-keys/")["Location"] == "/account/two-factor/set-up/?next=/api-keys/"  # nor see the form
    htmx = attacker.post(
        "/api-keys/", {"name": "x", "scope": f"provider:{provider.pk}"}, headers={"HX-Request": "true"}
    )
    assert htmx["HX-Redirect"] == "/account/two-factor/set-up/?next=/api-keys/"
    assert not ApiKey.objects.exists()


def test_a_password_alone_cannot_replace_a_key_and_is_asked_for_the_code(provider_admin, provider):
    old, old_key = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                             expires_at=in_a_year())  # fmt: skip
    TOTPDevice.objects.create(user=provider_admin, name="Authenticator app", confirmed=True)
    attacker = signed_in_with_password_only(provider_admin)
    replaced = attacker.post(f"/api-keys/{old.pk}/replace/")
    assert replaced.status_code == 302
    assert replaced["Location"] == "/account/two-factor/?next=/api-keys/"  # has an app: give its code
    assert ApiKey.objects.get() == old
    old.refresh_from_db()
    assert old.replaced_by is None
    assert keys.check(old_key) is not None


def test_after_the_code_the_key_is_made_and_the_person_is_back_on_the_keys_page(provider_admin, provider):
    device = TOTPDevice.objects.create(user=provider_admin, name="Authenticator app", confirmed=True)
    person = signed_in_with_password_only(provider_admin)
    asked = person.get("/api-keys/")
    verified = person.post(asked["Location"], {"code": code_for(device)})
    assert verified["Location"] == "/api-keys/"
    made = person.post("/api-keys/", {"name": "Rota", "scope": f"provider:{provider.pk}", "expires": "90"})
    assert made.status_code == 200
    assert ApiKey.objects.get().name == "Rota"


def test_revoking_needs_no_second_factor(provider_admin, provider):
    """Stopping a key that may be in the wrong hands must never wait for a phone."""
    made, _ = keys.make(name="Rota", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                        expires_at=in_a_year())  # fmt: skip
    person = signed_in_with_password_only(provider_admin)
    assert person.post(f"/api-keys/{made.pk}/revoke/").status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None


def test_outsiders_still_get_404_before_any_question_of_a_code(home_staff):
    outsider = signed_in_with_password_only(home_staff)
    assert outsider.get("/api-keys/").status_code == 404
    assert outsider.post("/api-keys/", {"name": "x"}).status_code == 404
