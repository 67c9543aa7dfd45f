"""The monthly return (issue 27): its window, the penalty rule, a home's return (one tap when
unchanged, bad input, two people at once), the reminder's link, reminders and chasing, a
provider's CSV, and a council's view with its extract."""

import csv
import datetime
import html
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, Role
from returns import compliance, figures, links
from returns.models import MonthlyReturn, ReturnReminder
from returns.window import closed_months, open_window, window_for
from tests.factories import CareHomeFactory, MembershipFactory
from tests.vacancy_helpers import give_figures
from vacancies import areas

pytestmark = pytest.mark.django_db

IN_WINDOW = datetime.date(2026, 12, 9)  # a Wednesday: December's window is 8 to 14 December
AFTER_WINDOW = datetime.date(2026, 12, 20)
_real_localdate = timezone.localdate


def on(day: datetime.date, monkeypatch) -> None:
    """Today is ``day`` for everything that asks (a datetime given is still converted as ever)."""
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, timezone=None: day if value is None else _real_localdate(value)
    )


@pytest.fixture
def in_window(monkeypatch):
    on(IN_WINDOW, monkeypatch)


ANSWERS = {
    "direct_nurses": "4", "direct_care_staff": "22", "direct_other_staff": "8", "agency_nurses": "1",
    "agency_care_staff": "3", "agency_other_staff": "0", "flu_vaccinated": "20", "covid_vaccinated": "15",
    "visiting": "open",
}  # fmt: skip


def as_values(answers: dict) -> dict:
    return {key: value if key == "visiting" else int(value) for key, value in answers.items()}


def submitted(home, month: datetime.date, **answers) -> MonthlyReturn:
    """A return as if submitted in that month's window."""
    at = timezone.make_aware(datetime.datetime.combine(window_for(month).opens, datetime.time(10)))
    return MonthlyReturn.objects.create(
        home=home, month=month, answers=as_values({**ANSWERS, **answers}), beds={"capacity": 20, "occupied": 15},
        first_submitted_at=at, submitted_at=at, via="form",
    )  # fmt: skip


# --- the window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "opens", "closes"),
    [
        ("2026-12", "2026-12-08", "2026-12-14"),  # the 14th is a Monday
        ("2026-11", "2026-11-08", "2026-11-16"),  # the 14th is a Saturday: the next working day, Monday
        ("2031-04", "2031-04-08", "2031-04-15"),  # the 14th is Easter Monday, a bank holiday
        ("2028-04", "2028-04-08", "2028-04-18"),  # Good Friday the 14th, then a weekend and Easter Monday
        ("2027-02", "2027-02-08", "2027-02-15"),  # Sunday the 14th
    ],
)
def test_the_window_moves_with_weekends_and_bank_holidays(month, opens, closes):
    window = window_for(datetime.date.fromisoformat(f"{month}-01"))
    assert (window.opens.isoformat(), window.closes.isoformat()) == (opens, closes)
    assert window.reminder_days == (window.opens, window.closes - datetime.timedelta(days=1))


def test_only_closed_windows_count_as_months():
    assert closed_months(datetime.date(2026, 12, 9), 2) == [datetime.date(2026, 11, 1), datetime.date(2026, 10, 1)]
    assert closed_months(datetime.date(2026, 12, 15), 1) == [datetime.date(2026, 12, 1)]
    assert closed_months(datetime.date(2026, 11, 16), 1) == [datetime.date(2026, 10, 1)]  # open until the 16th
    assert open_window(datetime.date(2026, 11, 16)).month == datetime.date(2026, 11, 1)
    assert open_window(datetime.date(2026, 12, 7)) is None


# --- the penalty rule -----------------------------------------------------------------------

X, o = True, False  # missed, answered: newest month first


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([o] * 12, "ok"),
        ([X, o, o, o], "ok"),
        ([X, X], "at_risk"),  # one more makes 3 in a row
        ([X, X, o], "at_risk"),
        ([o, X, X, o], "ok"),  # two in a row, but not the last two, and only 2 in 12
        ([X, o, X, o, X], "at_risk"),  # 3 of 12: one more makes 4
        ([X, X, X], "over"),  # 3 in a row
        ([o, o, X, X, X, o], "over"),  # 3 in a row, earlier in the year
        ([X, o, X, o, X, o, X], "over"),  # 4 in 12
        ([o] * 11 + [X] + [X, X, X], "ok"),  # only the last 12 months count
        ([o, X, o, o, o, o, o, o, o, o, o, X, X], "ok"),  # 2 in the last 12 (the 13th is older)
    ],
)
def test_who_is_at_risk_of_a_penalty_notice(history, expected):
    assert compliance.status(history) == expected


