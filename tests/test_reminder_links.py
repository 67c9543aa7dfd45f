"""Confirming "no change" from a reminder without signing in (issue 18): a signed link for
one home and one version of its figures, 72 hours, once a day; opening it changes nothing."""

import datetime
import re
from unittest import mock

import pytest
import requests_mock
from django.core import mail, signing
from django.utils import timezone

from accounts.models import AuditEvent
from tests.vacancy_helpers import give_figures
from vacancies import reminder_links
from vacancies.audit_actions import VacancyAction
from vacancies.models import HomeVacancies, Reminder, VacancyUpdate
from vacancies.reminders import mobile_number, send_reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_home(home, home_staff):
    give_figures(home, home_staff, nursing={"vacant_accepting": 2}, residential={"vacant_accepting": 0})
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=3))
    return home


def link_in_email() -> str:
    return re.search(r"https?://\S+/reminder/\S+/", mail.outbox[-1].body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_reminder_carries_a_link_that_confirms_in_one_tap_without_signing_in(client, stale_home):
    send_reminder(stale_home)
    body = mail.outbox[-1].body
    assert "Confirm in one tap" in body
    assert f"/my-homes/{stale_home.pk}/" in body  # and the update form, which asks for sign-in
    path = path_of(link_in_email())
    page = client.get(path)  # opening the link (or an email scanner opening it) changes nothing
    assert page.status_code == 200
    assert "residential 0, nursing 2" in page.text
    assert not VacancyUpdate.objects.filter(kind=VacancyUpdate.Kind.FROM_REMINDER).exists()
    confirmed = client.post(path, follow=True)
    assert "Beds confirmed as: residential 0, nursing 2, updated just now" in confirmed.text
    update = VacancyUpdate.objects.get(kind=VacancyUpdate.Kind.FROM_REMINDER)
    assert (update.home, update.made_by) == (stale_home, None)
    board = HomeVacancies.objects.get(home=stale_home)
    assert timezone.now() - board.last_confirmed_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action=VacancyAction.CONFIRMED_FROM_REMINDER)
    assert stale_home.name in event.target
    assert "sessionid" not in client.cookies  # nobody was signed in


def test_a_link_works_once_a_day(client, stale_home):
    path = reminder_links.confirm_path(stale_home.pk, HomeVacancies.objects.get(home=stale_home).version)
    client.post(path)
    again = client.post(path, follow=True)  # a replay, or a second tap
    assert "Beds confirmed" in again.text
    assert VacancyUpdate.objects.filter(kind=VacancyUpdate.Kind.FROM_REMINDER).count() == 1
    assert AuditEvent.objects.filter(action=VacancyAction.CONFIRMED_FROM_REMINDER).count() == 1


def test_figures_changed_since_the_email_are_shown_not_confirmed(client, stale_home, home_staff):
    path = reminder_links.confirm_path(stale_home.pk, HomeVacancies.objects.get(home=stale_home).version)
    board = HomeVacancies.objects.get(home=stale_home)
    give_figures(stale_home, home_staff, version=board.version, nursing={"vacant_accepting": 1},
                 residential={"vacant_accepting": 0})  # fmt: skip
    page = client.get(path)
    assert "The figures have changed since this reminder" in page.text
    assert "nursing 1" in page.text
    assert "Confirm no change" not in page.text
    client.post(path)
    assert not VacancyUpdate.objects.filter(kind=VacancyUpdate.Kind.FROM_REMINDER).exists()


@pytest.mark.parametrize("problem", ["expired", "tampered", "other home", "garbage"])
def test_a_bad_link_says_what_to_do_and_records_nothing(client, stale_home, other_home, problem):
    version = HomeVacancies.objects.get(home=stale_home).version
    path = reminder_links.confirm_path(stale_home.pk, version)
    if problem == "expired":
        with mock.patch("django.core.signing.time.time", return_value=signing.time.time() - 73 * 3600):
            path = reminder_links.confirm_path(stale_home.pk, version)
    elif problem == "tampered":
        path = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    elif problem == "other home":
        path = path.replace(f"/reminder/{stale_home.pk}/", f"/reminder/{other_home.pk}/")
    else:
        path = f"/reminder/{stale_home.pk}/not-a-token/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == (410 if problem == "expired" else 404)
        assert ("has expired" if problem == "expired" else "does not work") in response.text
        assert "Sign in to your homes" in response.text
    assert not VacancyUpdate.objects.filter(kind=VacancyUpdate.Kind.FROM_REMINDER).exists()


def test_a_home_without_figures_gets_no_confirm_link(home, home_staff):
    send_reminder(home)
    assert "/reminder/" not in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("phone", "mobile"),
    [("07700 900123", "07700900123"), ("+44 7700 900123", "07700900123"), ("0113 496 0000", None), ("", None)],
)
def test_mobile_numbers_are_recognised(home, phone, mobile):
    home.phone = phone
    assert mobile_number(home) == mobile


def test_through_notify_the_reminder_is_emailed_and_texted_to_a_mobile(settings, stale_home):
    settings.NOTIFY_API_KEY = "test_key-" + "1" * 36 + "-" + "2" * 36
    settings.NOTIFY_REMINDER_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_REMINDER_SMS_TEMPLATE_ID = "0b3b5a8e-55b4-4a3a-9f0e-0d3c6f3a2c11"
    stale_home.phone = "07700 900123"
    stale_home.save(update_fields=["phone"])
    with requests_mock.Mocker() as http:
        http.post("https://api.notifications.service.gov.uk/v2/notifications/email", json={"id": "x"}, status_code=201)
        http.post("https://api.notifications.service.gov.uk/v2/notifications/sms", json={"id": "y"}, status_code=201)
        reminder = send_reminder(stale_home)
    email, text = http.request_history
    assert email.url.endswith("/email")
    assert text.url.endswith("/sms")
    assert text.json()["phone_number"] == "07700900123"
    assert text.json()["template_id"] == "0b3b5a8e-55b4-4a3a-9f0e-0d3c6f3a2c11"
    assert f"/reminder/{stale_home.pk}/" in text.json()["personalisation"]["confirm_link"]
    assert (reminder.channel, reminder.texted) == ("notify", True)
    assert mail.outbox == []


def test_a_confirmation_from_a_reminder_counts_as_fresh(client, stale_home, council_admin):
    client.post(reminder_links.confirm_path(stale_home.pk, HomeVacancies.objects.get(home=stale_home).version))
    client.force_login(council_admin)
    page = client.get(f"/homes/{stale_home.pk}/")
    assert "Updated just now" in page.text
    assert "from a reminder's link" in page.text
    assert Reminder.objects.count() == 0  # confirming is not a reminder
