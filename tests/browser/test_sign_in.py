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
    assert error_link.is_visible()
    assert_accessible(page)

    sign_in(page, "nurse@example.org")
    assert page.get_by_text("Signed in as Nia Nurse").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()
    assert page.js_errors == []
