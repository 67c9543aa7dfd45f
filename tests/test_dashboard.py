"""Councils see their area's capacity and chase stale data."""

import csv
import datetime
import io
import re
import threading

import pytest
import requests_mock
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from registers.models import CareHome
from tests.dashboard_page import beds_now, freshness, table, tables
from tests.factories import AgencyFactory, CareHomeFactory, MembershipFactory
from tests.threads import in_threads
from tests.vacancy_helpers import OPEN_HOME, give_figures, hold_bed
from vacancies import areas
from vacancies.models import (
    CapacitySnapshot,
    CategoryVacancy,
    FreshnessSnapshot,
    HomeVacancies,
    Reminder,
    VacancyUpdate,
)
from vacancies.snapshots import take_snapshot
from vacancies.updates import save_vacancies

pytestmark = pytest.mark.django_db


def age(home, **delta):
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(**delta))


@pytest.fixture
def area(leeds, bradford):
    """Leeds: 4 homes with known figures and freshness; Bradford: one home."""
    fresh = CareHomeFactory(name="Fresh Home", local_authority=leeds)
    give_figures(fresh, nursing={"capacity": 30, "vacant_accepting": 4, "vacant_unavailable": 1},
                 residential={"capacity": 10, "vacant_accepting": 2, "vacant_unavailable": 0})  # fmt: skip
    two_days = CareHomeFactory(name="Two Days Home", local_authority=leeds, email="two@example.org")
    give_figures(two_days, nursing={"capacity": 20, "vacant_accepting": 3, "vacant_unavailable": 2})
    age(two_days, days=2)
    week = CareHomeFactory(name="Week Old Home", local_authority=leeds)
    give_figures(week, nursing={"capacity": 10, "vacant_accepting": 1, "vacant_unavailable": 0})
    save_vacancies(week, None, loaded_version=1, categories={},
                   home_values={**OPEN_HOME, "closed_to_admissions": True, "closed_reason": "outbreak"})  # fmt: skip
    age(week, days=7)
    never = CareHomeFactory(name="Never Home", local_authority=leeds, email="never@example.org")
    elsewhere = CareHomeFactory(name="Bradford Home", local_authority=bradford)
    give_figures(elsewhere, nursing={"capacity": 50, "vacant_accepting": 9, "vacant_unavailable": 0})
    return {"fresh": fresh, "two_days": two_days, "week": week, "never": never, "elsewhere": elsewhere}


def test_totals_by_category_with_known_answers(client, council_admin, area):
    client.force_login(council_admin)
    response = client.get("/area/")
    totals = beds_now(response.text)
    # The closed home's 1 bed is not accepting; none held.
    assert totals["Nursing"] == {"Homes": "3", "Registered beds": "60", "Occupied": "49",
                                 "Vacant, accepting admissions": "7", "Vacant, not available": "3"}  # fmt: skip
    assert totals["Residential"]["Vacant, accepting admissions"] == "2"
    assert "<h3>Homes closed to admissions</h3>\n<ul><li>Infection outbreak: 1 home</li></ul>" in response.text
    assert "Bradford Home" not in response.text


def test_beds_held_now_are_the_areas_own(client, council_admin, area):
    """Held now, in the area's homes: not a hold in another council's home, nor one that lapsed."""
    hold_bed(area["fresh"], 5)
    hold_bed(area["two_days"], 30)
    hold_bed(area["fresh"], -1)
    hold_bed(area["elsewhere"], 5)
    client.force_login(council_admin)
    page = client.get("/area/").text
    assert '<strong>7</strong><br><span class="nhsuk-body-s">2 held for discharge teams</span>' in page


def test_freshness_bands(client, council_admin, area):
    client.force_login(council_admin)
    assert freshness(client.get("/area/").text) == {
        "Updated in the last 24 hours": "1 of 4 homes", "1 to 3 days ago": "1", "More than 3 days ago": "1",
        "Never": "1", "Confirmed in the last 7 days": "2 of 4 homes",
    }  # fmt: skip


def test_freshness_band_boundaries(client, council_admin, area):
    age(area["fresh"], hours=23, minutes=59)
    age(area["two_days"], hours=24, seconds=1)
    age(area["week"], days=3, seconds=1)
    client.force_login(council_admin)
    bands = freshness(client.get("/area/").text)
    assert (bands["Updated in the last 24 hours"], bands["1 to 3 days ago"], bands["More than 3 days ago"]) == (
        "1 of 4 homes", "1", "1",
    )  # fmt: skip


