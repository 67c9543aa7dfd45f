"""The monthly return for home-care agencies (issues 26 and 27): an agency answers its own
questions (people supported, care workers employed and absent, hours) on the same pages as a
care home, from the same reminders, the same provider's CSV, and is followed by its council
on the same page, never mixed into the care homes' bed and staff figures."""

import csv
import datetime
import html
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from returns import compliance, definition, links
from returns.models import MonthlyReturn, ReturnReminder
from returns.window import closed_months, window_for
from tests.factories import AgencyFactory, CareHomeFactory, MembershipFactory, ProviderFactory
from tests.test_returns import (
    AFTER_WINDOW,
    ANSWERS,
    IN_WINDOW,
    as_values,
    on,
    provider_homes,
    returns_csv,
    submitted,
    upload,
)
from tests.vacancy_helpers import give_figures

pytestmark = pytest.mark.django_db

DECEMBER, NOVEMBER = datetime.date(2026, 12, 1), datetime.date(2026, 11, 1)
AGENCY_ANSWERS = {
    "people_funded": "48", "people_self_funded": "12", "care_workers": "30", "care_workers_absent": "3",
    "hours_delivered": "610", "extra_hours_possible": "40",
}  # fmt: skip


@pytest.fixture
def in_window(monkeypatch):
    on(IN_WINDOW, monkeypatch)


@pytest.fixture
def agency(provider):
    """Agency A: in Leeds, run by the same provider as home A."""
    return AgencyFactory(name="Kirkstall Home Care", provider=provider)


@pytest.fixture
def agency_staff(agency):
    return MembershipFactory(role=Role.HOME_STAFF, home=agency, user__email="carer@example.org").user


@pytest.fixture
def other_agency(bradford):
    """Agency B: in Bradford, another provider."""
    return AgencyFactory(name="Heaton Home Care", local_authority=bradford, town="Bradford", postcode="BD9 5AB")


@pytest.fixture
def other_agency_staff(other_agency):
    return MembershipFactory(role=Role.HOME_STAFF, home=other_agency, user__email="other.carer@example.org").user


def agency_submitted(agency, month: datetime.date, **answers) -> MonthlyReturn:
    """An agency's return as if submitted in that month's window."""
    at = timezone.make_aware(datetime.datetime.combine(window_for(month).opens, datetime.time(10)))
    values = {key: int(value) for key, value in {**AGENCY_ANSWERS, **answers}.items()}
    return MonthlyReturn.objects.create(home=agency, month=month, answers=values, beds={}, first_submitted_at=at,
                                        submitted_at=at, via="form")  # fmt: skip


def text(response) -> str:
    return html.unescape(response.text)


# --- an agency's return -------------------------------------------------------------------------


def test_an_agency_manager_answers_its_own_questions_and_changes_them(client, in_window, agency, agency_staff):
    client.force_login(agency_staff)
    page = client.get(f"/returns/{agency.pk}/")
    assert page.status_code == 200
    assert "Monthly return for December 2026" in page.text
    for question in definition.questions_for(DECEMBER, definition.HOME_CARE):
        assert f'name="{question.key}"' in page.text
    for key in (*definition.HEADCOUNTS, "visiting", "flu_vaccinated"):  # a care home's questions are not asked
        assert f'name="{key}"' not in page.text
    assert "<h2>Beds</h2>" not in page.text  # an agency has none
    response = client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"})
    assert response.status_code == 302
    saved = MonthlyReturn.objects.get(home=agency)
    assert saved.answers == {key: int(value) for key, value in AGENCY_ANSWERS.items()}
    assert (saved.beds, saved.via, saved.version) == ({}, "form", 1)
    assert "Submitted for December 2026" in client.get(f"/returns/{agency.pk}/").text
    changed = client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "care_workers_absent": "5", "version": "1"})
    assert changed.status_code == 302
    saved.refresh_from_db()
    assert (saved.answers["care_workers_absent"], saved.version) == (5, 2)


