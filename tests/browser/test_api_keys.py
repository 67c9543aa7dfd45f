"""A council admin makes an API key, sees it once, and revokes it; the API's reference page is accessible."""

import pytest


def test_a_council_admin_makes_and_revokes_a_key(page, live_server, sign_in, assert_accessible, transactional_db):
    import json
    import urllib.error
    import urllib.request

    from accounts.models import Role
    from tests.factories import MembershipFactory, local_authority

    leeds = local_authority("E08000035")
    MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="council@example.org")
    sign_in(page, "council@example.org")
    page.get_by_role("link", name="API keys").first.click()
    page.get_by_role("heading", name="API keys").wait_for()
    assert_accessible(page)
    page.get_by_label("Name").fill("Leeds brokerage system")
    page.get_by_label("What it can read").select_option(label="Homes in Leeds")
    page.get_by_role("radio", name="In 90 days").check()
    page.get_by_role("button", name="Make the key").click()
    page.get_by_role("heading", name="Key made: Leeds brokerage system").wait_for()
    key = page.get_by_label("The key").input_value()
    assert key.startswith("cct_")
    assert_accessible(page)

    def call():
        url = f"{live_server.url}/api/v1/homes"  # http://127.0.0.1:<port>, the test's own server
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status, json.load(response)

    status, body = call()
    assert status == 200
    assert body["next"] is None

    page.get_by_role("link", name="Back to API keys").click()
    page.get_by_role("button", name="Revoke Leeds brokerage system").click()
    page.get_by_text("revoked: it stops working at once").wait_for()
    with pytest.raises(urllib.error.HTTPError) as refused:
        call()
    assert refused.value.code == 401

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_role("heading", name="Care Capacity Tracker API").wait_for()
    assert_accessible(page)
    assert page.js_errors == []
