"""Every "next" and return value goes through one helper (tracker.http.safe_next): a path
on this site, never another site, however the address is written (issue 24)."""

import pytest
from django.test import RequestFactory

from accounts.models import Invitation
from tests.factories import PASSWORD
from tests.vacancy_helpers import give_figures
from tracker.http import back_to, safe_next

pytestmark = pytest.mark.django_db

# How an attacker writes another site so that it passes a naive "starts with /" check, or
# a check of the host alone, and browsers still go there.
ELSEWHERE = [
    "https://evil.example/",
    "http://testserver@evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/\t/evil.example/",
    " //evil.example/",
    "https:evil.example",
    "http://testserver/x",  # this site, but written as a full URL: only a path is taken
    "javascript:alert(1)",
    "/\x00/evil.example",
    "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_safe_next_refuses_every_other_site(target):
    request = RequestFactory().get("/", {"next": target})
    assert safe_next(request, fallback="/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", ["/my-homes/", "/find-a-bed/?near=LS6&radius=10", "/homes/3/?back=a%3D1"])
def test_safe_next_keeps_a_path_of_ours(target):
    assert safe_next(RequestFactory().post("/", {"next": target}), fallback="/x/") == target


def test_a_back_link_stays_a_query_string_on_our_page():
    assert back_to("/find-a-bed/", "near=LS6&radius=10") == "/find-a-bed/?near=LS6&radius=10"
    assert back_to("/find-a-bed/", "") == ""
    assert back_to("/find-a-bed/", '"><script>x</script>//evil.example').startswith("/find-a-bed/?")
    assert "<" not in back_to("/find-a-bed/", '"><script>x</script>')


@pytest.mark.parametrize("target", ELSEWHERE[:5])
def test_confirming_no_change_never_redirects_elsewhere(client, home, home_staff, target):
    give_figures(home, home_staff)
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/confirm/", {"next": target})
    assert response["Location"] == "/my-homes/"


def test_saving_vacancies_never_redirects_elsewhere(client, home, home_staff):
    from tests.vacancy_helpers import form_post

    board = give_figures(home, home_staff)
    client.force_login(home_staff)
    data = form_post(board.version, nursing={}) | {"next": "https://evil.example/"}
    response = client.post(f"/my-homes/{home.pk}/", data)
    assert response.status_code == 302
    assert response["Location"] == "/my-homes/"


def test_invitation_buttons_never_redirect_elsewhere(client, council_admin, home):
    client.force_login(council_admin)
    client.post(f"/homes/{home.pk}/staff/", {"full_name": "New Manager", "email": "new@example.org"})
    invitation = Invitation.objects.get()
    for action in ("resend", "revoke"):
        response = client.post(f"/invitations/{invitation.pk}/{action}/", {"next": "//evil.example/"})
        assert response["Location"] == "/invitations/"


def test_the_shortlist_button_does_not_carry_another_site_into_its_form(client, coordinator, home):
    client.force_login(coordinator)
    response = client.post(
        f"/find-a-bed/shortlist/{home.pk}/", {"action": "add", "next": "https://evil.example/"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert "evil.example" not in response.text


@pytest.mark.parametrize("target", ["https://evil.example/", "http://testserver/my-homes/", "//evil.example/"])
def test_signing_in_never_goes_elsewhere(client, home_staff, target):
    response = client.post("/sign-in/", {"username": home_staff.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get(f"/sign-in/?next={target}")
    assert "evil.example" not in page.text


def test_signing_in_goes_on_to_a_path_of_ours(client, home_staff):
    response = client.post("/sign-in/", {"username": home_staff.email, "password": PASSWORD, "next": "/my-homes/"})
    assert response["Location"] == "/my-homes/"


def test_signing_out_never_goes_elsewhere(client, home_staff):
    client.force_login(home_staff)
    response = client.post("/sign-out/", {"next": "https://evil.example/"})
    assert response["Location"] == "/sign-in/"


def test_a_homes_page_back_link_cannot_be_turned_into_a_link_elsewhere(client, coordinator, home):
    client.force_login(coordinator)
    page = client.get(f"/homes/{home.pk}/", {"back": '"><a href="https://evil.example/">'})
    assert 'href="https://evil.example/"' not in page.text
