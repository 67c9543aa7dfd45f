from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect


def query(page) -> dict:
    return parse_qs(urlparse(page.url).query)


@pytest.fixture
def search_homes(transactional_db):
    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory, local_authority
    from tests.vacancy_helpers import give_figures

    give_figures(
        CareHomeFactory(name="Headingley Park", postcode="LS6 2AD", latitude=53.82083, longitude=-1.57703),
        nursing_dementia={"vacant_accepting": 2, "sex": "female"},
    )
    give_figures(
        CareHomeFactory(name="Armley Heights", postcode="LS12 4AB", latitude=53.78468, longitude=-1.58738),
        residential={"vacant_accepting": 4},
    )
    give_figures(
        CareHomeFactory(
            name="York Minster House", postcode="YO1 7HH", latitude=53.96155, longitude=-1.08190,
            local_authority=local_authority("E06000014"),
        ),
        nursing_dementia={"vacant_accepting": 1},
    )  # fmt: skip
    MembershipFactory(role=Role.COORDINATOR, user__email="dc@example.org")


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_coordinator_filters_opens_a_home_shortlists_it_and_goes_back(
    request, viewport, live_server, sign_in, assert_accessible, search_homes
):
    page = request.getfixturevalue(viewport)
    sign_in(page, "dc@example.org")
    page.get_by_role("link", name="Find a bed").first.click() if viewport == "page" else page.goto(
        f"{live_server.url}/find-a-bed/"
    )
    expect(page.get_by_role("heading", name="3 homes found")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Near postcode").fill("LS6 2AD")
    page.get_by_role("heading", name="2 homes found").wait_for()  # York is more than 20 miles away
    assert query(page)["near"] == ["LS6 2AD"]  # the address bar follows the filters
    page.get_by_label("Care category").select_option("nursing_dementia")
    page.get_by_role("heading", name="1 home found").wait_for()
    page.get_by_label("Bed for").select_option("female")
    page.wait_for_url(lambda url: "sex=female" in url)
    page.get_by_role("heading", name="1 home found").wait_for()
    assert query(page)["sex"] == ["female"]
    assert page.get_by_role("button", name="Call 0113 496 0000 (Headingley Park)").get_attribute("href") == (
        "tel:01134960000"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)

    page.get_by_role("link", name="Headingley Park", exact=True).click()
    page.get_by_role("heading", name="Headingley Park").wait_for()  # is_visible() would not wait for the page
    assert_accessible(page)
    page.get_by_role("button", name="Add Headingley Park to shortlist").click()
    page.get_by_role("button", name="On your shortlist: remove Headingley Park").wait_for()

    page.go_back()
    page.get_by_role("heading", name="1 home found").wait_for()
    assert page.get_by_label("Near postcode").input_value() == "LS6 2AD"
    assert page.get_by_label("Care category").input_value() == "nursing_dementia"
    assert page.get_by_label("Bed for").input_value() == "female"

    page.goto(f"{live_server.url}/find-a-bed/shortlist/")
    expect(page.get_by_role("link", name="Headingley Park", exact=True)).to_be_visible()
    assert_accessible(page)
    assert page.js_errors == []


def test_search_works_without_javascript(browser, live_server, search_homes):
    from tests.factories import PASSWORD

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("dc@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/find-a-bed/")
    page.get_by_label("Near postcode").fill("LS6 2AD")
    page.get_by_role("button", name="Search", exact=True).click()
    assert query(page)["near"] == ["LS6 2AD"]
    expect(page.get_by_role("heading", name="2 homes found")).to_be_visible()
    context.close()


def test_page_two_of_a_filtered_search_keeps_every_filter(page, live_server, sign_in, assert_accessible, search_homes):
    """The "Next" link once lost the first filter (``?{% querystring %}`` made ``??near=...``)."""
    from tests.factories import CareHomeFactory
    from tests.vacancy_helpers import give_figures

    for n in range(30):
        give_figures(
            CareHomeFactory(name=f"Meanwood Lodge {n:02d}", postcode="LS6 4AA", latitude=53.8262, longitude=-1.5781),
            nursing={"vacant_accepting": 1 + n % 3, "sex": "male" if n % 2 else "any"},
        )
    sign_in(page, "dc@example.org")
    page.goto(f"{live_server.url}/find-a-bed/")
    page.get_by_label("Near postcode").fill("LS6 2AD")
    page.get_by_label("Within", exact=True).select_option("5")
    page.get_by_label("Care category").select_option("nursing")
    page.get_by_label("Bed for").select_option("female")
    page.get_by_role("heading", name="15 homes found").wait_for()
    page.get_by_label("Sort by").select_option("beds")
    page.wait_for_url(lambda url: "sort=beds" in url)
    page.get_by_label("Bed for").select_option("")
    page.get_by_role("heading", name="30 homes found").wait_for()
    first_page = query(page)

    page.get_by_role("link", name="Next").click()
    page.wait_for_url(lambda url: "page=2" in url)
    on_page_two = query(page)
    assert on_page_two.pop("page") == ["2"]
    first_page.pop("page", None)
    assert on_page_two == first_page  # every filter kept, the postcode first among them
    assert on_page_two["near"] == ["LS6 2AD"]
    expect(page.get_by_role("heading", name="30 homes found")).to_be_visible()
    assert page.locator("ol.tracker-results").get_attribute("start") == "26"
    assert page.locator("li.tracker-result").count() == 5
    assert page.get_by_label("Near postcode").input_value() == "LS6 2AD"
    assert page.get_by_label("Sort by").input_value() == "beds"
    assert_accessible(page)

    page.get_by_role("link", name="Previous").click()
    page.wait_for_url(lambda url: "page=1" in url)
    assert page.locator("li.tracker-result").count() == 25
    assert query(page)["near"] == ["LS6 2AD"]
