"""Pages read on a 360 px phone fit its width: the API's reference (a developer on the move) and
the audit trail (a service admin called out of hours). Wide parts scroll in their own box."""

from playwright.sync_api import expect

from accounts.models import AuditEvent
from api.audit_actions import ApiAction
from tests.conftest import with_authenticator
from tests.factories import UserFactory

# What sticks out past the phone's edge, for the failure message.
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(el => !el.closest('.tracker-scroll, .nhsuk-table-container, pre'))
    .slice(0, 8).map(el => el.tagName + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 40))"""


def test_the_api_reference_fits_a_phone(phone_page, live_server, assert_accessible):
    phone_page.goto(f"{live_server.url}/api/v1/docs/")
    expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
    assert phone_page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone_page)


def test_the_audit_trail_fits_a_phone(phone_page, live_server, sign_in, assert_accessible):
    admin = with_authenticator(UserFactory(is_superuser=True, is_staff=True, email="on-call.service.admin@example.org"))
    # What the trail holds on a real day: a system's request with its whole query, from IPv6.
    AuditEvent.objects.create(
        action=ApiAction.API_USED, ip_address="2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        target="Leeds brokerage system (council: Leeds City Council)",
        detail="GET /api/v1/homes?local_authority=E08000035&updated_since=2026-12-05T00:00:00Z&cursor=eyJpZCI6MTIzNDV9",
    )  # fmt: skip
    sign_in(phone_page, admin.email)
    phone_page.get_by_role("main").get_by_role("link", name="Audit").click()
    expect(phone_page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(phone_page.get_by_text("GET /api/v1/homes?local_authority=E08000035", exact=False)).to_be_visible()
    assert phone_page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone_page)


def test_about_the_data_from_the_footer_fits_a_phone(phone_page, live_server, sign_in, assert_accessible):
    """A Jinja2 page (ADR 024) in its shell: the menu, the footer's links, the scripts (htmx's
    and ours, with the CSP nonce: a script refused would be a console error)."""
    UserFactory(email="nurse@example.org", full_name="Nia Nurse")
    sign_in(phone_page, "nurse@example.org")
    phone_page.get_by_role("contentinfo").get_by_role("link", name="About the data").click()
    expect(phone_page.get_by_role("heading", name="About the data", level=1)).to_be_visible()
    assert phone_page.title() == "About the data \u2013 Care Capacity Tracker"
    expect(phone_page.get_by_role("link", name="Skip to main content")).to_be_attached()
    phone_page.wait_for_load_state("domcontentloaded")  # deferred scripts have run by then (the heading can show first)
    assert phone_page.evaluate("typeof htmx") == "object"  # its script ran, nonce and all
    assert phone_page.evaluate(WIDER_THAN_THE_PAGE) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Sign out").click()
    expect(phone_page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert phone_page.js_errors == []