def test_last_months_return_unchanged_is_one_tap(client, in_window, agency, agency_staff):
    agency_submitted(agency, NOVEMBER, hours_delivered="575")
    client.force_login(agency_staff)
    page = client.get(f"/returns/{agency.pk}/")
    assert "Nothing has changed: submit it" in page.text
    assert 'value="575"' in page.text  # pre-filled from last month
    assert client.post(f"/returns/{agency.pk}/", {"action": "unchanged", "version": "0"}).status_code == 302
    saved = MonthlyReturn.objects.get(home=agency, month=DECEMBER)
    assert (saved.answers["hours_delivered"], saved.via, saved.beds) == (575, "unchanged", {})


def test_a_care_homes_answers_last_month_do_not_make_an_agencys_return(client, in_window, agency, agency_staff):
    """Answers to another kind's questions (here a care home's) are not carried over."""
    submitted(agency, NOVEMBER)  # a care home's answers, on the agency's row
    client.force_login(agency_staff)
    assert "Nothing has changed: submit it" not in client.get(f"/returns/{agency.pk}/").text
    assert client.post(f"/returns/{agency.pk}/", {"action": "unchanged", "version": "0"}).status_code == 200
    assert not MonthlyReturn.objects.filter(month=DECEMBER).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"care_workers": "-1"}, "care_workers", "must be 0 or more"),
        ({"people_funded": "2.5"}, "people_funded", "must be a whole number"),
        ({"hours_delivered": "lots"}, "hours_delivered", "must be a whole number"),
        ({"people_self_funded": ""}, "people_self_funded", "Answer “People who pay for their own care”"),
        ({"care_workers_absent": "31"}, "care_workers_absent", "more than the care workers you employ (30)"),
        ({"people_funded": "650"}, "people_funded", "more than 20 people for each of your 30 care workers"),
        ({"hours_delivered": "2500"}, "hours_delivered", "more than 70 hours a week for each of your 30 care workers"),
        ({"extra_hours_possible": "100001"}, "extra_hours_possible", "is more than 100,000"),
    ],
)
def test_bad_answers_are_explained_by_the_field_and_nothing_is_saved(
    client, in_window, agency, agency_staff, changes, field, message
):
    client.force_login(agency_staff)
    response = client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, **changes, "version": "0"})
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in text(response)
    assert not MonthlyReturn.objects.exists()
    for value in {**AGENCY_ANSWERS, **changes}.values():  # what they typed is still there
        if value:
            assert f'value="{value}"' in response.text


def test_two_people_at_once_one_wins_and_the_other_sees_what_differs(
    client, in_window, agency, agency_staff, provider_admin
):
    other = Client()
    client.force_login(agency_staff)
    other.force_login(provider_admin)
    assert client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"}).status_code == 302
    late = other.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "care_workers": "32", "version": "0"})
    assert late.status_code == 409
    assert "Care workers: Care workers you employ: theirs “30”, yours “32”" in text(late)
    assert 'value="32"' in late.text
    assert MonthlyReturn.objects.get().answers["care_workers"] == 30


def test_outside_the_window_nothing_is_taken_and_the_page_says_when(client, monkeypatch, agency, agency_staff):
    on(AFTER_WINDOW, monkeypatch)
    client.force_login(agency_staff)
    page = client.get(f"/returns/{agency.pk}/")
    assert "The monthly return is not open" in page.text
    assert "The return for January 2027 opens on Friday 8 January" in page.text
    assert "This agency has not submitted a return" in page.text
    assert client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"}).status_code == 200
    assert not MonthlyReturn.objects.exists()


@pytest.mark.parametrize("role", ["other_agency_staff", "home_staff", "coordinator", "council_admin"])
def test_others_cannot_open_or_answer_an_agencys_return(client, request, in_window, agency, role):
    """Another provider's agency's staff, a care home's staff (even of the same provider),
    coordinators and councils: 404, as for a return that is not there."""
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/returns/{agency.pk}/").status_code == 404
    assert client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"}).status_code == 404
    assert not MonthlyReturn.objects.exists()


