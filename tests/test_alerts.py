"""Saved searches and alerts (issue 18): a coordinator is told, by email and on their pages,
when a home starts matching a saved search with a bed; at most once an hour per search;
one click stops them."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import CareHomeFactory
from tests.vacancy_helpers import give_figures
from vacancies import alerts
from vacancies.models import SavedSearch, SearchAlert

pytestmark = pytest.mark.django_db
QUERY = "near=LS6+2AD&radius=10&category=nursing&sex=female"


@pytest.fixture
def full_home(home, home_staff):
    give_figures(home, home_staff, nursing={"vacant_accepting": 0})
    return home


def save_by_form(client, query=QUERY, alerts_on=True):
    data = {"query": query} | ({"alerts": "on"} if alerts_on else {})
    return client.post("/find-a-bed/saved/", data)


def test_a_coordinator_saves_a_search_from_the_search_page(client, coordinator, full_home):
    client.force_login(coordinator)
    page = client.get(f"/find-a-bed/?{QUERY}")
    assert "Save this search" in page.text
    assert save_by_form(client).url == "/find-a-bed/saved/"
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.alerts) == (coordinator, True)
    assert "LS6 2AD" in saved.label
    assert "Nursing" in saved.label
    listed = client.get("/find-a-bed/saved/")
    assert saved.label in listed.text
    assert f"/find-a-bed/?{saved.query}" in listed.text.replace("&amp;", "&")


@pytest.mark.parametrize("query", ["near=NOT+A+POSTCODE", "category=spa", "radius=9999", "min_beds=-4"])
def test_nonsense_filters_are_refused_by_the_field(client, coordinator, query):
    client.force_login(coordinator)
    response = save_by_form(client, query)
    assert not SavedSearch.objects.exists()
    page = client.get(response.url)
    assert "not valid" in page.text
    assert 'class="nhsuk-error-message"' in page.text


def test_a_home_gaining_a_bed_alerts_once_an_hour(client, coordinator, full_home, home_staff):
    client.force_login(coordinator)
    save_by_form(client)
    saved = SavedSearch.objects.get()
    assert saved.matching == []  # no bed yet: nothing matches
    call_command("alert_saved_searches", verbosity=0)
    assert mail.outbox == []
    give_figures(full_home, home_staff, version=1, nursing={"vacant_accepting": 1})
    call_command("alert_saved_searches", verbosity=0)
    assert SearchAlert.objects.get().homes == [full_home.pk]
    email = mail.outbox[-1]
    assert email.to == ["coordinator@example.org"]
    assert full_home.name in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Another home starts matching within the hour: not told yet...
    other = CareHomeFactory(name="Second Home", postcode="LS6 2AE")
    give_figures(other, nursing={"vacant_accepting": 2})
    call_command("alert_saved_searches", verbosity=0)
    assert SearchAlert.objects.count() == 1
    # ...but once the hour has passed.
    SavedSearch.objects.update(alerted_at=timezone.now() - datetime.timedelta(minutes=61))
    call_command("alert_saved_searches", verbosity=0)
    assert SearchAlert.objects.count() == 2
    assert SearchAlert.objects.first().home_names == "Second Home"
    # And the coordinator's start page shows them.
    assert "Second Home" in client.get("/find-a-bed/alerts/").text
    assert 'hx-get="/find-a-bed/alerts/"' in client.get("/").text


def test_one_click_in_the_email_stops_the_alerts(client, coordinator, full_home, home_staff):
    client.force_login(coordinator)
    save_by_form(client)
    give_figures(full_home, home_staff, version=1, nursing={"vacant_accepting": 1})
    alerts.check_all()
    link = re.search(r"http\S+/alerts/stop/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.logout()
    assert "Stop these alerts" in client.get(path).text  # opening the link changes nothing
    assert SavedSearch.objects.get().alerts
    stopped = client.post(path)  # the button, or the mail program's one-click unsubscribe
    assert "Alerts stopped" in stopped.text
    assert not SavedSearch.objects.get().alerts
    assert client.get("/alerts/stop/altered-token/").status_code == 404


def test_saved_searches_are_their_owners_only(client, coordinator, council_admin, home_staff):
    saved = alerts.save(coordinator, QUERY, alerts=True)
    client.force_login(council_admin)
    assert client.post(f"/find-a-bed/saved/{saved.pk}/delete/").status_code == 404
    assert client.post(f"/find-a-bed/saved/{saved.pk}/alerts/").status_code == 404
    client.force_login(home_staff)
    assert client.get("/find-a-bed/saved/").status_code == 404
    assert save_by_form(client).status_code == 404
    client.force_login(coordinator)
    client.post(f"/find-a-bed/saved/{saved.pk}/alerts/")
    assert not SavedSearch.objects.get().alerts
    client.post(f"/find-a-bed/saved/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_the_alert_email_goes_through_notify_when_configured(settings, coordinator, full_home, home_staff):
    import requests_mock

    settings.NOTIFY_API_KEY = "test_key-" + "1" * 36 + "-" + "2" * 36
    settings.NOTIFY_ENQUIRY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    alerts.save(coordinator, QUERY, alerts=True)
    give_figures(full_home, home_staff, version=1, nursing={"vacant_accepting": 1})
    with requests_mock.Mocker() as http:
        http.post("https://api.notifications.service.gov.uk/v2/notifications/email", json={"id": "x"}, status_code=201)
        alerts.check_all()
    sent = http.request_history[0].json()
    assert sent["email_address"] == "coordinator@example.org"
    assert full_home.name in sent["personalisation"]["body"]
    assert mail.outbox == []
