"""A coordinator saves a search; a home gains a bed; the coordinator is told, and stops the alerts from the email."""

import re

from playwright.sync_api import expect


def test_a_saved_search_alerts_when_a_home_gains_a_bed(page, live_server, sign_in, assert_accessible, settings,
                                                       transactional_db):  # fmt: skip
    from django.core import mail
    from django.core.management import call_command

    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures

    settings.SITE_URL = live_server.url
    home = CareHomeFactory(name="Headingley Park", postcode="LS6 2AD", latitude=53.82083, longitude=-1.57703)
    give_figures(home, nursing={"vacant_accepting": 0})
    MembershipFactory(role=Role.COORDINATOR, user__email="dc@example.org")

    sign_in(page, "dc@example.org")
    page.goto(f"{live_server.url}/find-a-bed/?near=LS6+2AD&radius=10&category=nursing")
    page.get_by_role("heading", name="0 homes found").wait_for()
    assert page.get_by_label("Email me when a home starts matching with a bed").is_checked()
    page.get_by_role("button", name="Save this search").click()
    page.get_by_role("heading", name="Saved searches").wait_for()
    assert_accessible(page)

    give_figures(home, version=1, nursing={"vacant_accepting": 1})  # the home gains a bed
    call_command("alert_saved_searches", verbosity=0)
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Beds that appeared for your saved searches").wait_for()
    expect(page.get_by_text("Headingley Park").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Near LS6 2AD")).first.click()
    page.get_by_role("heading", name="1 home found").wait_for()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Saved searches").click()
    page.get_by_role("heading", name="Saved searches").wait_for()
    assert page.get_by_role("link", name="Saved searches").get_attribute("aria-current") == "page"

    link = re.search(r"http\S+/alerts/stop/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Stop these alerts").click()
    page.get_by_role("heading", name="Alerts stopped").wait_for()
    assert_accessible(page)
    assert page.js_errors == []