def test_made_up_histories_in_an_area(monkeypatch, provider, leeds):
    on(IN_WINDOW, monkeypatch)  # closed months: November back to December 2025
    year_ago = timezone.make_aware(datetime.datetime(2025, 11, 1))
    homes = {}
    for name, missed in [
        ("Always", []),
        ("Lapsed", [datetime.date(2026, 11, 1), datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)]),
        ("Two lately", [datetime.date(2026, 11, 1), datetime.date(2026, 10, 1)]),
        (
            "Now and then",
            [
                datetime.date(2026, 7, 1),
                datetime.date(2026, 4, 1),
                datetime.date(2026, 1, 1),
                datetime.date(2025, 12, 1),
            ],
        ),
    ]:
        home = CareHomeFactory(name=name, provider=provider)
        type(home).objects.filter(pk=home.pk).update(created_at=year_ago)
        for month in closed_months(IN_WINDOW, 12):
            if month not in missed:
                submitted(home, month)
        homes[name] = home
    new = CareHomeFactory(name="Joined this week", provider=provider)  # no window since it joined
    found = {s.name: s for s in compliance.standings(type(new).objects.filter(local_authority=leeds))}
    assert {name: found[name].status for name in found} == {
        "Always": "ok",
        "Lapsed": "over",
        "Two lately": "at_risk",
        "Now and then": "over",
        "Joined this week": "ok",
    }
    assert found["Two lately"].missed_words == "November 2026, October 2026"
    assert found["Joined this week"].counted == 0


# --- a home's return ------------------------------------------------------------------------


def test_a_manager_answers_this_months_return_and_changes_it(client, in_window, home, home_staff):
    give_figures(home, home_staff, nursing={"capacity": 30, "vacant_accepting": 2, "vacant_unavailable": 1})
    client.force_login(home_staff)
    page = client.get(f"/returns/{home.pk}/")
    assert page.status_code == 200
    assert "Monthly return for December 2026" in page.text
    assert "Not submitted yet" in page.text
    assert "Nothing has changed: submit it" not in page.text  # no last month to carry over
    response = client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"})
    assert response.status_code == 302
    saved = MonthlyReturn.objects.get(home=home)
    assert saved.month == datetime.date(2026, 12, 1)
    assert saved.answers == as_values(ANSWERS)
    assert saved.beds == {"capacity": 30, "occupied": 27, "vacant_reserved": 1, "vacant_accepting": 2}
    assert (saved.via, saved.submitted_by, saved.version) == ("form", home_staff, 1)
    page = client.get(f"/returns/{home.pk}/")
    assert "Submitted for December 2026" in page.text
    changed = client.post(f"/returns/{home.pk}/", {**ANSWERS, "agency_care_staff": "5", "version": "1"})
    assert changed.status_code == 302
    saved.refresh_from_db()
    assert (saved.answers["agency_care_staff"], saved.version) == (5, 2)
    assert AuditEvent.objects.filter(action="return_submitted").count() == 2


def test_unchanged_from_last_month_is_one_tap(client, in_window, home, home_staff):
    give_figures(home, home_staff)
    submitted(home, datetime.date(2026, 11, 1), agency_nurses="2")
    client.force_login(home_staff)
    page = client.get(f"/returns/{home.pk}/")
    assert "Nothing has changed: submit it" in page.text
    assert 'value="2"' in page.text  # the form is pre-filled from last month
    client.post(f"/returns/{home.pk}/", {"action": "unchanged", "version": "0"})
    saved = MonthlyReturn.objects.get(home=home, month=datetime.date(2026, 12, 1))
    assert (saved.answers["agency_nurses"], saved.via) == (2, "unchanged")


