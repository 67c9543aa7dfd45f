import datetime

from django.utils import timezone
from playwright.sync_api import expect


def test_manager_confirms_no_change_and_updates_a_count_on_a_phone(phone_page, live_server, sign_in, assert_accessible):
    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures
    from vacancies.models import CategoryVacancy, HomeVacancies

    home = CareHomeFactory(name="Headingley Park")
    give_figures(home)
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    MembershipFactory(role=Role.HOME_STAFF, home=home, user__email="m@example.org")
    page = phone_page

    sign_in(page, "m@example.org")
    # Signing in lands on My homes: "no change" is the first tap.
    expect(page.get_by_text("Updated 2 days ago")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm no change for Headingley Park").click()
    page.get_by_text("Updated just now").wait_for()
    assert HomeVacancies.objects.get(home=home).last_confirmed_at > timezone.now() - datetime.timedelta(minutes=1)

    page.get_by_role("button", name="Update vacancies for Headingley Park").click()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    page.get_by_label("Occupied").fill("19")
    # Checked as the user types: the figures no longer fit the registered beds.
    page.get_by_text("add up to 24: more than the 20 registered beds").wait_for()
    page.get_by_label("Occupied").fill("16")
    page.get_by_label("Vacant, accepting admissions").fill("2")
    page.get_by_text("Nursing: the figures add up.").wait_for()
    page.get_by_role("button", name="Save vacancies").click()
    expect(page.get_by_text("Headingley Park: vacancies saved.")).to_be_visible()
    expect(page.get_by_text("2 beds vacant and accepting admissions.")).to_be_visible()
    assert_accessible(page)
    row = CategoryVacancy.objects.get(home=home)
    assert (row.occupied, row.vacant_accepting) == (16, 2)
    assert page.js_errors == []
