"""Inviting a home's staff: one-time links that expire, resend and revoke."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership, Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, home, email="new.manager@example.org", name="Nell Manager"):
    return client.post(f"/homes/{home.pk}/staff/", {"full_name": name, "email": email}, follow=True)


def link_in_last_email():
    return re.search(r"http://testserver(/invitations/accept/[^/\s]+/)", mail.outbox[-1].body)[1]


@pytest.mark.parametrize("role", ["council_admin", "provider_admin", "service_admin"])
def test_councils_and_provider_admins_invite_staff(client, request, home, role):
    client.force_login(request.getfixturevalue(role))
    response = invite(client, home, email="New.Manager@Example.org")
    assert "Invitation sent to new.manager@example.org" in response.text
    assert mail.outbox[-1].to == ["new.manager@example.org"]
    assert "Headingley Park" in mail.outbox[-1].body
    assert "7 days" in mail.outbox[-1].body
    invitation = Invitation.objects.get()
    assert invitation.status == "Pending"
    assert invitation.token_hash not in mail.outbox[-1].body  # only the hash is stored


@pytest.mark.parametrize("role", ["home_staff", "coordinator", "other_council_admin", "other_home_staff"])
def test_others_cannot_invite(client, request, home, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{home.pk}/staff/").status_code == 404
    assert invite(client, home).status_code == 404
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_bad_email_is_explained(client, council_admin, home):
    client.force_login(council_admin)
    response = client.post(f"/homes/{home.pk}/staff/", {"full_name": "Nell", "email": "nell at example"})
    assert 'id="id_email-error"' in response.text
    assert not Invitation.objects.exists()


def test_a_homes_staff_are_listed_each_with_a_remove_button(client, council_admin, home, home_staff):
    client.force_login(council_admin)
    page = client.get(f"/homes/{home.pk}/staff/").text
    member = home_staff.memberships.get(home=home)
    assert f'action="/homes/{home.pk}/staff/{member.pk}/remove/"' in page
    assert f'Remove access<span class="nhsuk-u-visually-hidden"> for {home_staff.email}</span>' in page


def test_inviting_someone_already_on_the_staff_is_explained(client, council_admin, home, home_staff):
    client.force_login(council_admin)
    response = client.post(f"/homes/{home.pk}/staff/", {"full_name": "M", "email": home_staff.email})
    assert "is already on the staff of Headingley Park" in response.text
    assert not Invitation.objects.exists()


def test_new_person_sets_a_password_and_can_then_update_the_home(client, council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    link = link_in_last_email()
    client.logout()
    page = client.get(link)
    assert "Set up your account" in page.text
    response = client.post(
        link, {"full_name": "Nell Manager", "password1": "a-strong-passphrase", "password2": "a-strong-passphrase"}
    )
    assert response.status_code == 302
    user = Membership.objects.get(home=home, role=Role.HOME_STAFF).user
    assert user.email == "new.manager@example.org"
    assert user.check_password("a-strong-passphrase")
    assert client.get(f"/homes/{home.pk}/edit/").status_code == 200
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 404


def test_weak_or_mismatched_password_is_explained_and_creates_nothing(client, council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    link = link_in_last_email()
    client.logout()
    response = client.post(link, {"full_name": "Nell", "password1": "password", "password2": "password"})
    assert 'id="id_password1-error"' in response.text
    response = client.post(link, {"full_name": "Nell", "password1": "a-strong-passphrase", "password2": "different"})
    assert "The passwords do not match" in response.text
    assert not Membership.objects.filter(home=home).exists()


def test_expired_link_does_not_work(client, council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    link = link_in_last_email()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 404
    assert "This invitation link does not work" in response.text


def test_resend_makes_a_new_link_and_the_old_one_stops_working(client, council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    old_link = link_in_last_email()
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.post(f"/invitations/{invitation.pk}/resend/", follow=True)
    assert "Invitation sent again" in response.text
    new_link = link_in_last_email()
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_revoked_link_does_not_work(client, council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    link = link_in_last_email()
    response = client.post(f"/invitations/{Invitation.objects.get().pk}/revoke/", follow=True)
    assert "revoked" in response.text
    client.logout()
    assert client.get(link).status_code == 404


def test_outsiders_cannot_resend_or_revoke(client, council_admin, other_council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    pk = Invitation.objects.get().pk
    client.force_login(other_council_admin)
    assert client.post(f"/invitations/{pk}/resend/").status_code == 404
    assert client.post(f"/invitations/{pk}/revoke/").status_code == 404
    assert Invitation.objects.get().status == "Pending"


def test_pending_invitations_are_listed_for_their_managers_only(client, council_admin, other_council_admin, home):
    client.force_login(council_admin)
    invite(client, home)
    assert "new.manager@example.org" in client.get("/invitations/").text
    client.force_login(other_council_admin)
    assert "new.manager@example.org" not in client.get("/invitations/").text


def test_invitations_page_is_not_for_staff_or_coordinators(client, home_staff, coordinator):
    for user in (home_staff, coordinator):
        client.force_login(user)
        assert client.get("/invitations/").status_code == 404


def test_existing_account_signs_in_to_accept(client, council_admin, home, other_home):
    existing = UserFactory(email="new.manager@example.org")
    client.force_login(council_admin)
    invite(client, home)
    link = link_in_last_email()
    client.logout()
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    client.post("/sign-in/", {"username": existing.email, "password": PASSWORD})
    assert "Accept invitation" in client.get(link).text
    client.post(link)
    assert Membership.objects.filter(user=existing, home=home, role=Role.HOME_STAFF).exists()


def test_remove_staff(client, council_admin, home, home_staff):
    client.force_login(council_admin)
    membership = Membership.objects.get(user=home_staff, home=home)
    client.post(f"/homes/{home.pk}/staff/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(home_staff)
    assert client.get(f"/homes/{home.pk}/edit/").status_code == 404


def test_staff_cannot_remove_each_other(client, home, home_staff, other_home_staff):
    membership = Membership.objects.get(user=home_staff)
    client.force_login(other_home_staff)
    assert client.post(f"/homes/{home.pk}/staff/{membership.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
