"""A manager confirms "no change" from a reminder's link on a phone, in one tap, without signing in."""

import datetime
import re

from playwright.sync_api import expect


def test_a_manager_confirms_from_the_reminder_on_a_phone(phone_page, live_server, assert_accessible, settings):
    from django.core import mail
    from django.utils import timezone

    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures
    from vacancies.models import HomeVacancies, VacancyUpdate
    from vacancies.reminders import send_reminder

    settings.SITE_URL = live_server.url
    home = CareHomeFactory(name="Headingley Park")
    manager = MembershipFactory(role=Role.HOME_STAFF, home=home, user__email="manager@example.org").user
    give_figures(home, manager, nursing={"vacant_accepting": 2}, residential={"vacant_accepting": 0})
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=4))
    send_reminder(home)
    link = re.search(r"http\S+/reminder/\S+/", mail.outbox[-1].body).group(0)

    phone_page.goto(link)  # as if tapped in the email app: nobody is signed in
    phone_page.get_by_role("heading", name="Confirm no change").wait_for()
    expect(phone_page.get_by_text("residential 0, nursing 2")).to_be_visible()
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Confirm no change").click()
    phone_page.get_by_role("heading", name="Beds confirmed").wait_for()
    assert (
        "Beds confirmed as: residential 0, nursing 2, updated just now" in phone_page.locator("#confirmed").inner_text()
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone_page)
    assert VacancyUpdate.objects.filter(home=home, kind=VacancyUpdate.Kind.FROM_REMINDER, made_by=None).count() == 1
    phone_page.reload()  # nothing more is recorded
    assert VacancyUpdate.objects.filter(home=home, kind=VacancyUpdate.Kind.FROM_REMINDER).count() == 1
    assert phone_page.js_errors == []
