"""A council onboards a home-care agency CQC registered this week, from the list the CQC sync made,
invites its manager, and corrects a fact CQC's register got wrong, with a reason (issue 26)."""

import datetime

from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect


def test_a_council_adds_a_newly_registered_agency_and_invites_its_manager(
    page, live_server, sign_in, assert_accessible
):
    from homes import cqc_sync
    from registers.models import HomeCareAgency
    from tests.conftest import with_authenticator
    from tests.cqc_stub import KEY, Register, Stub, location_document, provider_document
    from tests.factories import LEEDS, MembershipFactory, local_authority

    register = Register()
    register.providers["1-900000006"] = provider_document("1-900000006", "Kirkstall Care At Home Ltd")
    registered = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    register.add(location_document(
        "1-104000002", "Kirkstall Care At Home", "LS5 3AB", provider_id="1-900000006", registration_date=registered,
        rating="Not yet rated", report_date=None, beds=None, care_home=False, domiciliary=True,
    ))  # fmt: skip
    register.add(location_document("1-104000003", "Abbey Lodge", "LS5 3AA", registration_date=registered))
    with Stub(register) as stub, override_settings(CQC_API_URL=stub.url, CQC_API_KEY=KEY, CQC_PARTNER_CODE=""):
        assert cqc_sync.sync().status == "done"

    with_authenticator(
        MembershipFactory(
            role="council_admin", local_authority=local_authority(LEEDS), user__email="c@example.org"
        ).user
    )
    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Home-care agencies").first.click()
    expect(page.get_by_role("heading", name="Newly registered with CQC")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Abbey Lodge")).to_have_count(0)  # a care home: Care homes' list
    row = page.get_by_role("row").filter(has_text="Kirkstall Care At Home")
    expect(row).to_contain_text("This week")
    assert_accessible(page)
    row.get_by_role("button", name="Add it").click()

    expect(page.get_by_text("Kirkstall Care At Home has been added from CQC's register. Now invite its manager.")) \
        .to_be_visible()  # fmt: skip
    assert_accessible(page)
    agency = HomeCareAgency.objects.get(cqc_location_id="1-104000002")
    assert (agency.provider.name, agency.registered_beds, agency.service_type) == (
        "Kirkstall Care At Home Ltd", None, "domiciliary")  # fmt: skip
    page.get_by_label("Email address").fill("manager@kirkstall.example.org")
    page.get_by_label("Full name").fill("Sam Manager")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("manager@kirkstall.example.org").first).to_be_visible()

    page.get_by_role("link", name="Kirkstall Care At Home").first.click()
    expect(page.get_by_role("heading", name="Kirkstall Care At Home", level=1)).to_be_visible()
    expect(page.get_by_text("Not yet rated").first).to_be_visible()
    page.get_by_role("link", name="Correct CQC's facts").click()
    expect(page.get_by_role("heading", name="Correct CQC's facts about Kirkstall Care At Home")).to_be_visible()
    expect(page.get_by_label("Registered beds")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Overall rating").select_option("good")
    page.get_by_label("Date of the rating").fill("2026-11-02")
    page.get_by_label("Why are you correcting them?").fill("CQC's page says Good since its first inspection")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("Kirkstall Care At Home's CQC facts have been corrected.")).to_be_visible()
    expect(page.get_by_text("Good").first).to_be_visible()

    page.goto(f"{live_server.url}/agencies/")
    expect(page.get_by_role("heading", name="Home-care agencies", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Newly registered with CQC")).to_have_count(0)  # nothing left to add
    assert page.js_errors == []
