"""Sign-in throttling, session lengths, and the audit trail."""

import csv
import io

import pytest
from axes.models import AccessAttempt

from accounts.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.vacancy_helpers import form_post, give_figures

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, ip="203.0.113.7"):
    return client.post("/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, settings):
    UserFactory(email="nurse@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "nurse@example.org", "wrong").status_code == 200
    locked = sign_in(client, "Nurse@example.org", "wrong")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.text
    # Even the right password is refused while locked out...
    assert sign_in(client, "nurse@example.org", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...until a service admin unlocks it (Django admin: delete the access attempt).
    AccessAttempt.objects.all().delete()
    assert sign_in(client, "nurse@example.org", PASSWORD).status_code == 302


def test_lockout_is_per_address_so_others_can_still_sign_in(client, settings):
    UserFactory(email="nurse@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nurse@example.org", "wrong", ip="203.0.113.7")
    assert sign_in(client, "nurse@example.org", PASSWORD, ip="198.51.100.9").status_code == 302


def test_admin_sessions_are_shorter(client, council_admin, coordinator, settings):
    client.force_login(council_admin)
    client.get("/")
    assert client.session.get_expiry_age() == settings.ADMIN_SESSION_COOKIE_AGE
    client.force_login(coordinator)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_sign_ins_and_failures_are_audited_with_where_from(client):
    UserFactory(email="nurse@example.org")
    sign_in(client, "nurse@example.org", "wrong")
    sign_in(client, "nurse@example.org", PASSWORD)
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert (failed.email, failed.ip_address) == ("nurse@example.org", "203.0.113.7")
    assert AuditEvent.objects.get(action="sign_in").user.email == "nurse@example.org"


def test_home_and_vacancy_changes_and_roles_are_audited(client, council_admin, home, home_staff):
    give_figures(home)
    client.force_login(home_staff)
    client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}))
    client.post(f"/my-homes/{home.pk}/confirm/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert "membership_added" in actions  # the home_staff fixture gave a role
    assert actions[-2:] == ["vacancies_changed", "vacancies_confirmed"]
    client.force_login(council_admin)
    client.post(f"/homes/{home.pk}/staff/", {"full_name": "Nell", "email": "nell@example.org"})
    assert AuditEvent.objects.filter(action="invitation_sent", target="nell@example.org", user=council_admin).exists()


def test_audit_trail_is_for_service_admins_and_exports(client, service_admin, council_admin, home_staff):
    client.force_login(council_admin)
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit.csv").status_code == 404
    client.force_login(service_admin)
    page = client.get("/audit/", {"action": "membership_added"})
    assert "Role given" in page.text
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/audit.csv").streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "What", "Who"]
    assert len(rows) > 1


def test_audit_events_cannot_be_changed_in_admin(client, service_admin):
    client.force_login(service_admin)
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403


def test_the_audit_trail_shows_each_apps_actions_by_the_labels_it_registered(client, service_admin, home, home_staff):
    """Each app registers its own audit actions (ADR 021); accounts lists none of theirs, and
    the page, its filter and its CSV still say them in words."""
    from accounts.models import action_labels
    from tracker.contributions import AUDIT_ACTIONS, contributed

    give_figures(home)
    client.force_login(home_staff)
    client.post(f"/my-homes/{home.pk}/confirm/")
    labels = action_labels()
    assert labels["vacancies_confirmed"] == "No change confirmed"  # vacancies' own
    assert labels["sign_in"] == "Signed in"  # accounts' own
    values = [value for actions in contributed(AUDIT_ACTIONS) for value in actions.values]
    assert len(values) == len(set(values)), "two apps registered the same action"
    assert max(map(len, values)) <= 30  # the column's width
    client.force_login(service_admin)
    page = client.get("/audit/", {"action": "vacancies_confirmed"})
    assert '<option value="vacancies_confirmed" selected>No change confirmed</option>' in page.text
    assert "No change confirmed" in page.text.partition("<table")[2]  # the event's row
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/audit.csv").streaming_content).decode("utf-8-sig"))))
    assert "No change confirmed" in [row[1] for row in rows]
