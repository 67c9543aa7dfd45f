""" "This figure was wrong" (issue 18): a coordinator reports a home's figures after a phone
call; the home's staff are told, the council counts reports per home, and the home's
freshness says "reported wrong" until it next confirms."""

import pytest
import requests_mock
from django.core import mail

from accounts.models import AuditEvent
from tests.dashboard_page import reported
from tests.test_homes_import import run_worker
from tests.vacancy_helpers import give_figures
from vacancies import reports
from vacancies.audit_actions import VacancyAction
from vacancies.models import FigureReport
from vacancies.updates import confirm_no_change

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _emails_queued_at_once(monkeypatch):
    """Tests never commit: the email's task is queued at once, and run_worker() sends it."""
    monkeypatch.setattr("vacancies.reports.transaction.on_commit", lambda callback, **kwargs: callback())


@pytest.fixture
def figures(home, home_staff):
    give_figures(home, home_staff, nursing={"vacant_accepting": 2})
    return home


def test_a_coordinator_reports_and_the_home_is_told(client, coordinator, figures, home_staff):
    client.force_login(coordinator)
    page = client.get(f"/homes/{figures.pk}/")
    assert "Report wrong figures" in page.text
    form = client.get(f"/homes/{figures.pk}/report/")
    assert form.status_code == 200
    response = client.post(f"/homes/{figures.pk}/report/", {"problem": "no_vacancy", "category": "nursing",
                                                             "note": "No nursing bed until Monday"})  # fmt: skip
    assert response.status_code == 302
    report = FigureReport.objects.get()
    assert (report.home, report.reported_by, report.category) == (figures, coordinator, "nursing")
    assert AuditEvent.objects.filter(action=VacancyAction.FIGURES_REPORTED).count() == 1
    run_worker()
    assert mail.outbox[-1].to == ["manager@example.org"]
    assert "No nursing bed until Monday" in mail.outbox[-1].body
    page = client.get(f"/homes/{figures.pk}/")
    assert "Reported wrong today" in page.text
    assert "No nursing bed until Monday" in page.text
    results = client.get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing"}).text
    assert "Reported wrong today" in results


def test_the_label_goes_when_the_home_next_confirms(client, coordinator, figures, home_staff):
    reports.report(figures, coordinator, problem="no_vacancy")
    confirm_no_change([figures], home_staff)
    client.force_login(coordinator)
    assert "Reported wrong" not in client.get(f"/homes/{figures.pk}/").text
    assert "Reported wrong" not in client.get("/find-a-bed/", {"near": "LS6 2AD"}).text


def test_the_council_counts_reports_per_home(client, coordinator, council_admin, figures):
    reports.report(figures, coordinator, problem="no_vacancy")
    reports.report(figures, coordinator, problem="open", note="They said they are admitting")
    client.force_login(council_admin)
    dashboard = client.get("/area/")
    assert reported(dashboard.text) == [[figures.name, "2"]]
    assert f'<a href="/homes/{figures.pk}/">{figures.name}</a>' in dashboard.text
    assert "Figures reported wrong by discharge teams" in dashboard.text


def test_a_few_reports_a_day_per_person_and_home(client, coordinator, figures):
    client.force_login(coordinator)
    for _ in range(reports.PER_DAY):
        assert client.post(f"/homes/{figures.pk}/report/", {"problem": "other", "note": "x"}).status_code == 302
    refused = client.post(f"/homes/{figures.pk}/report/", {"problem": "other"})
    assert refused.status_code == 200
    assert 'id="id_problem-error"' in refused.text
    assert "3 times today" in refused.text
    assert FigureReport.objects.count() == reports.PER_DAY


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "problem", "This field is required"),
        ({"problem": "nonsense"}, "problem", "Select a valid choice"),
        ({"problem": "no_vacancy", "category": "spa"}, "category", "Select a valid choice"),
        ({"problem": "no_vacancy", "note": "x" * 301}, "note", "at most 300 characters"),
        # Issue 24: the note goes to the home; on main these went.
        ({"problem": "no_vacancy", "note": "they had no bed for 943/476/5919"}, "note", "Remove the NHS number"),
        ({"problem": "no_vacancy", "note": "no bed for Mrs Jane Smith"}, "note", "Remove the name (Mrs Jane Smith)"),
    ],
)
def test_bad_input_is_refused_by_the_field(client, coordinator, figures, data, field, message):
    client.force_login(coordinator)
    response = client.post(f"/homes/{figures.pk}/report/", data)
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in response.text
    assert not FigureReport.objects.exists()


def test_home_staff_and_outsiders_cannot_report(client, home_staff, other_home_staff, figures):
    for user in (home_staff, other_home_staff):
        client.force_login(user)
        assert client.post(f"/homes/{figures.pk}/report/", {"problem": "other"}).status_code == 404
    assert not FigureReport.objects.exists()


def test_the_report_email_goes_through_notify_when_configured(settings, coordinator, figures):
    settings.NOTIFY_API_KEY = "test_key-" + "1" * 36 + "-" + "2" * 36
    settings.NOTIFY_ENQUIRY_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    reports.report(figures, coordinator, problem="no_vacancy", note="Full since Tuesday")
    with requests_mock.Mocker() as http:
        http.post("https://api.notifications.service.gov.uk/v2/notifications/email", json={"id": "x"}, status_code=201)
        run_worker()
    sent = http.request_history[0].json()
    assert sent["email_address"] == "manager@example.org"
    assert "Full since Tuesday" in sent["personalisation"]["body"]
    assert mail.outbox == []


def test_the_home_page_with_reports_costs_a_bounded_number_of_queries(
    client, coordinator, figures, django_assert_max_num_queries
):
    reports.report(figures, coordinator, problem="no_vacancy")
    client.force_login(coordinator)
    client.get(f"/homes/{figures.pk}/")
    # The session, the person, their roles, the home with its board, and the rest in one statement (its
    # categories with their beds held, the reports, the trend's changes, CQC's check, the shortlist)
    with django_assert_max_num_queries(5):
        assert client.get(f"/homes/{figures.pk}/").status_code == 200