def test_the_header_still_leads_to_the_start_page(client, council_admin, area):
    """The page's values never stand in for the shell's: its homes' links are home_page_url, as
    the header's logo reads home_url (the public pages' own home)."""
    client.force_login(council_admin)
    assert '<a class="nhsuk-header__service-logo" href="/" ' in client.get("/area/").text


def test_stale_homes_listed_oldest_first_with_contacts(client, council_admin, area):
    client.force_login(council_admin)
    response = client.get("/area/")
    stale = [row[0] for row in table(response.text, "Homes not updated in 24 hours")[1:]]
    assert stale == ["Never Home", "Week Old Home", "Two Days Home"]
    assert "mailto:two@example.org" in response.text


def test_the_stale_list_is_the_areas_homes_not_confirmed_in_a_day_oldest_first(area, leeds, bradford):
    """The dashboard's stale homes (one hand-written statement, areas._stale) against the rule
    worked out here from the rows: an active care home of the area whose figures were last
    confirmed over 24 hours ago, or never; oldest first (never first), then by name and id; with
    the day's reminder. An archived home, an agency and another area's homes are not in it; a
    page past the end is the last; "remind all" reads the same homes in the same order."""
    stale_in_bradford = CareHomeFactory(name="Aire Home", local_authority=bradford)
    CareHomeFactory(name="Archived Home", local_authority=leeds, status="archived")
    AgencyFactory(name="Agency Elsewhere", local_authority=leeds)
    CareHomeFactory(name="Never Home", local_authority=leeds)  # a second of that name: ordered by id
    Reminder.objects.create(home=area["two_days"], recipients=1)
    stale_before = timezone.now() - datetime.timedelta(hours=24)
    reminded = dict(Reminder.objects.filter(date=timezone.localdate()).values_list("home_id", "sent_at"))
    confirmed = dict(HomeVacancies.objects.values_list("home_id", "last_confirmed_at"))
    for chosen in (
        areas.Area("E08000035", "Leeds", (leeds.pk,)),
        areas.Area("region:test", "Two councils", (leeds.pk, bradford.pk)),
        areas.ENGLAND,
    ):
        homes = CareHome.objects.active().select_related("local_authority")
        if chosen.la_ids is not None:
            homes = homes.filter(local_authority__in=chosen.la_ids)
        stale = [home for home in homes if (confirmed.get(home.pk) or stale_before) <= stale_before]
        stale.sort(
            key=lambda home: (confirmed.get(home.pk) is not None, confirmed.get(home.pk) or 0, home.name, home.pk)
        )
        expected = [
            {"pk": home.pk, "name": home.name, "phone": home.phone, "email": home.email,
             "council": home.local_authority.name, "confirmed_at": confirmed.get(home.pk),
             "reminded_today": reminded.get(home.pk)}
            for home in stale
        ]  # fmt: skip
        assert len(expected) >= 3
        page = areas.stale_page(chosen, None, per_page=2)
        assert [{k: row[k] for k in expected[0]} for row in page.object_list] == expected[:2]
        assert page.paginator.count == len(expected)
        last = areas.stale_page(chosen, "99", per_page=2)
        assert last.number == page.paginator.num_pages
        assert [row["pk"] for row in last.object_list] == [row["pk"] for row in expected[(last.number - 1) * 2 :]]
        assert areas.stale_home_ids(chosen) == [row["pk"] for row in expected]
    leeds = areas.Area("E08000035", "Leeds", (leeds.pk,))
    leeds_only = [row["name"] for row in areas.stale_page(leeds, "1").object_list]
    assert leeds_only == ["Never Home", "Never Home", "Week Old Home", "Two Days Home"]
    england = {row["name"]: row for row in areas.stale_page(areas.ENGLAND, "1").object_list}
    assert stale_in_bradford.name in england
    assert england["Never Home"]["reminded_today"] is None
    assert england["Two Days Home"]["reminded_today"] is not None


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator", "user_without_role"])
def test_dashboard_is_for_councils_and_service_admins(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/area/").status_code == 404
    assert client.get("/area/position.csv").status_code == 404


def test_a_council_admin_never_sees_another_area(client, council_admin, area):
    client.force_login(council_admin)
    assert client.get("/area/", {"area": "E08000032"}).status_code == 404
    for wider in ("england", "region:E12000003", ""):  # England, its region: a service admin's areas
        response = client.get("/area/", {"area": wider})
        assert response.status_code == 404 if wider else "<h1>Leeds</h1>" in response.text
    assert client.get("/area/position.csv", {"area": "E08000032"}).status_code == 404
    assert client.post(f"/area/remind/{area['elsewhere'].pk}/", {"area": "E08000035"}).status_code == 404
    assert client.post(f"/area/remind/{area['elsewhere'].pk}/", {"area": "E08000032"}).status_code == 404


def test_service_admin_sees_any_council_region_or_england(client, service_admin, area):
    client.force_login(service_admin)
    england = client.get("/area/").text
    assert beds_now(england)["Nursing"]["Registered beds"] == "110"
    bradford = client.get("/area/", {"area": "E08000032"}).text
    assert freshness(bradford)["Confirmed in the last 7 days"].endswith(" of 1 homes")
    region = client.get("/area/", {"area": "region:E12000003"}).text  # Yorkshire and The Humber
    assert freshness(region)["Confirmed in the last 7 days"].endswith(" of 5 homes")
    # Across councils, each stale home is listed with its council.
    stale = [row[0] for row in table(region, "Homes not updated in 24 hours")[1:]]
    assert any("Never Home" in cell and "Leeds" in cell for cell in stale)
    assert client.get("/area/", {"area": "region:nonsense"}).status_code == 404


def test_remind_one_home_sends_once_a_day_and_records_it(client, council_admin, area):
    MembershipFactory(role=Role.HOME_STAFF, home=area["two_days"], user__email="staff@example.org")
    client.force_login(council_admin)
    response = client.post(f"/area/remind/{area['two_days'].pk}/", {"area": "E08000035"}, follow=True)
    assert "Reminder sent to Two Days Home" in response.text
    assert mail.outbox[-1].to == ["staff@example.org"]
    assert "/my-homes/" in mail.outbox[-1].body
    response = client.post(f"/area/remind/{area['two_days'].pk}/", {"area": "E08000035"}, follow=True)
    assert "already reminded today" in response.text
    assert len(mail.outbox) == 1
    reminder = Reminder.objects.get()
    assert (reminder.sent_by, reminder.recipients, reminder.channel) == (council_admin, 1, "email")
    assert "Reminded today at" in client.get("/area/").text


def test_remind_all_stale_homes(client, council_admin, area):
    client.force_login(council_admin)
    response = client.post("/area/remind-all/", {"area": "E08000035"}, follow=True)
    # Never Home and Two Days Home have an email address; Week Old Home's factory email too.
    assert "Reminders sent to 3 homes." in response.text
    assert Reminder.objects.count() == 3
    assert not Reminder.objects.filter(home=area["fresh"]).exists()


def test_scheduled_reminders_once_a_day_per_home(area):
    call_command("send_reminders", verbosity=0)
    first = len(mail.outbox)
    assert first == 3
    call_command("send_reminders", verbosity=0)
    assert len(mail.outbox) == first  # not again today
    assert Reminder.objects.filter(sent_by__isnull=True).count() == 3


def test_reminders_go_through_gov_uk_notify_when_configured(settings, area):
    settings.NOTIFY_API_KEY = "test_key-" + "1" * 36 + "-" + "2" * 36
    settings.NOTIFY_REMINDER_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    with requests_mock.Mocker() as http:
        http.post(
            "https://api.notifications.service.gov.uk/v2/notifications/email",
            json={"id": "740e5834-3a29-46b4-9a6f-16142fde533a"},
            status_code=201,
        )
        call_command("send_reminders", verbosity=0)
    assert http.call_count == 3
    body = http.request_history[0].json()
    assert body["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert set(body["personalisation"]) == {"home_name", "last_updated", "update_link", "confirm_link"}
    assert http.request_history[0].headers["Authorization"].startswith("Bearer ")
    assert mail.outbox == []
    assert set(Reminder.objects.values_list("channel", flat=True)) == {"notify"}


def test_a_failed_notify_call_is_not_recorded_as_sent(settings, area):
    settings.NOTIFY_API_KEY = "test_key-" + "1" * 36 + "-" + "2" * 36
    settings.NOTIFY_REMINDER_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    with requests_mock.Mocker() as http:
        http.post("https://api.notifications.service.gov.uk/v2/notifications/email", status_code=500, json={})
        call_command("send_reminders", verbosity=0)
    assert not Reminder.objects.exists()


def chart_figures(page: str, chart_id: str) -> dict[str, list[str]]:
    """A chart's figures as the page's table gives them: each series' values, oldest first."""
    _, (head, *rows) = tables(page.partition(f'id="{chart_id}-heading"')[2])[0]
    return {label: [row[i] for row in reversed(rows)] for i, label in enumerate(head) if i}


def test_snapshot_feeds_the_trends(client, council_admin, area):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    take_snapshot(yesterday)
    take_snapshot()
    take_snapshot()  # idempotent
    assert CapacitySnapshot.objects.filter(date=timezone.localdate(), category="nursing").count() == 2
    leeds_today = FreshnessSnapshot.objects.get(date=timezone.localdate(), local_authority__gss_code="E08000035")
    assert (leeds_today.homes, leeds_today.closed) == (4, 1)
    assert (
        leeds_today.updated
        == VacancyUpdate.objects.filter(home__local_authority__gss_code="E08000035", made_at__date=timezone.localdate())
        .values("home")
        .distinct()
        .count()
    )
    client.force_login(council_admin)
    response = client.get("/area/", {"period": "7"})
    nursing = chart_figures(response.text, "beds")["Nursing"]
    assert nursing[-2:] == ["7", "7"]
    assert nursing[0] == "\N{EN DASH}"  # before the first snapshot


def test_the_trend_draws_each_of_twelve_care_categories_in_a_colour_of_its_own(client, council_admin, leeds):
    """An area with beds in every care category: twelve lines, no two alike (eight colours once
    served twelve lines, so four pairs could not be told apart)."""
    from vacancies.models import CareCategory

    for category in CareCategory.values:
        CapacitySnapshot.objects.create(date=timezone.localdate(), local_authority=leeds, category=category, homes=1,
                                        capacity=10, occupied=8, vacant_accepting=2, vacant_unavailable=0)  # fmt: skip
    client.force_login(council_admin)
    response = client.get("/area/", {"area": leeds.gss_code, "period": "7"})
    assert len(chart_figures(response.text, "beds")) == 12
    chart = response.text.partition('id="beds-title"')[2].partition("</svg>")[0]
    colours = re.findall(r'<polyline [^>]*stroke="(#[0-9a-f]{6})"', chart)
    assert len(colours) == 12
    assert len(set(colours)) == 12
    assert all(chart.count(f'stroke="{colour}"') == 1 for colour in colours)  # one line each, as drawn


def test_trend_period_switch_with_htmx(client, council_admin, area, htmx_headers):
    take_snapshot()
    client.force_login(council_admin)
    response = client.get("/area/", {"period": "365", "part": "trends"}, headers=htmx_headers)
    assert response.text.lstrip().startswith('<div id="trends"')
    assert "the last 365 days" in response.text
    assert client.get("/area/", {"period": "nonsense"}).status_code == 200


def test_position_csv(client, council_admin, area):
    area["fresh"].name = "=SUM(A1:A9)"
    area["fresh"].save()
    client.force_login(council_admin)
    response = client.get("/area/position.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 1 + 4  # header + fresh (2 categories) + two days + week
    assert "'=SUM(A1:A9)" in [row[0] for row in rows]


def test_history_csv_for_a_period(client, council_admin, area):
    client.force_login(council_admin)
    today = timezone.localdate()
    response = client.get("/area/history.csv", {"start": today.isoformat(), "end": today.isoformat()})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Home", "CQC location ID"]
    assert {row[1] for row in rows[1:]} == {"Fresh Home", "Two Days Home", "Week Old Home"}
    bad = client.get("/area/history.csv", {"start": today.isoformat(), "end": "2001-01-01"})
    assert bad.status_code == 400
    assert "The end date must be on or after the start date" in bad.text
    assert client.get("/area/history.csv", {"start": "nonsense"}).status_code == 400


def test_dashboard_queries_are_bounded(client, council_admin, area, django_assert_max_num_queries):
    take_snapshot()
    client.force_login(council_admin)
    client.get("/area/")
    # The session, the person, their second factor, their roles, their councils, where the snapshots
    # stand (one statement), the trends (2) when first drawn, the stale homes with their count, the
    # area's position (one statement), and the week's CQC news (one statement).
    with django_assert_max_num_queries(11):
        client.get("/area/", {"period": "365"})
    with django_assert_max_num_queries(9):  # the same charts again: kept by where the snapshots stand
        client.get("/area/", {"period": "365"})


def test_the_charts_are_drawn_anew_when_a_snapshot_is_written(client, council_admin, area):
    """The dashboard keeps its charts by where the snapshots stand: a night's snapshot, and the
    same night's written again with other figures, show at once; another area's never do."""
    client.force_login(council_admin)
    assert "No daily snapshots yet" in client.get("/area/", {"period": "7"}).text
    take_snapshot()
    assert chart_figures(client.get("/area/", {"period": "7"}).text, "beds")["Nursing"][-1] == "7"
    CategoryVacancy.objects.filter(home=area["fresh"], category="nursing").update(vacant_accepting=1, occupied=28)
    take_snapshot()  # today's again, with the new figures
    assert chart_figures(client.get("/area/", {"period": "7"}).text, "beds")["Nursing"][-1] == "4"


def test_homes_with_more_beds_than_cqc_registers_are_flagged(client, council_admin, area):
    """Registrations lag reality: a flag for the council, not a refusal."""
    CareHome.objects.filter(pk=area["fresh"].pk).update(registered_beds=36)  # its figures: 30 + 10
    CareHome.objects.filter(pk=area["two_days"].pk).update(registered_beds=20)  # exactly its figures
    CareHome.objects.filter(pk=area["elsewhere"].pk).update(registered_beds=10)  # another council's
    client.force_login(council_admin)
    response = client.get("/area/")
    found = re.findall(r">([^<>]*)</a>: (\d+) beds in its figures, (\d+) registered", response.text)
    assert found == [("Fresh Home", "40", "36")]


def test_the_dashboard_measures_homes_confirming_in_24_hours_and_7_days(client, council_admin, area):
    now = timezone.now()
    VacancyUpdate.objects.filter(home=area["two_days"]).update(made_at=now - datetime.timedelta(days=3))
    VacancyUpdate.objects.filter(home=area["week"]).update(made_at=now - datetime.timedelta(days=8))
    take_snapshot()
    leeds = FreshnessSnapshot.objects.get(date=timezone.localdate(), local_authority__gss_code="E08000035")
    assert (leeds.homes, leeds.updated, leeds.updated_week) == (4, 1, 2)
    client.force_login(council_admin)
    response = client.get("/area/")
    trend = chart_figures(response.text, "daily")
    assert list(trend) == ["Confirmed in the last 24 hours (%)", "Confirmed in the last 7 days (%)"]
    day, week = trend.values()
    assert (day[-1], week[-1]) == ("25", "50")
    # Confirmed now and 2 days ago; 7 days ago is just outside.
    assert freshness(response.text)["Confirmed in the last 7 days"] == "2 of 4 homes"
    assert "Confirmed in the last 7 days" in response.text


def test_a_drawn_chart_is_kept_by_its_figures_so_new_figures_draw_anew(client, council_admin, leeds):
    """The charts are kept per process by the figures they show (vacancies.trends.drawn): a new
    snapshot is on the next page, and another area's figures are never drawn as these."""
    client.force_login(council_admin)
    CapacitySnapshot.objects.create(date=timezone.localdate() - datetime.timedelta(days=1), local_authority=leeds,
                                    category="nursing", homes=1, capacity=10, occupied=7, vacant_accepting=3,
                                    vacant_unavailable=0)  # fmt: skip
    assert chart_figures(client.get("/area/", {"period": "7"}).text, "beds")["Nursing"][-2:] == ["3", "\N{EN DASH}"]
    CapacitySnapshot.objects.create(date=timezone.localdate(), local_authority=leeds, category="nursing", homes=1,
                                    capacity=10, occupied=9, vacant_accepting=1, vacant_unavailable=0)  # fmt: skip
    assert chart_figures(client.get("/area/", {"period": "7"}).text, "beds")["Nursing"][-2:] == ["3", "1"]


@pytest.mark.django_db(transaction=True)
def test_charts_drawn_while_the_nights_snapshot_is_written_are_drawn_again_once_it_is(client, council_admin, area):
    """The snapshots' sequences move as their rows are written, before anyone else can read
    them: a dashboard drawn in between must not keep the day's charts without that night."""
    written, go = threading.Event(), threading.Event()

    def nightly_snapshot():
        with transaction.atomic():
            take_snapshot()
            written.set()
            go.wait(10)

    client.force_login(council_admin)
    snapshot = threading.Thread(target=in_threads, args=(nightly_snapshot, [()]))
    snapshot.start()
    try:
        assert written.wait(10)
        assert "No daily snapshots yet" in client.get("/area/", {"period": "7"}).text  # not committed yet
    finally:
        go.set()
        snapshot.join(10)
    assert chart_figures(client.get("/area/", {"period": "7"}).text, "beds")["Nursing"][-1] == "7"