def test_a_question_new_this_month_cannot_be_carried_over(client, monkeypatch, home, home_staff):
    """October brings the flu and COVID questions: September's answers do not make a whole return."""
    on(datetime.date(2026, 10, 9), monkeypatch)
    give_figures(home, home_staff)
    last = {key: value for key, value in ANSWERS.items() if key not in ("flu_vaccinated", "covid_vaccinated")}
    now = timezone.now()
    MonthlyReturn.objects.create(home=home, month=datetime.date(2026, 9, 1), answers=as_values(last), beds={},
                                 first_submitted_at=now, submitted_at=now, via="form")  # fmt: skip
    client.force_login(home_staff)
    page = client.get(f"/returns/{home.pk}/")
    assert "Staff vaccinated against flu this season" in page.text
    assert "Nothing has changed: submit it" not in page.text
    assert client.post(f"/returns/{home.pk}/", {"action": "unchanged", "version": "0"}).status_code == 200
    assert not MonthlyReturn.objects.filter(month=datetime.date(2026, 10, 1)).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"direct_nurses": "-1"}, "direct_nurses", "must be 0 or more"),
        ({"direct_care_staff": "2.5"}, "direct_care_staff", "must be a whole number"),
        ({"agency_nurses": "many"}, "agency_nurses", "must be a whole number"),
        ({"direct_other_staff": ""}, "direct_other_staff", "Answer “Non-care staff”"),
        ({"direct_care_staff": "900"}, "direct_nurses", "more than 20 staff for each of the home's 40 beds"),
        ({"flu_vaccinated": "35"}, "flu_vaccinated", "more than the staff you employ directly (34)"),
        ({"visiting": "sometimes"}, "visiting", "Select a valid choice"),
    ],
)
def test_bad_answers_are_explained_by_the_field_and_nothing_is_saved(
    client, in_window, home, home_staff, changes, field, message
):
    home.registered_beds = 40
    home.save()
    give_figures(home, home_staff)
    client.force_login(home_staff)
    response = client.post(f"/returns/{home.pk}/", {**ANSWERS, **changes, "version": "0"})
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in html.unescape(response.text)
    assert not MonthlyReturn.objects.exists()
    for key, value in {**ANSWERS, **changes}.items():  # what they typed is still there
        if key != "visiting" and value:
            assert f'value="{value}"' in response.text


def test_two_people_submitting_at_once_one_wins_and_the_other_sees_what_differs(
    client, in_window, home, home_staff, provider_admin
):
    give_figures(home, home_staff)
    other = Client()
    client.force_login(home_staff)
    other.force_login(provider_admin)
    assert client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"}).status_code == 302
    late = other.post(f"/returns/{home.pk}/", {**ANSWERS, "direct_nurses": "6", "version": "0"})
    assert late.status_code == 409
    assert "Someone else submitted this return while you were answering" in late.text
    assert "Registered nurses: theirs “4”, yours “6”" in late.text
    assert 'value="6"' in late.text  # their own answer kept
    saved = MonthlyReturn.objects.get()
    assert (saved.answers["direct_nurses"], saved.version, saved.submitted_by) == (4, 1, home_staff)
    # Submitted again (the form now carries the version it was shown), it is saved.
    assert other.post(f"/returns/{home.pk}/", {**ANSWERS, "direct_nurses": "6", "version": "1"}).status_code == 302
    saved.refresh_from_db()
    assert (saved.answers["direct_nurses"], saved.version) == (6, 2)


def test_outside_the_window_the_return_says_when_the_next_opens(client, monkeypatch, home, home_staff):
    on(AFTER_WINDOW, monkeypatch)
    client.force_login(home_staff)
    page = client.get(f"/returns/{home.pk}/")
    assert "The monthly return is not open" in page.text
    assert "The return for January 2027 opens on Friday 8 January" in page.text
    response = client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"})
    assert response.status_code == 200
    assert not MonthlyReturn.objects.exists()


def test_other_homes_staff_coordinators_and_councils_cannot_answer(client, in_window, home, other_home_staff,
                                                                   coordinator, council_admin):  # fmt: skip
    for person in (other_home_staff, coordinator, council_admin):
        client.force_login(person)
        assert client.get(f"/returns/{home.pk}/").status_code == 404
        assert client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"}).status_code == 404
    assert not MonthlyReturn.objects.exists()


def test_my_homes_and_the_homes_page_say_this_months_return_is_due(client, in_window, home, home_staff):
    give_figures(home, home_staff)
    client.force_login(home_staff)
    assert "Answer this month's return" in html.unescape(client.get("/my-homes/").text)
    assert "This month's return is due" in html.unescape(client.get(f"/homes/{home.pk}/").text)
    client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"})
    assert "See or change this month's return" in html.unescape(client.get("/my-homes/").text)
    assert "Monthly return submitted for December 2026" in client.get(f"/homes/{home.pk}/").text