def test_its_provider_admin_answers_it_and_an_archived_agency_answers_no_more(
    client, in_window, agency, provider_admin
):
    client.force_login(provider_admin)
    assert client.get(f"/returns/{agency.pk}/").status_code == 200
    type(agency).objects.filter(pk=agency.pk).update(status="archived")
    assert client.get(f"/returns/{agency.pk}/").status_code == 404


def test_the_agencys_page_and_my_homes_say_this_months_return_is_due(client, in_window, agency, agency_staff):
    client.force_login(agency_staff)
    assert "This month's return is due" in text(client.get(f"/agencies/{agency.pk}/"))
    my_homes = text(client.get("/my-homes/"))
    assert "This month's return</strong> for December 2026" in my_homes
    assert f'href="/returns/{agency.pk}/">Answer this month\'s return' in my_homes
    client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"})
    assert "Monthly return submitted for December 2026" in client.get(f"/agencies/{agency.pk}/").text
    assert "See or change this month's return" in text(client.get("/my-homes/"))


def test_outside_the_window_the_agencys_page_says_nothing_of_it(client, monkeypatch, agency, agency_staff):
    on(AFTER_WINDOW, monkeypatch)
    client.force_login(agency_staff)
    assert "month's return" not in text(client.get(f"/agencies/{agency.pk}/"))


