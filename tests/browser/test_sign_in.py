from playwright.sync_api import expect

from tests.factories import UserFactory


def test_sign_in_see_start_page_and_sign_out(page, live_server, sign_in, assert_accessible, transactional_db):
    UserFactory(email="nurse@example.org", full_name="Nia Nurse")
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/sign-in/?next=/")
    assert_accessible(page)

    page.get_by_label("Email address").fill("nurse@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    error_link = page.get_by_role("link", name="Enter a correct email address and password")
    expect(error_link).to_be_visible()
    assert_accessible(page)

    sign_in(page, "nurse@example.org")
    expect(page.get_by_text("Signed in as Nia Nurse")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.js_errors == []


def test_a_password_alone_cannot_change_the_authenticator_but_the_current_code_can(
    browser, request, live_server, sign_in, assert_accessible, council_admin, mailoutbox
):
    """Issue 24: someone with only the council admin's password opens the set-up page and is
    asked for the current app's code; the owner, with it, changes app from their account page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.browser.conftest import DESKTOP, _new_page
    from tests.factories import PASSWORD
    from tests.test_two_factor import code_for

    old = TOTPDevice.objects.get(user=council_admin, confirmed=True)
    attacker_pages = _new_page(browser, request, DESKTOP)
    attacker = next(attacker_pages)
    attacker.goto(f"{live_server.url}/sign-in/")
    attacker.get_by_label("Email address").fill(council_admin.email)
    attacker.get_by_label("Password").fill(PASSWORD)
    attacker.get_by_role("button", name="Sign in").click()
    attacker.wait_for_url(lambda url: "/account/two-factor/" in url)
    attacker.goto(f"{live_server.url}/account/two-factor/set-up/")
    expect(attacker.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    expect(attacker.get_by_text("To change your authenticator app, first enter a code")).to_be_visible()
    assert_accessible(attacker)
    attacker.get_by_role("textbox", name="Code").fill("000000")
    attacker.get_by_role("button", name="Continue").click()
    expect(attacker.get_by_role("link", name="That code is not right")).to_be_visible()
    assert list(TOTPDevice.objects.filter(user=council_admin)) == [old]

    owner_pages = _new_page(browser, request, DESKTOP)
    page = next(owner_pages)
    old.throttle_reset()  # the attacker's wrong code slowed further tries down
    sign_in(page, council_admin.email)
    page.get_by_role("link", name=council_admin.get_full_name()).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change your authenticator app").click()
    expect(page.get_by_role("heading", name="Change your authenticator app")).to_be_visible()
    assert_accessible(page)
    new = TOTPDevice.objects.get(user=council_admin, confirmed=False)
    page.get_by_role("textbox", name="Code").fill(code_for(new))
    page.get_by_role("button", name="Use this app").click()
    expect(page.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    assert list(TOTPDevice.objects.filter(user=council_admin)) == [new]
    assert [email.to for email in mailoutbox if "new authenticator app" in email.body] == [[council_admin.email]]
    assert page.js_errors == attacker.js_errors == []
    attacker_pages.close()
    owner_pages.close()
