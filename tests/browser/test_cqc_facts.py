"""CQC's facts come from CQC (issue 24): a council admin corrects an import's mistake with a
reason and families see it; a home whose rating no source gave reads "not known" with CQC's link."""

import datetime

import pytest
from playwright.sync_api import expect


@pytest.fixture
def imported_homes(transactional_db):
    from registers.models import CareHome
    from tests.factories import CareHomeFactory

    wrong = CareHomeFactory(name="Headingley Park", cqc_location_id="1-700000101")
    CareHome.objects.filter(pk=wrong.pk).update(cqc_rating="inadequate", cqc_rating_date=datetime.date(2021, 6, 1))
    CareHomeFactory(name="Meanwood Lodge", cqc_location_id="1-700000102", cqc_rating=None, cqc_rating_date=None)
    return wrong


def test_a_council_corrects_a_rating_and_families_see_it(page, live_server, sign_in, assert_accessible, imported_homes):
    from tests.conftest import with_authenticator
    from tests.factories import LEEDS, MembershipFactory, local_authority

    with_authenticator(
        MembershipFactory(
            role="council_admin", local_authority=local_authority(LEEDS), user__email="c@example.org"
        ).user
    )
    sign_in(page, "c@example.org")
    page.goto(f"{live_server.url}/homes/{imported_homes.pk}/")
    page.get_by_role("link", name="Correct CQC's facts").click()
    page.get_by_role("heading", name="Correct CQC's facts about Headingley Park").wait_for()
    assert_accessible(page)

    page.get_by_label("Overall rating").select_option(label="Good")
    page.get_by_label("Date of the rating").fill("2025-05-02")
    page.get_by_role("button", name="Save the correction").click()
    # No reason: said by the field, and the choices made are still there.
    page.get_by_role("link", name="Say why you are correcting CQC's facts").wait_for()
    assert page.get_by_label("Overall rating").input_value() == "good"
    assert_accessible(page)
    page.get_by_label("Why are you correcting them?").fill("Our file had the 2021 rating; CQC's page says Good")
    page.get_by_role("button", name="Save the correction").click()
    page.get_by_text("Headingley Park's CQC facts have been corrected.").wait_for()
    expect(page.get_by_text("Good, 2 May 2025")).to_be_visible()

    page.get_by_role("link", name="History of changes").click()
    assert page.get_by_text(
        "Corrected by Leeds: rating Inadequate → Good. Reason: Our file had the 2021 rating; CQC's page says Good"
    ).is_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/care-homes/1-700000101/")
    expect(page.get_by_text("Good (May 2025)")).to_be_visible()
    assert_accessible(page)
    assert page.js_errors == []


def test_a_rating_no_source_gave_reads_not_known_with_cqcs_link(phone_page, live_server, assert_accessible,
                                                                 imported_homes):  # fmt: skip
    page = phone_page
    page.goto(f"{live_server.url}/care-homes/1-700000102/")
    overall = page.locator(".nhsuk-summary-list__row", has_text="Overall")
    assert overall.inner_text().split("\n")[-1].strip() == "Not known \u2013 see the home's CQC page"
    link = overall.get_by_role("link", name="see the home's CQC page")
    assert link.get_attribute("href") == "https://www.cqc.org.uk/location/1-700000102"
    assert page.get_by_text("Not yet rated").count() == 0
    assert_accessible(page)
    assert page.context.cookies() == []
