import datetime

from django.utils import timezone
from playwright.sync_api import expect


def test_council_admin_sees_the_area_and_reminds_a_stale_home(page, live_server, sign_in, assert_accessible):
    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory, local_authority
    from tests.vacancy_helpers import give_figures
    from vacancies.models import HomeVacancies
    from vacancies.snapshots import take_snapshot

    leeds = local_authority("E08000035")
    give_figures(CareHomeFactory(name="Fresh Home", local_authority=leeds), nursing={"vacant_accepting": 4})
    stale = CareHomeFactory(name="Stale Home", local_authority=leeds, email="stale@example.org")
    give_figures(stale, residential={"vacant_accepting": 1})
    HomeVacancies.objects.filter(home=stale).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    take_snapshot()
    MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="c@example.org")

    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Area dashboard").first.click()
    expect(page.get_by_role("heading", name="Leeds", exact=True)).to_be_visible()
    expect(page.get_by_text("1 of 2 homes")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("365 days").check()
    page.get_by_role("heading", name="Vacant, accepting admissions: the last 365 days").wait_for()
    page.get_by_text("Show the figures as a table").first.click()
    assert_accessible(page)

    page.get_by_role("button", name="Send reminder to Stale Home").click()
    expect(page.get_by_text("Reminder sent to Stale Home.")).to_be_visible()
    expect(page.get_by_text("Reminded today at")).to_be_visible()
    assert_accessible(page)
    assert page.js_errors == []
