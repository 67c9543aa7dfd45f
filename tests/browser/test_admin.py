from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import AuditEvent, Role
from registers.models import LocalAuthority
from tests.conftest import with_authenticator
from tests.factories import MembershipFactory, UserFactory


def test_service_admin_resets_a_council_admins_lost_phone(page, live_server, sign_in, assert_accessible):
    leeds = LocalAuthority.objects.get(gss_code="E08000035")
    lost = with_authenticator(
        MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds, user__email="lost.phone@example.org").user
    )
    UserFactory(email="service@example.org", is_superuser=True, is_staff=True)
    sign_in(page, "service@example.org")  # sets up their own app on the way
    page.goto(f"{live_server.url}/admin/accounts/user/?q=lost.phone")
    page.locator(f'input[name="_selected_action"][value="{lost.pk}"]').check()
    page.locator('select[name="action"]').select_option("reset_two_factor")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("Two-factor authentication reset for 1 person")).to_be_visible()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert AuditEvent.objects.filter(action="two_factor_reset", target="lost.phone@example.org").exists()

    page.context.clear_cookies()
    sign_in(page, "lost.phone@example.org")  # set-up again, as a new phone
    assert TOTPDevice.objects.filter(user=lost, confirmed=True).exists()
    assert page.js_errors == []
