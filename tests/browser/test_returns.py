"""The monthly return in a browser (issue 27): a manager submits it from the reminder's link on a
phone in one tap and the council sees it; a provider admin submits 30 homes from one CSV."""

import csv
import datetime
import io
import re

import pytest
from playwright.sync_api import expect

from tests.test_returns import ANSWERS, IN_WINDOW, on, submitted


@pytest.fixture
def in_window(monkeypatch):
    on(datetime.date(2026, 12, 8), monkeypatch)  # the window's first day: the reminders go out


def test_a_manager_submits_from_the_reminder_on_a_phone_and_the_council_sees_it(
    phone_page, page, live_server, assert_accessible, sign_in, settings, in_window, council_admin, leeds
):
    from django.core import mail
    from django.core.management import call_command

    from accounts.models import Role
    from returns.models import MonthlyReturn
    from tests.factories import CareHomeFactory, MembershipFactory
    from tests.vacancy_helpers import give_figures

    settings.SITE_URL = live_server.url
    home = CareHomeFactory(name="Headingley Park", local_authority=leeds)
    manager = MembershipFactory(role=Role.HOME_STAFF, home=home, user__email="manager@example.org").user
    give_figures(home, manager, nursing={"capacity": 30, "vacant_accepting": 2})
    submitted(home, datetime.date(2026, 11, 1), agency_care_staff="4")
    call_command("send_return_reminders", verbosity=0)
    link = re.search(r"http\S+/returns/\S+/reminder/\S+/", mail.outbox[-1].body).group(0)

    phone_page.goto(link)  # tapped in the email app: nobody is signed in
    phone_page.get_by_role("heading", name="Monthly return for December 2026").wait_for()
    expect(phone_page.get_by_text("These are last month's answers")).to_be_visible()
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.get_by_role("button", name="Nothing has changed: submit it").click()
    phone_page.locator("#submitted").wait_for()
    assert "Submitted for December 2026" in phone_page.locator("#submitted").inner_text()
    assert_accessible(phone_page)
    saved = MonthlyReturn.objects.get(home=home, month=datetime.date(2026, 12, 1))
    assert (saved.via, saved.answers["agency_care_staff"], saved.beds["capacity"]) == ("reminder", 4, 30)
    phone_page.reload()  # nothing more is recorded
    assert MonthlyReturn.objects.get(pk=saved.pk).version == 1

    sign_in(page, council_admin.email)
    page.get_by_role("link", name="Returns by area").first.click()
    page.get_by_role("heading", name="The return for December 2026").wait_for()
    assert "1 of 1" in page.locator("#returns-content").inner_text()
    expect(page.get_by_text("Every home has submitted.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Month", exact=True).select_option(label="November 2026")  # htmx: the figures only
    page.get_by_role("heading", name="The return for November 2026").wait_for()
    page.wait_for_url(lambda url: "month=2026-11" in url)
    page.go_back()
    page.get_by_role("heading", name="The return for December 2026").wait_for()
    assert phone_page.js_errors == page.js_errors == []


def test_an_agency_manager_confirms_from_the_reminder_on_a_phone_and_the_council_sees_it(
    phone_page, page, live_server, assert_accessible, sign_in, settings, in_window, council_admin, leeds
):
    """Issue 27 for home care: the reminder reaches an agency's manager; one tap on a phone
    submits last month's answers (no beds); the council's page counts the agency as submitted."""
    from django.core import mail
    from django.core.management import call_command

    from accounts.models import Role
    from returns.models import MonthlyReturn
    from tests.factories import AgencyFactory, CareHomeFactory, MembershipFactory
    from tests.test_returns_agencies import agency_submitted

    settings.SITE_URL = live_server.url
    agency = AgencyFactory(name="Kirkstall Home Care", local_authority=leeds)
    manager = MembershipFactory(role=Role.HOME_STAFF, home=agency, user__email="carer@example.org").user
    CareHomeFactory(name="Headingley Park", local_authority=leeds)  # not answered: still waiting
    agency_submitted(agency, datetime.date(2026, 11, 1), care_workers_absent="2")
    call_command("send_return_reminders", verbosity=0)
    [email] = [email for email in mail.outbox if email.to == [manager.email]]
    link = re.search(r"http\S+/returns/\S+/reminder/\S+/", email.body).group(0)

    phone_page.goto(link)  # tapped in the email app: nobody is signed in
    phone_page.get_by_role("heading", name="Monthly return for December 2026").wait_for()
    expect(phone_page.get_by_text("These are last month's answers.")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Care workers")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Beds")).to_have_count(0)
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.get_by_role("button", name="Nothing has changed: submit it").click()
    phone_page.locator("#submitted").wait_for()
    assert "Submitted for December 2026" in phone_page.locator("#submitted").inner_text()
    assert_accessible(phone_page)
    saved = MonthlyReturn.objects.get(home=agency, month=datetime.date(2026, 12, 1))
    assert (saved.via, saved.answers["care_workers_absent"], saved.beds) == ("reminder", 2, {})

    sign_in(page, council_admin.email)
    page.get_by_role("link", name="Returns by area").first.click()
    page.get_by_role("heading", name="The return for December 2026").wait_for()
    figures = page.locator("#returns-content")
    expect(figures.get_by_text("Home-care agencies: 1 of 1")).to_be_visible()
    expect(figures.get_by_text("Homes: 0 of 1")).to_be_visible()
    waiting = figures.get_by_role("list").filter(has_text="Headingley Park")
    expect(waiting).not_to_contain_text("Kirkstall Home Care")
    assert_accessible(page)
    assert phone_page.js_errors == page.js_errors == []


def test_a_provider_admin_submits_thirty_homes_from_one_csv(
    page, live_server, assert_accessible, sign_in, monkeypatch, provider, provider_admin, tmp_path
):
    from returns.models import MonthlyReturn
    from tests.factories import CareHomeFactory
    from tests.vacancy_helpers import give_figures

    on(IN_WINDOW, monkeypatch)
    for n in range(30):
        give_figures(CareHomeFactory(name=f"Aire Valley {n:02d}", provider=provider))
    sign_in(page, provider_admin.email)
    page.get_by_role("link", name="Monthly returns").first.click()
    expect(page.get_by_text("0 of 30 homes submitted")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="upload one CSV for all your homes").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    header = rows[0]
    filled = [header] + [[row[0], row[1], *(ANSWERS[key] for key in header[2:])] for row in rows[1:]]

    wrong = [row[:] for row in filled]
    wrong[5][header.index("direct_nurses")] = "-2"
    page.get_by_label("CSV file of your returns").set_input_files(_file(tmp_path / "wrong.csv", wrong))
    page.get_by_role("button", name="Upload and submit").click()
    expect(page.get_by_role("link", name=re.compile("Nothing was submitted"))).to_be_visible()
    row_error = page.get_by_role("cell", name=re.compile("Aire Valley 04: “Registered nurses” must be a whole"))
    expect(row_error).to_be_visible()
    assert_accessible(page)
    assert not MonthlyReturn.objects.exists()

    page.get_by_label("CSV file of your returns").set_input_files(_file(tmp_path / "right.csv", filled))
    page.get_by_role("button", name="Upload and submit").click()
    expect(page.get_by_text("Submitted 30 homes' returns for December 2026 from the file")).to_be_visible()
    expect(page.get_by_text("30 of 30 homes submitted")).to_be_visible()
    assert_accessible(page)
    assert MonthlyReturn.objects.filter(via="csv").count() == 30
    assert page.js_errors == []


def _file(path, rows) -> str:
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return str(path)
