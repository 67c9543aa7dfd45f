"""A family with no account, on a 360 px phone, looks for home care near their mother's
postcode, narrows it to dementia care, and opens an agency's page (issue 26)."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect


@pytest.fixture
def public_agencies(transactional_db):
    from django.utils import timezone

    from homecare.models import AgencyCapacity, CoveredDistrict
    from tests.factories import AgencyFactory, local_authority

    leeds = local_authority("E08000035")

    def agency(name, hours, care, districts, **facts):
        made = AgencyFactory(name=name, local_authority=leeds, **facts)
        AgencyCapacity.objects.create(
            agency=made, hours_available=Decimal(hours), care_given=care, earliest_start=timezone.localdate(),
            last_confirmed_at=timezone.now() - datetime.timedelta(days=1),
        )  # fmt: skip
        for code in districts:
            CoveredDistrict.objects.create(agency=made, district_id=code)

    agency("Kirkstall Home Care", "30", ["personal_care", "dementia"], ["LS5", "LS6", "LS16"], phone="0113 496 0999")
    agency("Adel Care At Home", "2", ["personal_care", "dementia", "night_sits"], ["LS6", "LS16"])
    agency("Meanwood Helpers", "40", ["personal_care"], ["LS6"])
    agency("Bradford Homecare", "40", ["personal_care", "dementia"], ["BD9"])


def test_a_family_finds_home_care_on_a_phone(phone_page, live_server, assert_accessible, public_agencies):
    page = phone_page
    page.goto(f"{live_server.url}/home-care/")
    assert page.context.cookies() == []
    assert_accessible(page)
    page.get_by_label("Postcode where the care is needed").fill("LS6 2AD")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="3 agencies covering LS6")).to_be_visible()
    expect(page.get_by_role("link", name="Bradford Homecare")).to_have_count(0)

    page.get_by_label("Dementia", exact=True).check()  # htmx: the list follows the box
    expect(page.get_by_role("heading", name="2 agencies covering LS6")).to_be_visible()
    assert parse_qs(urlparse(page.url).query)["care"] == ["dementia"]  # the address follows
    expect(page.get_by_role("link", name="Meanwood Helpers")).to_have_count(0)
    expect(page.get_by_text("Taking on new clients", exact=True)).to_be_visible()
    expect(page.get_by_text("Limited capacity for new clients")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    page.get_by_role("link", name="Kirkstall Home Care").click()
    expect(page.get_by_role("heading", name="Kirkstall Home Care", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="0113 496 0999")).to_be_visible()
    expect(page.get_by_text("Good (March 2024)")).to_be_visible()
    expect(page.get_by_text("Updated yesterday").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.context.cookies() == []
    assert_accessible(page)

    page.get_by_role("link", name="Back to the list of home-care agencies").click()
    expect(page.get_by_role("heading", name="2 agencies covering LS6")).to_be_visible()
    expect(page.get_by_label("Dementia", exact=True)).to_be_checked()  # where the family left it
