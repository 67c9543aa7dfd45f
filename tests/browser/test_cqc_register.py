"""A council onboards a home CQC registered this week, from the list the CQC sync made (issue 25)."""

import datetime

from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect


def test_a_council_adds_a_newly_registered_home_in_one_click(page, live_server, sign_in, assert_accessible):
    from homes import cqc_sync
    from registers.models import CareHome
    from tests.conftest import with_authenticator
    from tests.cqc_stub import KEY, Register, Stub, location_document, provider_document
    from tests.factories import LEEDS, MembershipFactory, local_authority

    register = Register()
    register.providers["1-900000005"] = provider_document("1-900000005", "Kirkstall Care Group")
    registered = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    new = location_document(
        "1-104000001", "Kirkstall Lodge", "LS6 3AA", provider_id="1-900000005", registration_date=registered,
        rating="Not yet rated", report_date=None, beds=36,
    )  # fmt: skip
    register.add(new)
    with Stub(register) as stub, override_settings(CQC_API_URL=stub.url, CQC_API_KEY=KEY, CQC_PARTNER_CODE=""):
        assert cqc_sync.sync().status == "done"

    with_authenticator(
        MembershipFactory(
            role="council_admin", local_authority=local_authority(LEEDS), user__email="c@example.org"
        ).user
    )
    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Care homes").first.click()
    page.get_by_role("heading", name="Newly registered with CQC").wait_for()
    row = page.get_by_role("row").filter(has_text="Kirkstall Lodge")
    assert "This week" in row.inner_text()
    assert_accessible(page)
    row.get_by_role("button", name="Add it").click()

    page.get_by_text("Kirkstall Lodge has been added from CQC's register. Now invite its manager.").wait_for()
    assert_accessible(page)
    home = CareHome.objects.get(cqc_location_id="1-104000001")
    assert (home.provider.name, home.registered_beds, home.cqc_rating) == ("Kirkstall Care Group", 36, "not_yet_rated")
    page.get_by_role("link", name="Kirkstall Lodge").first.click()
    expect(page.get_by_text("Not yet rated").first).to_be_visible()
    expect(page.get_by_text("CQC facts last checked")).to_be_visible()
    page.get_by_role("link", name="Care homes").first.click()
    page.wait_for_url(lambda url: url.split("?")[0].endswith("/homes/"))
    expect(page.get_by_role("heading", name="Newly registered with CQC")).to_have_count(0)  # nothing left to add
    assert page.js_errors == []