def test_a_coordinator_on_the_agencys_page_is_not_asked_for_its_return(client, in_window, agency, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/agencies/{agency.pk}/")
    assert page.status_code == 200
    assert "month's return" not in text(page)


# --- reminders and the reminder's link ------------------------------------------------------------


def test_reminders_reach_agencies_with_a_link_that_submits_last_month_unchanged(
    monkeypatch, agency, agency_staff, home, home_staff
):
    on(datetime.date(2026, 12, 8), monkeypatch)
    agency_submitted(agency, NOVEMBER)
    call_command("send_return_reminders", verbosity=0)
    by_person = {tuple(email.to): email for email in mail.outbox}
    assert set(by_person) == {(agency_staff.email,), (home_staff.email,)}
    email = by_person[(agency_staff.email,)]
    assert "Kirkstall Home Care: the monthly return for December 2026" in email.subject
    assert "bed figures" not in email.body
    path = email.body.split("http://127.0.0.1:8000")[1].split()[0]
    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200
    assert "Care workers you employ" in page.text
    assert "Beds" not in page.text
    assert not MonthlyReturn.objects.filter(month=DECEMBER).exists()  # opening changes nothing
    assert browser.post(path).status_code == 302
    saved = MonthlyReturn.objects.get(home=agency, month=DECEMBER)
    assert (saved.via, saved.submitted_by, saved.answers["care_workers"], saved.beds) == ("reminder", None, 30, {})
    assert browser.post(path).status_code == 200  # the second tap records nothing more
    assert MonthlyReturn.objects.get(pk=saved.pk).version == 1
    assert ReturnReminder.objects.filter(home=agency).count() == 1


def test_an_agencys_link_works_for_that_agency_and_its_window_only(monkeypatch, agency, other_agency, home):
    on(IN_WINDOW, monkeypatch)
    agency_submitted(agency, NOVEMBER)
    path = links.path(agency.pk, DECEMBER)
    token = path.rstrip("/").split("/")[-1]
    for other in (other_agency, home):
        assert Client().get(f"/returns/{other.pk}/reminder/{token}/").status_code == 404
        assert Client().post(f"/returns/{other.pk}/reminder/{token}/").status_code == 404
    on(AFTER_WINDOW, monkeypatch)
    assert Client().get(path).status_code == 410
    assert Client().post(path).status_code == 410
    assert not MonthlyReturn.objects.filter(month=DECEMBER).exists()


# --- a provider's homes and agencies together --------------------------------------------------


def test_a_providers_page_lists_homes_and_agencies_in_a_few_queries(
    client, in_window, provider, provider_admin, django_assert_max_num_queries
):
    homes = provider_homes(provider, 20)
    agencies = [AgencyFactory(name=f"Agency {n:02d}", provider=provider) for n in range(10)]
    agency_submitted(agencies[0], DECEMBER)
    submitted(homes[0], DECEMBER)
    client.force_login(provider_admin)
    client.get("/returns/")
    with django_assert_max_num_queries(8):  # as for homes alone: however many of either
        page = client.get("/returns/")
    shown = text(page)
    assert "2 of 30 homes and agencies submitted" in shown
    rows = shown.split("Your homes' and agencies' returns")[1]
    assert rows.count("Home-care agency, ") == 10
    assert rows.count("Not submitted") == 28
    assert f'href="/returns/{agencies[0].pk}/"' in rows


def test_submit_homes_and_agencies_unchanged_together(client, in_window, provider, provider_admin):
    homes = provider_homes(provider, 2)
    agencies = [AgencyFactory(name=f"Agency {n}", provider=provider) for n in range(2)]
    submitted(homes[0], NOVEMBER)
    agency_submitted(agencies[0], NOVEMBER)
    client.force_login(provider_admin)
    response = text(client.post("/returns/submit-unchanged/", follow=True))
    assert "Submitted 2 homes and agencies' returns for December 2026, unchanged from last month" in response
    assert "2 homes and agencies need answers before submitting" in response
    together = MonthlyReturn.objects.filter(month=DECEMBER, via="together")
    assert set(together.values_list("home", flat=True)) == {homes[0].pk, agencies[0].pk}
    assert together.get(home=agencies[0]).answers == agency_submitted(agencies[1], NOVEMBER).answers


def filled(template: list[list[str]]) -> list[list[str]]:
    """The template with each row's own kind's answers."""
    header, rows = template[0], [template[0]]
    for row in template[1:]:
        agency = row[1].startswith("Agency")
        answers = AGENCY_ANSWERS if agency else ANSWERS
        rows.append([row[0], row[1], *(answers.get(key, "") for key in header[2:])])
    return rows


def test_one_csv_for_a_providers_homes_and_agencies(client, in_window, provider, provider_admin):
    homes = provider_homes(provider, 3)
    agencies = [AgencyFactory(name=f"Agency {n}", provider=provider) for n in range(2)]
    client.force_login(provider_admin)
    template = returns_csv(client)
    header = template[0]
    assert header == ["cqc_location_id", "name",
                      *(q.key for q in definition.questions_of_any_kind(DECEMBER))]  # fmt: skip
    response = upload(client, filled(template))
    assert "Submitted 5 homes and agencies' returns for December 2026 from the file" in text(response)
    assert MonthlyReturn.objects.filter(via="csv").count() == 5
    for agency in agencies:
        saved = MonthlyReturn.objects.get(home=agency)
        assert (saved.answers, saved.beds) == ({key: int(v) for key, v in AGENCY_ANSWERS.items()}, {})
    assert MonthlyReturn.objects.get(home=homes[0]).answers == as_values(ANSWERS)


def test_a_providers_csv_of_agencies_only_has_the_agencies_columns(client, in_window, provider_admin, provider):
    agencies = [AgencyFactory(name=f"Agency {n}", provider=provider) for n in range(2)]
    client.force_login(provider_admin)
    template = returns_csv(client)
    assert template[0] == ["cqc_location_id", "name", *AGENCY_ANSWERS]
    assert [row[0] for row in template[1:]] == [agency.cqc_location_id for agency in agencies]
    assert "Submitted 2 home-care agencies' returns" in text(upload(client, filled(template)))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # An agency's row answering a care home's question.
        (lambda h, rows: rows[1].__setitem__(h.index("direct_nurses"), "3"),
         "Agency 0: “Registered nurses” is not asked of home-care agencies: leave it empty"),
        (lambda h, rows: rows[2].__setitem__(h.index("care_workers_absent"), "40"),
         "Agency 1: “Care workers absent today (sickness, isolation)” is more than the care workers you employ (30)"),
        (lambda h, rows: rows[1].__setitem__(h.index("people_funded"), "-4"),
         "“People whose care is funded by a council or the NHS” must be a whole number, 0 or more (it is “-4”)"),
        (lambda h, rows: rows[1].__setitem__(h.index("hours_delivered"), "4000"),
         "more than 70 hours a week for each of your 30 care workers"),
        (lambda h, rows: rows[1].__setitem__(0, "1-999999999"), "“1-999999999” is not a home or agency whose"),
        (lambda h, rows: [row.pop(h.index("care_workers")) for row in rows], "Columns missing: care_workers"),
        (lambda h, rows: [row.append("x") for row in rows], "Columns we do not know: x"),
    ],
)  # fmt: skip
def test_a_csv_with_a_problem_in_an_agencys_row_submits_nothing(client, in_window, provider, provider_admin,
                                                                 change, problem):  # fmt: skip
    provider_homes(provider, 2)
    for n in range(2):
        AgencyFactory(name=f"Agency {n}", provider=provider)
    client.force_login(provider_admin)
    rows = filled(returns_csv(client))
    assert [row[1] for row in rows[1:]] == ["Agency 0", "Agency 1", "Home 00", "Home 01"]
    change(rows[0][:], rows)
    response = upload(client, rows)
    assert "Nothing was submitted" in response.text
    assert problem in text(response)
    assert not MonthlyReturn.objects.exists()


