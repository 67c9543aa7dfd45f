"""A council admin makes an API key, sees it once, replaces it and revokes it; the API reference is accessible."""

import pytest
from playwright.sync_api import expect


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

    # Replaced: a new key, shown once; the old one keeps working while the system switches.
    page.get_by_role("link", name="Back to API keys").click()
    page.get_by_role("button", name="Replace Leeds brokerage system").click()
    page.get_by_role("heading", name="New key made: Leeds brokerage system").wait_for()
    old_key, key = key, page.get_by_label("The key").input_value()
    assert key.startswith("cct_") and key != old_key  # noqa: PT018
    expect(page.get_by_text("keeps working until")).to_be_visible()
    assert_accessible(page)
    assert call()[0] == 200
    page.go_back()  # the browser's back button: the list again, the key not shown again
    page.reload()
    page.get_by_role("heading", name="API keys").wait_for()
    assert key not in page.content()
    expect(page.get_by_text("Replaced")).to_be_visible()

    # Revoked: the new key stops at once.
    page.get_by_role("button", name=f"Revoke Leeds brokerage system ({key.split('_')[1]})").click()
    page.get_by_text("revoked: it stops working at once").wait_for()
    with pytest.raises(urllib.error.HTTPError) as refused:
        call()
    assert refused.value.code == 401

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_role("heading", name="Care Capacity Tracker API").wait_for()
    # What a partner reads before writing a client: the kinds of key, the one error shape,
    # and for each operation the keys it takes, every answer it can give, where to go next.
    page.get_by_role("heading", name="Kinds of key").wait_for()
    expect(page.get_by_text("ProviderKey").first).to_be_visible()
    page.get_by_role("heading", name="Errors").wait_for()
    writes = page.locator(
        "section", has=page.get_by_role("heading", name="PUT /api/v1/homes/{cqc_location_id}/vacancies")
    )
    assert "Keys it accepts: A provider's key" in writes.inner_text()
    answers = writes.get_by_role("table", name="Answers")
    for status in ("200", "400", "401", "403", "404", "412", "415", "422", "428", "429"):
        assert answers.get_by_role("cell", name=status, exact=True).count() == 1, status
    assert "If-Match" in writes.inner_text()
    expect(writes.get_by_text("GET /api/v1/homes/{cqc_location_id}")).to_be_visible()  # a link onward
    assert_accessible(page)
    assert page.js_errors == []


def test_a_providers_system_writes_and_the_home_shows_it(page, live_server, sign_in, give_second_factor,
                                                        assert_accessible, transactional_db):  # fmt: skip
    import json
    import urllib.request

    from accounts.models import Role
    from tests.factories import CareHomeFactory, MembershipFactory, ProviderFactory
    from tests.vacancy_helpers import give_figures

    group = ProviderFactory(name="Aire Valley Care Ltd")
    home = CareHomeFactory(name="Headingley Park", provider=group)
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    MembershipFactory(role=Role.PROVIDER_ADMIN, provider=group, user__email="provider@example.org")
    sign_in(page, "provider@example.org")  # a provider admin signs in with a password alone
    page.get_by_role("link", name="API keys").first.click()
    # A key outlives the session: making one asks for a second factor, set up here, then back.
    page.get_by_text("To make or replace an API key, first set up two-factor authentication.").wait_for()
    give_second_factor(page, "provider@example.org")
    page.get_by_role("heading", name="API keys").wait_for()
    page.get_by_label("Name").fill("Our rota system")
    page.get_by_label("What it can read").select_option(label="Homes of Aire Valley Care Ltd (and set their figures)")
    page.get_by_role("button", name="Make the key").click()
    key = page.get_by_label("The key").input_value()

    body = {"categories": [{"category": "nursing", "occupied": 24, "vacant_accepting": 4}]}
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        f"{live_server.url}/api/v1/homes/{home.cqc_location_id}/vacancies", data=json.dumps(body).encode(),
        method="PUT", headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "If-Match": '"1"'},
    )  # fmt: skip
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert json.load(response)["version"] == 2

    page.goto(f"{live_server.url}/homes/{home.pk}/")
    page.get_by_text("by API key “Our rota system”").wait_for()
    assert_accessible(page)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_role("heading", name="PUT /api/v1/homes/{cqc_location_id}/vacancies").wait_for()
    page.get_by_role("link", name="CapabilityStatement").click()
    assert '"resourceType":"CapabilityStatement"' in page.content()
    page.go_back()
    page.get_by_role("heading", name="Care Capacity Tracker API").wait_for()
    assert_accessible(page)
