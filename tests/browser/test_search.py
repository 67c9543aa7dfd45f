from urllib.parse import parse_qs, urlparse

import pytest


def query(page) -> dict:
    return parse_qs(urlparse(page.url).query)


@pytest.fixture
def search_homes(transactional_db):
    from tests.factories import CareHomeFactory, MembershipFactory, local_authority
    from tests.vacancy_helpers import give_figures
    from tracker.models import Role

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
    assert page.get_by_role("heading", name="3 homes found").is_visible()
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
    assert page.get_by_role("link", name="Call 0113 496 0000 (Headingley Park)").get_attribute("href") == (
        "tel:01134960000"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert_accessible(page)

    page.get_by_role("link", name="Headingley Park", exact=True).click()
    assert page.get_by_role("heading", name="Headingley Park").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add Headingley Park to shortlist").click()
    page.get_by_role("button", name="On your shortlist: remove Headingley Park").wait_for()

    page.go_back()
    page.get_by_role("heading", name="1 home found").wait_for()
    assert page.get_by_label("Near postcode").input_value() == "LS6 2AD"
    assert page.get_by_label("Care category").input_value() == "nursing_dementia"
    assert page.get_by_label("Bed for").input_value() == "female"

    page.goto(f"{live_server.url}/find-a-bed/shortlist/")
    assert page.get_by_role("link", name="Headingley Park", exact=True).is_visible()
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
    page.get_by_role("button", name="Search").click()
    assert query(page)["near"] == ["LS6 2AD"]
    assert page.get_by_role("heading", name="2 homes found").is_visible()
    context.close()