def test_homes_rows_alone_need_no_agency_columns(client, in_window, provider, provider_admin):
    homes = provider_homes(provider, 2)
    AgencyFactory(name="Agency 0", provider=provider)
    client.force_login(provider_admin)
    template = returns_csv(client)
    header = [key for key in template[0] if key not in AGENCY_ANSWERS]
    homes_rows = [row for row in template[1:] if row[1].startswith("Home")]
    rows = [header] + [[row[0], row[1], *(ANSWERS[key] for key in header[2:])] for row in homes_rows]
    assert "Submitted 2 homes' returns" in text(upload(client, rows))
    assert set(MonthlyReturn.objects.values_list("home", flat=True)) == {home.pk for home in homes}


def test_another_providers_agency_in_the_csv_is_refused(client, in_window, provider, provider_admin, other_agency):
    AgencyFactory(name="Agency 0", provider=provider)
    client.force_login(provider_admin)
    template = returns_csv(client)
    rows = [template[0], [other_agency.cqc_location_id, "x", *(AGENCY_ANSWERS[key] for key in template[0][2:])]]
    assert "is not a home-care agency whose return you answer" in text(upload(client, rows))
    assert not MonthlyReturn.objects.exists()


# --- a council's view ------------------------------------------------------------------------------


def test_the_councils_page_follows_agencies_beside_homes(client, in_window, council_admin, home, home_staff,
                                                        agency, agency_staff, provider, leeds,
                                                        django_assert_max_num_queries):  # fmt: skip
    give_figures(home, home_staff)
    quiet = AgencyFactory(name="Quiet Home Care", provider=provider)
    client.force_login(agency_staff)
    client.post(f"/returns/{agency.pk}/", {**AGENCY_ANSWERS, "version": "0"})
    client.force_login(council_admin)
    client.get(f"/area/returns/?area={leeds.gss_code}")
    with django_assert_max_num_queries(12):  # as for homes alone
        page = client.get(f"/area/returns/?area={leeds.gss_code}")
    shown = text(page)
    assert "1 of 3</strong> homes and agencies submitted" in page.text
    assert "Homes: 0 of 1" in shown
    assert "Home-care agencies: 1 of 2" in shown
    waiting = shown.split("Not submitted yet")[1].split("Penalty notices")[0]
    assert (
        f'<a href="/agencies/{quiet.pk}/">Quiet Home Care</a> <span class="nhsuk-body-s">(Home-care agency, ' in waiting
    )
    assert f'<a href="/homes/{home.pk}/">Headingley Park</a> <span class="nhsuk-body-s">(Aire Valley' in waiting
    assert agency.name not in waiting
    assert "Remind everyone who has not submitted" in shown


