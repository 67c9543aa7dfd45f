"""Signing in and out, password reset and change, login required everywhere."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_public_and_styled(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert b"nhsuk-header" in response.content
    assert b"Sign in" in response.content


def test_sign_in_with_email_lands_on_start_page(client):
    UserFactory(email="nurse@example.org", full_name="Nia Nurse")
    response = client.post("/sign-in/", {"username": "Nurse@Example.org ", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Signed in as Nia Nurse" in response.text


@pytest.mark.parametrize("email", ["nurse@example.org", "nobody-here@example.org"])
def test_wrong_password_gives_the_same_message_whether_or_not_the_account_exists(client, email):
    UserFactory(email="nurse@example.org")
    response = client.post("/sign-in/", {"username": email, "password": "wrong password"})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert "Enter a correct email address and password" in response.text
    assert "_auth_user_id" not in client.session


def test_bad_email_is_explained_next_to_the_field(client):
    response = client.post("/sign-in/", {"username": "not an email", "password": "x"})
    assert 'id="id_username-error"' in response.text
    assert "Enter a valid email address" in response.text
    assert 'value="not an email"' in response.text  # what the user typed is kept


def test_sign_out_needs_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/sign-out/").status_code == 405
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_every_page_needs_sign_in_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_htmx_request_with_expired_session_gets_hx_redirect_not_a_fragment(client):
    response = client.get("/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/some/page/?q=1"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/sign-in/?next=/some/page/%3Fq%3D1"
    assert response.content == b""


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="nurse@example.org")
    response = client.post("/password-reset/", {"email": "NURSE@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body)[1]
    response = client.get(link, follow=True)
    assert "Set a new password" in response.text
    new_password = "a-new-long-passphrase-42"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_used_reset_link_is_explained(client):
    response = client.get("/password-reset/MQ/bad-token/")
    assert "This link has expired or been used" in response.text


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    new_password = "another-long-passphrase-7"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert "Your password has been changed." in response.text
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_change_rejects_weak_password_next_to_the_field(client):
    client.force_login(UserFactory())
    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert 'id="id_new_password2-error"' in response.text
    assert "This password is too short" in response.text


def test_admin_is_for_service_admins_only(client, service_admin, council_admin):
    client.force_login(council_admin)
    assert client.get("/admin/").status_code == 302
    client.force_login(service_admin)
    assert client.get("/admin/").status_code == 200


def test_staff_flag_alone_does_not_open_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/").status_code == 302


def test_stale_csrf_token_gets_a_friendly_page():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Your form expired" in response.text
    assert "nhsuk-header" in response.text


def test_navigation_depends_on_role(client, service_admin, coordinator, home_staff):
    client.force_login(coordinator)
    assert 'href="/admin/"' not in client.get("/").text
    saved = client.get("/find-a-bed/saved/").text
    assert (
        '<a class="nhsuk-header__navigation-link" href="/find-a-bed/saved/" aria-current="page">Saved searches' in saved
    )
    assert 'href="/find-a-bed/" aria-current' not in saved  # the longest matching section only
    client.force_login(home_staff)
    assert "Saved searches" not in client.get("/").text
    client.force_login(service_admin)
    assert 'href="/admin/"' in client.get("/").text


def test_a_user_without_a_role_is_told_how_to_get_one(client, user_without_role):
    client.force_login(user_without_role)
    assert "Your account has no role yet" in client.get("/").text


def test_sign_in_expires_after_inactivity(client, settings):
    import time as time_module

    from accounts.middleware import SessionActivityMiddleware

    user = UserFactory()
    client.force_login(user)
    client.get("/")
    seen = client.session["seen"]
    assert abs(seen - time_module.time()) < 5
    # A request within the refresh window does not write the session again.
    session = client.session
    recently = int(time_module.time()) - 60
    session["seen"] = recently
    session.save()
    client.get("/")
    assert client.session["seen"] == recently
    # After the refresh window it is extended.
    session = client.session
    session["seen"] = int(time_module.time()) - SessionActivityMiddleware.REFRESH_SECONDS - 1
    session.save()
    client.get("/")
    assert client.session["seen"] >= int(time_module.time()) - 2
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_about_the_data_names_its_sources_in_the_signed_in_shell(client, coordinator):
    """A Jinja2 page (ADR 024): the shell's header, menu and footer from the context processors."""
    assert client.get("/about-the-data/")["Location"] == "/sign-in/?next=/about-the-data/"
    client.force_login(coordinator)
    response = client.get("/about-the-data/")
    assert response.status_code == 200
    assert "<title>About the data \u2013 Care Capacity Tracker</title>" in response.text
    assert "Contains OS data © Crown copyright" in response.text
    assert coordinator.get_full_name() in response.text
    assert "Sign out" in response.text
    assert 'href="/find-a-bed/"' in response.text  # the menu
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'src="/assets/django_htmx/htmx-2.min.js" defer nonce="' in response.text
