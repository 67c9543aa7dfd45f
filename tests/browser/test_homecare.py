"""Home care in a browser (issue 26, ADR 019): a council onboards an agency, its staff keep its
districts and capacity current on a 360 px phone, and a coordinator on a phone finds it."""

from playwright.sync_api import expect


def test_an_agency_is_onboarded_kept_current_on_a_phone_and_found(
    page, phone_page, live_server, sign_in, assert_accessible
):
    from accounts.models import Role
    from registers.models import HomeCareAgency
    from tests.factories import MembershipFactory, local_authority

    leeds = local_authority("E08000035")
    MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="c@example.org")
    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Home-care agencies").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a home-care agency").click()
    page.get_by_label("CQC location ID").fill("1-555000222")
    page.get_by_label("Name", exact=True).fill("Kirkstall Home Care")
    page.get_by_label("Provider (organisation) name").fill("Kirkstall Care Ltd")
    page.get_by_label("Address line 1").fill("2 Abbey Road")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("LS6 2AB")
    page.get_by_label("Phone").fill("0113 496 0999")
    assert_accessible(page)
    page.get_by_role("button", name="Add home-care agency").click()
    expect(page.get_by_text("Kirkstall Home Care has been added. Now invite its manager.")).to_be_visible()
    assert_accessible(page)
    agency = HomeCareAgency.objects.get(cqc_location_id="1-555000222")
    MembershipFactory(role=Role.HOME_STAFF, home=agency, user__email="carer@example.org")

    phone = phone_page
    sign_in(phone, "carer@example.org")
    phone.goto(f"{live_server.url}/my-homes/")
    expect(phone.get_by_role("heading", name="Your home-care agencies")).to_be_visible()
    phone.get_by_role("link", name="Enter its capacity").click()
    expect(phone.get_by_role("heading", name="Update capacity")).to_be_visible()
    phone.get_by_label("New hours a week you can take on now").fill("7.3")
    phone.get_by_label("Yes").check()
    phone.get_by_role("button", name="Save capacity").click()
    expect(phone.get_by_role("link", name="Enter hours in whole quarter-hours, like 7.25, 7.5 or 7.75")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("New hours a week you can take on now").fill("14")
    phone.get_by_role("button", name="Save capacity").click()
    expect(phone.get_by_text("Kirkstall Home Care's capacity has been saved.")).to_be_visible()
    assert_accessible(phone)

    phone.get_by_role("link", name="Change the postcode districts covered").click()
    phone.get_by_label("Find a postcode district").fill("LS6")
    phone.get_by_role("button", name="Find").click()
    add = phone.get_by_role("button", name="Add LS6")
    expect(add).to_be_visible()
    assert_accessible(phone)
    add.click()
    expect(phone.get_by_text("LS6 added.")).to_be_visible()
    expect(phone.get_by_role("button", name="Remove LS6")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.get_by_role("link", name="Kirkstall Home Care").click()
    phone.get_by_role("link", name="Change the care it gives").click()
    phone.get_by_label("Personal care").check()
    phone.get_by_label("Reablement").check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("The care Kirkstall Home Care gives has been saved.")).to_be_visible()
    phone.get_by_role("button", name="No change: confirm").click()
    expect(phone.get_by_text("capacity is confirmed as unchanged")).to_be_visible()
    expect(phone.get_by_text("Personal care, Reablement", exact=True)).to_be_visible()
    phone.get_by_role("button", name="Sign out").click()

    MembershipFactory(role=Role.COORDINATOR, user__email="ward@example.org")
    sign_in(phone, "ward@example.org")
    phone.goto(f"{live_server.url}/find-home-care/")
    assert_accessible(phone)
    phone.get_by_label("Patient's postcode or postcode district").fill("LS6 2AD")
    phone.get_by_role("button", name="Find agencies").click()
    expect(phone.get_by_role("link", name="Kirkstall Home Care")).to_be_visible()
    expect(phone.get_by_text("1 agency covering LS6")).to_be_visible()
    phone.get_by_label("Hours a week needed").fill("20")
    phone.get_by_label("Hours a week needed").dispatch_event("change")
    expect(phone.get_by_text("0 agencies covering LS6")).to_be_visible()  # filtered in place (htmx)
    assert "hours=20" in phone.url
    phone.get_by_label("Hours a week needed").fill("10")
    phone.get_by_label("Reablement").check()
    expect(phone.get_by_role("link", name="Kirkstall Home Care")).to_be_visible()
    expect(phone.get_by_text("14 hours")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Add Kirkstall Home Care to shortlist").click()
    expect(phone.get_by_role("button", name="On your shortlist: remove Kirkstall Home Care")).to_be_visible()
    phone.get_by_role("link", name="Your home-care shortlist").click()
    expect(phone.get_by_role("heading", name="Home-care shortlist")).to_be_visible()
    expect(phone.get_by_role("link", name="Kirkstall Home Care")).to_be_visible()
    assert_accessible(phone)
    assert page.js_errors == []
    assert phone.js_errors == []


def test_an_agency_confirms_no_change_from_its_reminder_on_a_phone(phone_page, live_server, assert_accessible):
    import re

    from django.core import mail
    from django.utils import timezone

    from homecare import capacity, reminders
    from tests.factories import AgencyFactory, MembershipFactory

    agency = AgencyFactory(name="Kirkstall Home Care")
    MembershipFactory(role="home_staff", home=agency, user__email="carer@example.org")
    capacity.update(agency, None, loaded_version=0, hours=12, earliest_start=timezone.localdate(),
                    two_carer_calls_now=True, district_hours={})  # fmt: skip
    reminders.send_reminder(agency)
    link = re.search(r"https?://\S+/agencies/reminder/\S+/", mail.outbox[-1].body).group(0)
    phone_page.goto(live_server.url + "/" + link.split("/", 3)[3])
    expect(phone_page.get_by_role("heading", name="Confirm no change")).to_be_visible()
    expect(phone_page.get_by_text("12 hours a week")).to_be_visible()
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Confirm no change").click()
    expect(phone_page.get_by_role("heading", name="Capacity confirmed")).to_be_visible()
    assert_accessible(phone_page)
    assert phone_page.js_errors == []