def test_a_council_chases_agencies_too(client, in_window, council_admin, agency, agency_staff, home, home_staff,
                                       leeds):  # fmt: skip
    submitted(home, DECEMBER)
    client.force_login(council_admin)
    response = client.post("/area/returns/chase/", {"area": leeds.gss_code}, follow=True)
    assert "Reminders sent to 1 home-care agency that has not answered for December 2026" in text(response)
    assert [email.to for email in mail.outbox] == [[agency_staff.email]]
    path = mail.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    assert path.startswith(f"/returns/{agency.pk}/reminder/")
    assert "Care workers you employ" in Client().get(path).text  # the agency's own return


def test_another_councils_agencies_are_neither_shown_nor_chased(client, in_window, other_council_admin, agency,
                                                                agency_staff, leeds, bradford, other_agency,
                                                                other_agency_staff):  # fmt: skip
    client.force_login(other_council_admin)
    assert client.get(f"/area/returns/?area={leeds.gss_code}").status_code == 404
    assert client.post("/area/returns/chase/", {"area": leeds.gss_code}).status_code == 404
    assert client.get(f"/area/returns/extract.csv?area={leeds.gss_code}").status_code == 404
    own = text(client.get(f"/area/returns/?area={bradford.gss_code}"))
    assert other_agency.name in own
    assert agency.name not in own
    client.post("/area/returns/chase/", {"area": bradford.gss_code})
    assert [email.to for email in mail.outbox] == [[other_agency_staff.email]]


def test_choosing_a_month_with_htmx_swaps_the_agencies_figures_too(client, in_window, council_admin, agency, leeds,
                                                                  htmx_headers):  # fmt: skip
    agency_submitted(agency, NOVEMBER)
    client.force_login(council_admin)
    response = client.get(f"/area/returns/?area={leeds.gss_code}&month=2026-11", headers=htmx_headers)
    assert response.text.lstrip().startswith('<div id="returns-content">')
    assert "1 of 1</strong> home-care agency submitted" in response.text
    assert "Home-care agencies' workforce" in text(response)


def test_agencies_at_risk_and_over_the_line_from_made_up_histories(monkeypatch, provider, leeds):
    """The penalty rule over agencies' histories: the same as a care home's, with the kind said."""
    on(IN_WINDOW, monkeypatch)  # closed months: November 2026 back to December 2025
    year_ago = timezone.make_aware(datetime.datetime(2025, 11, 1))
    months = closed_months(IN_WINDOW, 12)
    histories = {
        "Always": [],
        "Lapsed": months[:3],  # 3 in a row: over
        "Two lately": months[:2],  # the last two: at risk
        "Three scattered": [months[1], months[5], months[9]],  # 3 of 12: at risk
        "Four scattered": [months[0], months[4], months[7], months[11]],  # 4 of 12: over
        "Long ago": [*months[9:12]],  # 3 in a row, earlier in the year: over
    }
    for name, missed in histories.items():
        agency = AgencyFactory(name=name, provider=provider)
        type(agency).objects.filter(pk=agency.pk).update(created_at=year_ago)
        for month in months:
            if month not in missed:
                agency_submitted(agency, month)
    AgencyFactory(name="Joined this week", provider=provider)
    CareHomeFactory(name="A home", provider=provider)  # the same page's care homes: their own standing
    found = {s.name: s for s in compliance.standings(type(agency).locations.filter(local_authority=leeds))}
    assert {name: s.status for name, s in found.items()} == {
        "Always": "ok", "Lapsed": "over", "Two lately": "at_risk", "Three scattered": "at_risk",
        "Four scattered": "over", "Long ago": "over", "Joined this week": "ok", "A home": "ok",
    }  # fmt: skip
    assert (found["Lapsed"].kind_label, found["A home"].kind_label) == ("Home-care agency", "Care home")
    assert found["Joined this week"].counted == 0