def test_outside_the_window_my_homes_says_nothing_of_it(client, monkeypatch, home, home_staff):
    on(AFTER_WINDOW, monkeypatch)
    client.force_login(home_staff)
    assert "This month's return" not in html.unescape(client.get("/my-homes/").text)


# --- the reminder's link --------------------------------------------------------------------


def test_the_reminders_link_opens_without_sign_in_and_one_tap_submits(in_window, home, home_staff):
    give_figures(home, home_staff)
    submitted(home, datetime.date(2026, 11, 1))
    path = links.path(home.pk, datetime.date(2026, 12, 1))
    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200
    assert "Nothing has changed: submit it" in page.text
    assert not MonthlyReturn.objects.filter(month=datetime.date(2026, 12, 1)).exists()  # opening changes nothing
    assert browser.post(path).status_code == 302
    saved = MonthlyReturn.objects.get(month=datetime.date(2026, 12, 1))
    assert (saved.via, saved.submitted_by) == ("reminder", None)
    assert "Submitted for December 2026" in browser.get(path).text
    assert browser.post(path).status_code == 200  # nothing to do the second time: the page as it is
    assert MonthlyReturn.objects.get(month=datetime.date(2026, 12, 1)).version == 1


def test_the_reminders_link_never_overwrites_answers_given_since(client, in_window, home, home_staff):
    give_figures(home, home_staff)
    submitted(home, datetime.date(2026, 11, 1))
    client.force_login(home_staff)
    client.post(f"/returns/{home.pk}/", {**ANSWERS, "direct_nurses": "9", "version": "0"})
    Client().post(links.path(home.pk, datetime.date(2026, 12, 1)))
    assert MonthlyReturn.objects.get(month=datetime.date(2026, 12, 1)).answers["direct_nurses"] == 9


def test_a_link_for_another_home_altered_or_for_a_closed_window_does_nothing(monkeypatch, home, other_home):
    on(IN_WINDOW, monkeypatch)
    path = links.path(home.pk, datetime.date(2026, 12, 1))
    token = path.rstrip("/").split("/")[-1]
    assert Client().get(f"/returns/{other_home.pk}/reminder/{token}/").status_code == 404
    assert Client().get(path[:-4] + "xyz/").status_code == 404
    assert Client().post(f"/returns/{other_home.pk}/reminder/{token}/").status_code == 404
    on(AFTER_WINDOW, monkeypatch)
    closed = Client().get(path)
    assert closed.status_code == 410
    assert "This return's window has closed" in html.unescape(closed.text)
    assert not MonthlyReturn.objects.exists()


# --- reminders and chasing --------------------------------------------------------------------


def test_reminders_go_on_the_first_and_second_to_last_days_with_the_link(monkeypatch, home, other_home, home_staff,
                                                                         other_home_staff):  # fmt: skip
    submitted(other_home, datetime.date(2026, 12, 1))  # answered already: not reminded
    for day, sent in [(datetime.date(2026, 12, 8), 1), (datetime.date(2026, 12, 10), 0),
                      (datetime.date(2026, 12, 13), 1), (datetime.date(2026, 12, 14), 0)]:  # fmt: skip
        on(day, monkeypatch)
        mail.outbox.clear()
        call_command("send_return_reminders", verbosity=0)
        assert len(mail.outbox) == sent, day
        if sent:
            [email] = mail.outbox
            assert email.to == [home_staff.email]
            assert "due by the end of Monday 14 December" in email.body
            path = email.body.split("http://127.0.0.1:8000")[1].split()[0]
            assert Client().get(path).status_code == 200  # the link in the email opens the return
    call_command("send_return_reminders", verbosity=0)  # again the same day: nobody twice
    assert ReturnReminder.objects.count() == 2


def test_a_council_chases_every_home_that_has_not_answered(client, in_window, council_admin, home, home_staff,
                                                           leeds, provider):  # fmt: skip
    answered = CareHomeFactory(name="Answered", provider=provider)
    MembershipFactory(role=Role.HOME_STAFF, home=answered, user__email="answered@example.org")
    submitted(answered, datetime.date(2026, 12, 1))
    client.force_login(council_admin)
    response = client.post("/area/returns/chase/", {"area": leeds.gss_code}, follow=True)
    assert "Reminders sent to 1 home that has not answered for December 2026" in response.text
    assert [email.to for email in mail.outbox] == [[home_staff.email]]
    again = client.post("/area/returns/chase/", {"area": leeds.gss_code}, follow=True)
    assert "Reminders sent to 0 homes" in again.text
    assert "1 skipped" in again.text
    assert AuditEvent.objects.filter(action="returns_chased").count() == 2


