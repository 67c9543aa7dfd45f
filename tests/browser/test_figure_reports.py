"""A coordinator reports wrong figures from a home's page; the home shows it, the council counts it."""

from playwright.sync_api import expect


def test_a_report_shows_on_the_home_and_the_dashboard(page, live_server, sign_in, assert_accessible, transactional_db):
    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures

    home = CareHomeFactory(name="Headingley Park")
    give_figures(home, nursing={"vacant_accepting": 2})
    MembershipFactory(role=Role.COORDINATOR, user__email="dc@example.org")
    MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=home.local_authority, user__email="council@example.org")

    sign_in(page, "dc@example.org")
    page.goto(f"{live_server.url}/homes/{home.pk}/")
    page.get_by_role("link", name="Report wrong figures for Headingley Park").click()
    page.get_by_role("heading", name="Report wrong figures").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Send the report").click()  # nothing chosen: the field says so
    page.locator("#id_problem-error").wait_for()
    assert_accessible(page)
    page.get_by_role("radio", name="A vacant bed shown did not exist").check()
    page.get_by_label("Which care category (optional)").select_option("nursing")
    page.get_by_label("What the home told you (optional)").fill("No nursing bed until Monday")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("staff have been told").wait_for()
    expect(page.get_by_text("Reported wrong today").first).to_be_visible()
    expect(page.get_by_text("No nursing bed until Monday")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "council@example.org")
    page.goto(f"{live_server.url}/area/")
    table = page.get_by_role("table", name="Reports per home")
    assert "Headingley Park" in table.inner_text()
    assert_accessible(page)
    assert page.js_errors == []