def test_the_penalty_lists_name_agencies_and_link_to_their_pages(client, monkeypatch, council_admin, provider,
                                                                 leeds):  # fmt: skip
    on(IN_WINDOW, monkeypatch)
    lapsed = AgencyFactory(name="Lapsed Home Care", provider=provider)
    type(lapsed).objects.filter(pk=lapsed.pk).update(created_at=timezone.make_aware(datetime.datetime(2025, 11, 1)))
    for month in closed_months(IN_WINDOW, 12)[3:]:
        agency_submitted(lapsed, month)
    client.force_login(council_admin)
    over = text(client.get(f"/area/returns/?area={leeds.gss_code}")).split("Over the line (1)")[1].split("At risk")[0]
    assert f'<a href="/agencies/{lapsed.pk}/">Lapsed Home Care</a>' in over
    assert "Home-care agency" in over
    assert "November 2026, October 2026, September 2026" in over


# --- the workforce and the extract --------------------------------------------------------------


def test_agencies_are_never_counted_in_the_care_homes_workforce(client, in_window, council_admin, home, home_staff,
                                                               agency, leeds):  # fmt: skip
    give_figures(home, home_staff)
    client.force_login(home_staff)
    client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"})
    agency_submitted(agency, DECEMBER)
    client.force_login(council_admin)
    workforce = b"".join(client.get(f"/area/returns/workforce.csv?area={leeds.gss_code}").streaming_content)
    rows = {row["Month"]: row for row in csv.DictReader(io.StringIO(workforce.decode("utf-8-sig")))}
    december = rows["2026-12"]
    # The care homes' figures are the home's alone, as with no agency (tests/test_returns.py)...
    assert [december[name] for name in ("Homes that answered", "Staff employed directly", "Agency and bank staff",
                                        "Agency and bank share of staff (%)", "Care staff", "Occupied beds",
                                        "Care staff per 100 occupied beds")] == [
        "1", "34", "4", "10.5", "25", "15", "166.7"]  # fmt: skip
    # ...and the agency's are its own: 3 of 30 care workers absent, 610 hours for 60 people.
    assert [december[name] for name in ("Home-care agencies that answered", "Care workers employed",
                                        "Care workers absent", "Care workers absent (%)", "People supported",
                                        "Hours of care delivered last week", "Hours per person supported")] == [
        "1", "30", "3", "10.0", "60", "610", "10.2"]  # fmt: skip
    page = text(client.get(f"/area/returns/?area={leeds.gss_code}"))
    assert "Care homes' workforce: the last 12 months" in page
    assert "Home-care agencies' workforce: the last 12 months" in page


def test_the_extract_has_an_agencys_row_with_its_own_columns(client, in_window, council_admin, home, agency, leeds):
    submitted(home, DECEMBER)
    agency_submitted(agency, DECEMBER)
    AgencyFactory(name="Quiet Home Care")
    client.force_login(council_admin)
    extract = b"".join(client.get(f"/area/returns/extract.csv?area={leeds.gss_code}&month=2026-12")
                       .streaming_content).decode("utf-8-sig")  # fmt: skip
    reader = csv.DictReader(io.StringIO(extract))
    assert reader.fieldnames[:4] == ["month", "cqc_location_id", "location_name", "location_kind"]
    by_name = {row["location_name"]: row for row in reader}
    answered = by_name["Kirkstall Home Care"]
    assert (answered["location_kind"], answered["submitted"]) == ("home_care_agency", "yes")
    assert {key: answered[key] for key in AGENCY_ANSWERS} == AGENCY_ANSWERS
    assert [answered[name] for name, _ in definition.BEDS] == ["", "", "", ""]  # no beds
    assert answered["direct_nurses"] == answered["visiting"] == ""  # a care home's questions
    assert by_name["Headingley Park"]["location_kind"] == "care_home"
    assert by_name["Headingley Park"]["people_funded"] == ""
    assert (by_name["Quiet Home Care"]["submitted"], by_name["Quiet Home Care"]["care_workers"]) == ("no", "")