def test_a_council_cannot_chase_another_area(client, in_window, other_council_admin, home, home_staff, leeds):
    client.force_login(other_council_admin)
    assert client.post("/area/returns/chase/", {"area": leeds.gss_code}).status_code == 404
    assert not mail.outbox


# --- a provider's CSV ---------------------------------------------------------------------------


def provider_homes(provider, count: int) -> list:
    homes = [CareHomeFactory(name=f"Home {n:02d}", provider=provider) for n in range(count)]
    for home in homes:
        give_figures(home)
    return homes


def returns_csv(client) -> list[list[str]]:
    response = client.get("/returns/template.csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def upload(client, rows: list[list]) -> object:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return client.post("/returns/upload/", {"file": SimpleUploadedFile("r.csv", out.getvalue().encode())}, follow=True)


def test_a_provider_submits_thirty_homes_from_one_csv(client, in_window, provider, provider_admin):
    homes = provider_homes(provider, 30)
    client.force_login(provider_admin)
    template = returns_csv(client)
    assert template[0][:2] == ["cqc_location_id", "name"]
    assert len(template) == 31
    header = template[0]
    filled = [header] + [[row[0], row[1], *(ANSWERS[key] for key in header[2:])] for row in template[1:]]
    response = upload(client, filled)
    assert "Submitted 30 homes' returns for December 2026 from the file" in html.unescape(response.text)
    assert MonthlyReturn.objects.filter(home__in=homes, via="csv").count() == 30
    assert "30 of 30 homes submitted" in client.get("/returns/").text


def test_a_providers_page_lists_each_homes_state_in_a_few_queries(client, in_window, provider, provider_admin,
                                                                    django_assert_max_num_queries):  # fmt: skip
    homes = provider_homes(provider, 30)
    submitted(homes[0], datetime.date(2026, 12, 1))
    client.force_login(provider_admin)
    client.get("/returns/")
    with django_assert_max_num_queries(8):  # however many homes
        page = client.get("/returns/")
    rows = html.unescape(page.text).split("Your homes' returns")[1]
    assert rows.count("Not submitted") == 29
    assert rows.count(">Submitted<") == 1
    assert f'href="/returns/{homes[0].pk}/"' in rows


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda rows: rows[1].__setitem__(0, "1-999999999"), "“1-999999999” is not a home whose return you answer"),
        (lambda rows: rows[2].__setitem__(2, "lots"), "must be a whole number, 0 or more (it is “lots”)"),
        (lambda rows: rows.append(list(rows[1])), "is in the file more than once"),
        (lambda rows: [row.append("x") for row in rows], "Columns we do not know: x"),
        (lambda rows: [row.pop(3) for row in rows], "Columns missing: direct_care_staff"),
    ],
)
def test_a_csv_with_any_problem_submits_nothing_and_lists_each(client, in_window, provider, provider_admin,
                                                                other_home, change, problem):  # fmt: skip
    provider_homes(provider, 3)
    client.force_login(provider_admin)
    template = returns_csv(client)
    header = template[0]
    rows = [header] + [[row[0], row[1], *(ANSWERS[key] for key in header[2:])] for row in template[1:]]
    change(rows)
    response = upload(client, rows)
    assert "Nothing was submitted" in response.text
    assert problem in response.text
    assert not MonthlyReturn.objects.exists()


def test_another_providers_home_in_the_csv_is_refused(client, in_window, provider, provider_admin, other_home):
    provider_homes(provider, 1)
    client.force_login(provider_admin)
    template = returns_csv(client)
    header = template[0]
    rows = [header, [other_home.cqc_location_id, "x", *(ANSWERS[key] for key in header[2:])]]
    assert "is not a home whose return you answer" in upload(client, rows).text
    assert not MonthlyReturn.objects.exists()


def test_submit_every_home_unchanged_together(client, in_window, provider, provider_admin):
    homes = provider_homes(provider, 3)
    for home in homes[:2]:
        submitted(home, datetime.date(2026, 11, 1))
    client.force_login(provider_admin)
    response = client.post("/returns/submit-unchanged/", follow=True)
    assert "Submitted 2 homes' returns for December 2026, unchanged from last month" in html.unescape(response.text)
    assert "1 home needs answers before submitting: Home 02" in response.text
    assert MonthlyReturn.objects.filter(month=datetime.date(2026, 12, 1), via="together").count() == 2


