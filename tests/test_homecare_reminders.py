"""An agency whose capacity is stale is reminded like a home, and confirms "no change" from the
reminder's link without signing in: the same rules (ADR 019): opening changes nothing, one
agency, one version, 72 hours, once a day."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent
from homecare import capacity as changes
from homecare import reminders
from homecare.models import AgencyCapacity, CapacityChange
from tests.factories import AgencyFactory, MembershipFactory
from tests.vacancy_helpers import give_figures
from vacancies import reminder_links
from vacancies.models import Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def stale_agency(leeds):
    agency = AgencyFactory(name="Kirkstall Home Care")
    MembershipFactory(role="home_staff", home=agency, user__email="carer@example.org")
    changes.update(agency, None, loaded_version=0, hours=15, earliest_start=timezone.localdate(),
                   two_carer_calls_now=False, district_hours={})  # fmt: skip
    AgencyCapacity.objects.filter(agency=agency).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    return agency


def link_path() -> str:
    url = re.search(r"https?://\S+/agencies/reminder/\S+/", mail.outbox[-1].body).group(0)
    return "/" + url.split("/", 3)[3]


def test_the_reminder_confirms_in_one_tap_and_opening_it_changes_nothing(client, stale_agency):
    assert reminders.send_reminder(stale_agency) is not None
    assert reminders.send_reminder(stale_agency) is None  # once a day
    body = mail.outbox[-1].body
    assert mail.outbox[-1].to == ["carer@example.org"]
    assert "Kirkstall Home Care's home-care capacity" in body
    assert f"/agencies/{stale_agency.pk}/capacity/" in body
    path = link_path()
    page = client.get(path)
    assert page.status_code == 200
    assert "15 hours a week" in page.text
    assert not CapacityChange.objects.filter(kind="from_reminder").exists()
    assert AgencyCapacity.objects.get(agency=stale_agency).last_confirmed_at < timezone.now() - datetime.timedelta(1)
    confirmed = client.post(path, follow=True)
    assert "Capacity confirmed as: 15 hours a week" in confirmed.text
    assert "updated just now" in confirmed.text
    client.post(path)  # a second tap records nothing more
    assert CapacityChange.objects.filter(kind="from_reminder", made_by=None).count() == 1
    assert AuditEvent.objects.filter(action="confirmed_from_reminder", target__startswith="Kirkstall").count() == 1


def test_a_capacity_changed_since_the_reminder_is_shown_not_confirmed(client, stale_agency):
    reminders.send_reminder(stale_agency)
    changes.update(stale_agency, None, loaded_version=1, hours=3, earliest_start=timezone.localdate(),
                   two_carer_calls_now=False, district_hours={})  # fmt: skip
    page = client.post(link_path(), follow=True)
    assert "The capacity has changed since this reminder" in page.text
    assert not CapacityChange.objects.filter(kind="from_reminder").exists()


def test_an_expired_altered_or_borrowed_link_confirms_nothing(client, stale_agency, home):
    reminders.send_reminder(stale_agency)
    path = link_path()
    with mock.patch.object(reminder_links, "VALID_FOR", datetime.timedelta(seconds=-1)):
        assert client.post(path).status_code == 410
    assert client.post(path[:-3] + "xx/").status_code == 404  # altered
    other = AgencyFactory()
    assert client.post(path.replace(f"/{stale_agency.pk}/", f"/{other.pk}/")).status_code == 404  # another agency
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert client.post(f"/reminder/{stale_agency.pk}/{token}/").status_code == 404  # a care home's link page
    give_figures(home)
    home_token = reminder_links.sign(home.pk, 1)  # a care home's link, for its beds
    assert client.post(f"/agencies/reminder/{home.pk}/{home_token}/").status_code == 404
    assert not CapacityChange.objects.filter(kind="from_reminder").exists()


def test_a_council_reminds_its_stale_agency_and_the_daily_job_reminds_the_rest(
    client, council_admin, other_council_admin, stale_agency
):
    client.force_login(other_council_admin)
    assert client.post(f"/agencies/{stale_agency.pk}/remind/").status_code == 404
    client.force_login(council_admin)
    listed = client.get("/agencies/")
    assert "Remind" in listed.text
    response = client.post(f"/agencies/{stale_agency.pk}/remind/", follow=True)
    assert "Kirkstall Home Care has been reminded." in response.text
    assert "Reminded today" in response.text
    assert Reminder.objects.get(home=stale_agency).sent_by == council_admin
    fresh = AgencyFactory(name="Fresh Care")
    MembershipFactory(role="home_staff", home=fresh)
    changes.update(fresh, None, loaded_version=0, hours=1, earliest_start=timezone.localdate(),
                   two_carer_calls_now=False, district_hours={})  # fmt: skip
    never = AgencyFactory(name="Never Care")
    MembershipFactory(role="home_staff", home=never)
    call_command("send_agency_reminders", verbosity=0)
    assert set(Reminder.objects.values_list("home__name", flat=True)) == {"Kirkstall Home Care", "Never Care"}
    assert "Please enter it" in mail.outbox[-1].body  # no capacity yet: nothing to confirm in one tap
