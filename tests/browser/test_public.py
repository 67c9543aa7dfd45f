"""A family with no account, on a 360 px phone: dementia nursing homes near a postcode, two
homes' pages, a comparison, printed. And a home's manager previewing and saving its page."""

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect


@pytest.fixture
def public_homes(transactional_db):
    from tests.factories import CareHomeFactory
    from tests.vacancy_helpers import give_figures

    near = {"postcode": "LS6 2AD", "latitude": 53.82083, "longitude": -1.57703}
    give_figures(
        CareHomeFactory(name="Headingley Park", fee_from=950, fee_to=1200, facilities=["garden"], **near),
        nursing_dementia={"vacant_accepting": 4},
    )
    give_figures(
        CareHomeFactory(name="Armley Heights", postcode="LS12 4AB", latitude=53.78468, longitude=-1.58738,
                        fee_from=1100, top_up=False),
        nursing_dementia={"vacant_accepting": 1},
    )  # fmt: skip
    CareHomeFactory(name="Kirkstall Residential", service_type="without_nursing", **near)
    CareHomeFactory(name="Meanwood Lodge", service_user_bands=["older_people"], **near)


def test_a_family_finds_compares_and_prints_on_a_phone(phone_page, live_server, assert_accessible, public_homes):
    page = phone_page
    page.goto(f"{live_server.url}/care-homes/")
    assert page.context.cookies() == []
    assert_accessible(page)
    page.get_by_label("Postcode or town").fill("LS6 2AD")
    page.get_by_label("Nursing care", exact=True).check()
    page.get_by_label("Dementia", exact=True).check()
    page.get_by_role("heading", name="2 care homes").wait_for()
    assert parse_qs(urlparse(page.url).query)["care"] == ["nursing", "dementia"]  # the address follows
    expect(page.get_by_text("Beds available").first).to_be_visible()
    expect(page.get_by_text("Limited availability")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    page.get_by_role("link", name="Headingley Park").click()
    page.get_by_role("heading", name="Headingley Park", level=1).wait_for()
    expect(page.get_by_text("£950 to £1,200 a week")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("heading", name="2 care homes").wait_for()
    assert page.get_by_label("Dementia", exact=True).is_checked()  # the filters are where the family left them
    page.get_by_role("link", name="Armley Heights").click()
    page.get_by_role("heading", name="Armley Heights", level=1).wait_for()
    expect(page.get_by_text("No top-up is asked for.")).to_be_visible()
    page.get_by_role("link", name="Back to the list of care homes").click()
    page.get_by_role("heading", name="2 care homes").wait_for()

    page.get_by_label("Compare Headingley Park").check()
    page.get_by_label("Compare Armley Heights").check()
    page.get_by_role("button", name="Compare the homes you ticked").click()
    page.get_by_role("heading", name="Compare care homes").wait_for()
    shared = page.url
    expect(page.get_by_role("cell", name="£950 to £1,200 a week")).to_be_visible()
    expect(page.get_by_role("cell", name="From £1,100 a week")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls in its box
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Find more homes to compare")).to_be_hidden()
    expect(page.get_by_role("cell", name="£950 to £1,200 a week")).to_be_visible()
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    pdf_page = page.context.browser.new_page()
    pdf_page.goto(shared)  # the link shared with a relative shows the same list
    expect(pdf_page.get_by_role("cell", name="From £1,100 a week")).to_be_visible()
    assert len(pdf_page.pdf()) > 1000  # it prints
    pdf_page.close()
    assert page.context.cookies() == []
    assert page.js_errors == []


def test_the_search_works_without_javascript(browser, live_server, public_homes):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/care-homes/")
    page.get_by_label("Postcode or town").fill("LS6 2AD")
    page.get_by_label("Dementia", exact=True).check()
    page.get_by_label("Nursing care", exact=True).check()
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("heading", name="2 care homes").wait_for()
    assert "near=LS6+2AD" in page.url
    context.close()


def test_a_manager_previews_and_saves_the_public_page(page, live_server, sign_in, assert_accessible, public_homes):
    from accounts.models import Role
    from registers.models import CareHome
    from tests.factories import MembershipFactory

    home = CareHome.objects.get(name="Headingley Park")
    MembershipFactory(role=Role.HOME_STAFF, home=home, user__email="manager@example.org")
    sign_in(page, "manager@example.org")
    page.goto(f"{live_server.url}/homes/{home.pk}/")
    page.get_by_role("link", name="Edit the public page").click()
    page.get_by_role("heading", name="What families see").wait_for()
    assert_accessible(page)
    page.get_by_label("Description for families").fill("We have a sunny garden room.")
    page.get_by_label("Weekly fees up to (£)").fill("900")
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("The highest weekly fee must be the same as the lowest or more").first.wait_for()
    page.get_by_label("Weekly fees up to (£)").fill("1300")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview: not saved yet").wait_for()
    preview = page.locator("#preview")
    expect(preview.get_by_text("We have a sunny garden room.")).to_be_visible()
    expect(preview.get_by_text("£950 to £1,300 a week")).to_be_visible()
    assert_accessible(page)
    home.refresh_from_db()
    assert home.fee_to == 1200  # a preview saves nothing
    page.get_by_label("No: families are asked to call us").check()
    page.get_by_role("button", name="Save the public page").click()
    page.get_by_text("Headingley Park's public page has been saved.").wait_for()
    home.refresh_from_db()
    assert (home.fee_to, home.shows_availability) == (1300, False)
    page.get_by_role("link", name="see it").click()
    page.get_by_text("This home does not publish its availability").wait_for()
    expect(page.get_by_text("We have a sunny garden room.")).to_be_visible()