# --- a council's view -------------------------------------------------------------------------


def test_the_workforce_keeps_closed_months_by_their_locations_and_reads_the_open_month_each_time(
    client, in_window, home, home_staff, other_home, leeds, bradford
):
    """Closed months are kept in the process (their returns never change); the open month is
    not, and one area's kept figures never answer for another's locations."""
    give_figures(home, home_staff)
    november, december = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)
    submitted(home, november, direct_care_staff="30")
    submitted(other_home, november, direct_care_staff="5")
    in_leeds, in_bradford = [(home.pk, home.kind)], [(other_home.pk, other_home.kind)]

    def by_month(area, locations):
        return {m.month: m for m in figures.workforce(area, latest=december, locations=locations)}

    leeds_area, bradford_area = areas.Area(leeds.gss_code, leeds.name, (leeds.pk,)), areas.Area(
        bradford.gss_code, bradford.name, (bradford.pk,))  # fmt: skip
    first = by_month(leeds_area, in_leeds)
    assert (first[november].homes, first[november].care_staff) == (1, 33)
    assert first[december].homes == 0
    assert by_month(bradford_area, in_bradford)[november].care_staff == 8  # its own, not Leeds's kept figures
    client.force_login(home_staff)
    assert client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"}).status_code == 302
    again = by_month(leeds_area, in_leeds)
    assert again[december].homes == 1  # December's window is open: read afresh
    assert again[november].care_staff == 33


def test_the_councils_page_shows_who_has_submitted_and_the_extract(client, in_window, council_admin, home,
                                                                  home_staff, provider, leeds,
                                                                  django_assert_max_num_queries):  # fmt: skip
    give_figures(home, home_staff)
    quiet = CareHomeFactory(name="Quiet Lodge", provider=provider)
    client.force_login(home_staff)
    client.post(f"/returns/{home.pk}/", {**ANSWERS, "version": "0"})
    client.force_login(council_admin)
    with django_assert_max_num_queries(12):  # however many homes: the standings and this month are two queries
        page = client.get(f"/area/returns/?area={leeds.gss_code}")
    assert page.status_code == 200
    assert "1 of 2</strong> homes submitted" in page.text
    assert "Quiet Lodge" in page.text.split("Not submitted yet")[1].split("Penalty notices")[0]
    extract = b"".join(client.get(f"/area/returns/extract.csv?area={leeds.gss_code}&month=2026-12")
                       .streaming_content).decode("utf-8-sig")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(extract)))
    by_home = {row["cqc_location_id"]: row for row in rows}
    assert set(by_home) == {home.cqc_location_id, quiet.cqc_location_id}
    assert by_home[home.cqc_location_id]["submitted"] == "yes"
    assert by_home[home.cqc_location_id]["agency_care_staff"] == "3"
    assert by_home[quiet.cqc_location_id]["submitted"] == "no"
    workforce = b"".join(client.get(f"/area/returns/workforce.csv?area={leeds.gss_code}").streaming_content)
    assert b"2026-12,1,34,4,10.5,25,15,166.7" in workforce  # 4 of 38 staff; 25 care staff for 15 occupied beds


def test_a_council_sees_only_its_own_area(client, in_window, other_council_admin, leeds):
    client.force_login(other_council_admin)
    assert client.get(f"/area/returns/?area={leeds.gss_code}").status_code == 404
    assert client.get(f"/area/returns/extract.csv?area={leeds.gss_code}").status_code == 404


def test_a_month_that_is_not_one_is_a_404(client, council_admin, leeds):
    client.force_login(council_admin)
    assert client.get(f"/area/returns/?area={leeds.gss_code}&month=2026-13").status_code == 404
    assert client.get(f"/area/returns/?area={leeds.gss_code}&month=soon").status_code == 404


def test_choosing_another_month_with_htmx_swaps_the_figures_only(client, in_window, council_admin, home, leeds,
                                                                 htmx_headers):  # fmt: skip
    submitted(home, datetime.date(2026, 11, 1))
    client.force_login(council_admin)
    response = client.get(f"/area/returns/?area={leeds.gss_code}&month=2026-11", headers=htmx_headers)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="returns-content">')
    assert "<html" not in response.text
    assert "The return for November 2026" in response.text
    assert "1 of 1</strong> home submitted" in response.text
    assert "HX-Request" in response["Vary"]
