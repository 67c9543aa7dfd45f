"""From found to placed, in a browser: a discharge team asks three homes from its shortlist,
one manager accepts on a phone and holds a bed, another declines, the team confirms the
placement, and a hold left alone ends by itself."""

import datetime

import pytest
from playwright.sync_api import expect


@pytest.fixture
def placement_homes(transactional_db):
    from accounts.models import Role, Team
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures
    from vacancies.models import ShortlistEntry

    team = Team.objects.create(name="Leeds discharge hub", kind=Team.Kind.HOSPITAL, contact_phone="0113 496 0123")
    lead = MembershipFactory(role=Role.TEAM_LEAD, team=team, user__email="dc@example.org").user
    homes = {}
    for name, postcode, lat, lon, beds in [
        ("Headingley Park", "LS6 2AD", 53.82083, -1.57703, 2),
        ("Armley Heights", "LS12 4AB", 53.78468, -1.58738, 1),
        ("Kirkstall View", "LS5 3AA", 53.81600, -1.60200, 1),
    ]:
        home = CareHomeFactory(name=name, postcode=postcode, latitude=lat, longitude=lon)
        manager = MembershipFactory(
            role=Role.HOME_STAFF, home=home, user__email=f"{name.split()[0].lower()}@example.org"
        )
        give_figures(home, manager.user, nursing={"vacant_accepting": beds})
        ShortlistEntry.objects.create(user=lead, home=home)
        homes[name] = home
    return team, homes


def search_card(page, live_server, name: str, extra: str = "") -> str:
    page.goto(f"{live_server.url}/find-a-bed/?near=LS6+2AD&radius=10&category=nursing{extra}")
    return page.locator("li.tracker-result").filter(has=page.get_by_role("link", name=name, exact=True)).inner_text()


def test_a_team_asks_three_homes_one_accepts_on_a_phone_and_the_team_places(
    browser, page, phone_page, live_server, sign_in, assert_accessible, placement_homes
):
    from enquiries.models import Referral
    from vacancies.models import CategoryVacancy

    _team, homes = placement_homes
    sign_in(page, "dc@example.org")
    page.goto(f"{live_server.url}/find-a-bed/shortlist/")
    page.get_by_role("button", name="Send an enquiry to these homes").click()
    page.get_by_role("heading", name="Send an enquiry").wait_for()
    for name in homes:
        assert page.get_by_role("checkbox", name=name).is_checked()
    assert_accessible(page)
    page.get_by_label("Reference").fill("Ward 12 bay 3")
    page.get_by_label("Care category").select_option("nursing")
    page.get_by_role("radio", name="Female").check()
    page.get_by_role("radio", name="85 and over").check()
    page.get_by_role("radio", name="Council-funded").check()
    page.get_by_role("radio", name="Pathway 3: long-term care home placement").check()
    # A date of birth in the free text is refused next to the field, and nothing is sent.
    page.get_by_label("Care needs").fill("Born 12/03/1941; needs two carers")
    page.get_by_role("button", name="Send the enquiry").click()
    page.locator("#id_care_needs-error").wait_for()
    assert "date of birth" in page.locator("#id_care_needs-error").inner_text()
    assert not Referral.objects.exists()
    assert_accessible(page)
    page.get_by_label("Care needs").fill("Needs two carers to transfer; mild dementia.")
    page.get_by_role("button", name="Send the enquiry").click()
    page.get_by_text("sent to 3 homes").wait_for()
    enquiry_url = page.url
    assert_accessible(page)

    # The manager of Headingley Park, on a phone: the header counts the enquiry waiting.
    sign_in(phone_page, "headingley@example.org")
    phone_page.locator(".tracker-count", has_text="1").first.wait_for()
    phone_page.goto(f"{live_server.url}/inbox/")
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name="Nursing, female, 85 and over").click()
    phone_page.get_by_role("heading", name="Enquiry from Leeds discharge hub").wait_for()
    assert_accessible(phone_page)
    assert phone_page.get_by_role("radio", name="24 hours").is_checked()
    phone_page.get_by_role("button", name="Accept and hold the bed").click()
    phone_page.get_by_text("Accepted. The bed is held").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.context.close()

    # Armley Heights declines with a reason.
    manager = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(manager, "armley@example.org")
    manager.goto(f"{live_server.url}/inbox/")
    manager.get_by_role("link", name="Nursing, female, 85 and over").click()
    manager.get_by_role("radio", name="Cannot meet the care needs").check()
    manager.get_by_role("button", name="Decline").click()
    manager.get_by_text("Declined. The team has been told why.").wait_for()
    manager.context.close()

    # The team sees both answers, and confirms the placement at Headingley Park.
    page.goto(enquiry_url)
    page.get_by_text("Declined: Cannot meet the care needs").wait_for()
    expect(page.get_by_text("Bed held until")).to_be_visible()
    assert "1 held for a discharge team" in search_card(page, live_server, "Headingley Park")
    page.goto(enquiry_url)
    page.get_by_role("button", name="Confirm the placement at Headingley Park").click()
    page.get_by_text("Placed").first.wait_for()
    assert_accessible(page)
    figures = CategoryVacancy.objects.get(home=homes["Headingley Park"], category="nursing")
    assert figures.vacant_accepting == 1  # 2, less the bed now occupied
    card = search_card(page, live_server, "Headingley Park")
    assert "1 vacant bed accepting admissions" in card
    assert "held" not in card
    assert page.js_errors == []


def test_a_hold_left_alone_ends_by_itself_and_the_bed_is_offered_again(page, live_server, sign_in, placement_homes):
    from django.core.management import call_command
    from django.utils import timezone

    from enquiries import flows
    from enquiries.models import Referral
    from vacancies.models import BedHold

    team, homes = placement_homes
    kirkstall = homes["Kirkstall View"]
    lead = team.memberships.get().user
    enquiry = flows.send(team, lead, [kirkstall], reference="Ward 4", category="nursing", sex="male",
                         age_band="75-84", funding="chc", pathway="2", needed_from=timezone.localdate(),
                         care_needs="Rehabilitation after a fall", contact="Hub")  # fmt: skip
    referral = Referral.objects.get(enquiry=enquiry)
    referral = flows.accept(referral, kirkstall.memberships.get().user, category="nursing", hours=4)
    sign_in(page, "dc@example.org")
    page.goto(f"{live_server.url}/find-a-bed/?near=LS6+2AD&radius=10&category=nursing")
    assert page.get_by_role("link", name="Kirkstall View", exact=True).count() == 0  # its one bed is held
    card = search_card(page, live_server, "Kirkstall View", "&min_beds=0")
    assert "0 vacant beds accepting admissions" in card
    assert "1 held for a discharge team" in card

    # Time passes: the hold was made a day ago for 4 hours.
    day_ago = timezone.now() - datetime.timedelta(days=1)
    BedHold.objects.filter(pk=referral.hold_id).update(
        created_at=day_ago, held_until=day_ago + datetime.timedelta(hours=4)
    )
    card = search_card(page, live_server, "Kirkstall View")
    assert "1 vacant bed accepting admissions" in card
    assert "held" not in card
    # The sweep records it, and the team's page says so.
    call_command("end_holds")
    page.goto(f"{live_server.url}/enquiries/{enquiry.pk}/")
    page.get_by_text("Hold ended").wait_for()
    assert BedHold.objects.get(pk=referral.hold_id).outcome == BedHold.Outcome.EXPIRED
