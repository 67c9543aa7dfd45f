"""Issue 26's "Done when": a coordinator on a 360 px phone finds agencies with capacity for a
postcode, sends a package request to the market, an agency offers, the coordinator accepts;
the agency's capacity and the council's figures change, and the other agency is told."""

from playwright.sync_api import expect


def test_a_package_is_found_sent_to_the_market_offered_and_placed_on_a_phone(
    page, phone_page, live_server, sign_in, assert_accessible
):
    from accounts.models import Role, Team
    from enquiries.models import Notice, Referral
    from homecare.models import AgencyCapacity, CapacityChange
    from tests.factories import AgencyFactory, MembershipFactory, local_authority
    from tests.test_homecare import _give

    leeds = local_authority("E08000035")
    team = Team.objects.create(name="Leeds discharge hub", kind=Team.Kind.HOSPITAL, contact_email="hub@example.org")
    MembershipFactory(role=Role.COORDINATOR, team=team, user__email="ward@example.org")
    kirkstall = AgencyFactory(name="Kirkstall Home Care", local_authority=leeds)
    headingley = AgencyFactory(name="Headingley Home Care", local_authority=leeds)
    _give(kirkstall, 20)
    _give(headingley, 30)
    MembershipFactory(role=Role.HOME_STAFF, home=kirkstall, user__email="carer@example.org")
    MembershipFactory(role=Role.HOME_STAFF, home=headingley, user__email="other.carer@example.org")
    MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="c@example.org")

    phone = phone_page
    sign_in(phone, "ward@example.org")
    phone.goto(f"{live_server.url}/find-home-care/")
    phone.get_by_label("Patient's postcode or postcode district").fill("LS6 2AD")
    phone.get_by_label("Hours a week needed").fill("10")
    phone.get_by_role("button", name="Find agencies").click()
    expect(phone.get_by_text("2 agencies covering LS6")).to_be_visible()
    expect(phone.get_by_role("link", name="Kirkstall Home Care")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Send a package request for these needs").click()
    expect(phone.get_by_role("heading", name="Send a package request")).to_be_visible()
    expect(phone.get_by_label("Hours of care a week")).to_have_value("10")
    phone.get_by_label("Your reference").fill("Ward 4 bay 2")
    phone.get_by_label("Morning", exact=True).check()
    phone.get_by_label("Bedtime").check()
    phone.get_by_label("Personal care").check()
    phone.get_by_label("Council-funded").check()
    phone.get_by_label("What the agency needs to know").fill("Born 12/03/1941, walks with a frame")
    phone.get_by_role("button", name="Send the package request").click()
    expect(phone.get_by_role("link", name="Remove the date (12/03/1941)")).to_be_visible()  # by the field
    assert_accessible(phone)
    phone.get_by_label("What the agency needs to know").fill("Walks with a frame; key safe at the front door")
    phone.get_by_role("button", name="Send the package request").click()
    expect(phone.get_by_text("Package request Ward 4 bay 2 sent to 2 agencies.")).to_be_visible()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    request_url = phone.url

    sign_in(page, "carer@example.org")
    page.goto(f"{live_server.url}/inbox/")
    page.get_by_role("link", name="Home-care package, 10 hours a week in LS6, 4 calls a day, 1 carer").click()
    expect(page.get_by_role("heading", name="Package request from Leeds discharge hub")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Hours a week we can cover").fill("10")
    page.get_by_role("button", name="Send the offer").click()
    expect(page.get_by_text("Offer sent. The team has been told")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    phone.goto(request_url)
    expect(phone.get_by_text("Offered 10 hours a week from")).to_be_visible()
    phone.get_by_role("button", name="Accept this offer from Kirkstall Home Care").click()
    expect(
        phone.get_by_text("offer accepted: the package is placed. The other agencies have been told.")
    ).to_be_visible()
    assert_accessible(phone)
    assert AgencyCapacity.objects.get(agency=kirkstall).hours_available == 10  # 20 - 10, through its history
    assert CapacityChange.objects.filter(agency=kirkstall, kind=CapacityChange.Kind.PACKAGE).exists()
    told = Referral.objects.get(home=headingley)
    assert told.status == "cancelled"
    assert Notice.objects.filter(referral=told, event="home withdrawn").exists()  # Headingley is told

    sign_in(page, "c@example.org")
    page.goto(f"{live_server.url}/agencies/")
    page.get_by_role("link", name="Home care in your area").click()
    expect(page.get_by_role("heading", name="Home care in Leeds")).to_be_visible()
    weeks = page.get_by_role("table", name="Hours a week by postcode district")
    expect(weeks.get_by_role("row").nth(1)).to_contain_text("LS6")
    expect(weeks.get_by_role("row").nth(1)).to_contain_text("Placed 10")
    spare = page.get_by_role("table", name="Spare hours by postcode district")
    expect(spare.get_by_role("row").nth(1)).to_contain_text("Spare hours 40")  # 10 left + 30
    assert_accessible(page)
    assert page.js_errors == []
    assert phone.js_errors == []