def test_the_apis_returns_carry_an_agencys_own_answers_and_no_beds(client, council_admin, leeds, home, agency,
                                                                 provider):  # fmt: skip
    from api import keys
    from api.models import ApiKey

    _, key = keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    quiet = AgencyFactory(name="Quiet Home Care", provider=provider)
    agency_submitted(agency, NOVEMBER)
    submitted(home, NOVEMBER)
    records = client.get("/api/v1/returns", {"month": "2026-11"}, HTTP_AUTHORIZATION=f"Bearer {key}").json()["returns"]
    by_location = {record["cqc_location_id"]: record for record in records}
    assert set(by_location) == {home.cqc_location_id, agency.cqc_location_id, quiet.cqc_location_id}
    answered = by_location[agency.cqc_location_id]
    assert (answered["location_kind"], answered["submitted"], answered["beds"]) == ("home_care_agency", True, None)
    assert answered["answers"] == {key: int(value) for key, value in AGENCY_ANSWERS.items()}
    assert (by_location[quiet.cqc_location_id]["location_kind"], by_location[quiet.cqc_location_id]["answers"]) == (
        "home_care_agency", None)  # fmt: skip
    assert by_location[home.cqc_location_id]["location_kind"] == "care_home"
    assert "people_funded" not in by_location[home.cqc_location_id]["answers"]


def test_a_provider_key_reads_its_own_agencies_returns_only(client, provider_admin, provider, agency, other_agency):
    from api import keys
    from api.models import ApiKey

    _, key = keys.make(name="Our system", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                       expires_at=timezone.now() + datetime.timedelta(days=90))  # fmt: skip
    agency_submitted(other_agency, NOVEMBER)
    records = client.get("/api/v1/returns", {"month": "2026-11"}, HTTP_AUTHORIZATION=f"Bearer {key}").json()["returns"]
    assert [record["cqc_location_id"] for record in records] == [agency.cqc_location_id]


# --- the definition -------------------------------------------------------------------------------


def test_each_kind_is_asked_its_own_questions_every_month():
    for month in (datetime.date(2026, m, 1) for m in range(1, 13)):
        agencies = {q.key for q in definition.questions_for(month, definition.HOME_CARE)}
        homes = {q.key for q in definition.questions_for(month, definition.CARE_HOME)}
        assert agencies == set(AGENCY_ANSWERS)
        assert not agencies & homes
        assert set(definition.HEADCOUNTS) <= homes


def test_other_providers_and_homes_do_not_reach_an_agency_through_the_together_button(
    client, in_window, agency, home_staff, other_agency_staff
):
    agency_submitted(agency, NOVEMBER)
    for person in (home_staff, other_agency_staff):
        client.force_login(person)
        client.post("/returns/submit-unchanged/")
    assert not MonthlyReturn.objects.filter(home=agency, month=DECEMBER).exists()


def test_a_provider_with_agencies_in_two_councils(client, in_window, bradford):
    provider = ProviderFactory(name="Two Cities Care")
    admin = MembershipFactory(role=Role.PROVIDER_ADMIN, provider=provider, user__email="two@example.org").user
    AgencyFactory(name="Leeds Office", provider=provider)
    AgencyFactory(name="Bradford Office", provider=provider, local_authority=bradford, postcode="BD9 5AB")
    client.force_login(admin)
    assert "0 of 2 home-care agencies submitted" in client.get("/returns/").text
