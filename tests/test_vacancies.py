"""Care home staff keep their vacancies current: the form, the database, the history."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CareHomeFactory
from tests.vacancy_helpers import form_post, give_figures
from vacancies import panel
from vacancies.freshness import freshness
from vacancies.models import CategoryVacancy, HomeVacancies, VacancyChange, VacancyUpdate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "council_admin", "service_admin"])
def test_people_responsible_for_the_home_update_it(client, request, home, role):
    give_figures(home)
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/my-homes/{home.pk}/").status_code == 200
    response = client.post(
        f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}), follow=True
    )
    assert "vacancies saved" in response.text
    row = CategoryVacancy.objects.get(home=home)
    assert (row.occupied, row.vacant_accepting) == (16, 2)


@pytest.mark.parametrize("role", ["other_home_staff", "other_council_admin", "coordinator", "user_without_role"])
def test_everyone_else_gets_404_and_changes_nothing(client, request, home, role):
    give_figures(home)
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/my-homes/{home.pk}/").status_code == 404
    assert client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 0})).status_code == 404
    assert client.post(f"/my-homes/{home.pk}/confirm/").status_code == 404
    assert client.post(f"/my-homes/{home.pk}/check/nursing/", form_post(1, nursing={})).status_code == 404
    assert CategoryVacancy.objects.get(home=home).occupied == 15
    assert VacancyUpdate.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, home):
    assert client.get(f"/my-homes/{home.pk}/").status_code == 302
    assert client.get("/my-homes/").status_code == 302


def test_first_figures_start_with_adding_categories(client, home_staff, home):
    client.force_login(home_staff)
    page = client.get(f"/my-homes/{home.pk}/")
    assert "Start by adding the care categories your home offers" in page.text
    response = client.post(f"/my-homes/{home.pk}/", {"version": 0})
    assert "Add the care categories your home offers" in response.text
    response = client.post(
        f"/my-homes/{home.pk}/", {"version": 0, "add-new_category": "nursing", "add-new_capacity": "25"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/my-homes/{home.pk}/"
    assert CategoryVacancy.objects.get(home=home, category="nursing").capacity == 25


def test_impossible_counts_are_explained_next_to_the_field_and_nothing_is_saved(client, home_staff, home):
    give_figures(home)
    client.force_login(home_staff)
    response = client.post(
        f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 18, "vacant_accepting": 3, "vacant_unavailable": 2})
    )
    assert response.status_code == 200
    assert 'id="id_nursing-capacity-error"' in response.text
    assert "add up to 23: more than the 20 registered beds" in response.text
    assert 'value="18"' in response.text  # what was typed is kept
    assert CategoryVacancy.objects.get(home=home).occupied == 15
    assert VacancyUpdate.objects.count() == 1


def test_the_update_page_and_confirm_name_the_home_and_audit_it(client, home_staff, home):
    """The pages read the home by hand (homes/access.py): its name where its name goes, its CQC
    location ID where that goes, on the page, in the message and in the audit trail."""
    from accounts.models import AuditEvent

    give_figures(home)
    client.force_login(home_staff)
    page = client.get(f"/my-homes/{home.pk}/").text
    assert f"<title>Update vacancies: {home.name} \N{EN DASH}" in page
    assert f'<span class="nhsuk-caption-l">{home.name}</span>' in page
    confirmed = client.post(f"/my-homes/{home.pk}/confirm/", follow=True).text
    assert f"{home.name}: confirmed no change." in confirmed
    assert AuditEvent.objects.filter(target=f"{home.name} ({home.cqc_location_id})").count() == 1
    saved = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"vacant_accepting": 1}), follow=True).text
    assert f"{home.name}: vacancies saved." in saved
    assert AuditEvent.objects.filter(target=f"{home.name} ({home.cqc_location_id})").count() == 2


def test_the_update_forms_share_their_declared_fields_and_no_save_changes_them(client, home_staff, home):
    """CategoryForm and HomeClosureForm use their declared fields (``unchanging_fields``): no
    page, however wrong what was typed, changes them for the next; each category's box reveals
    its own closure, and a field in error is drawn with its error, the next page's without."""
    from vacancies.forms import CategoryForm, HomeClosureForm

    def declared() -> dict:
        return {
            (form.__name__, name): (repr(sorted(vars(field).items())), repr(sorted(vars(field.widget).items())))
            for form in (CategoryForm, HomeClosureForm)
            for name, field in form.base_fields.items()
        }

    give_figures(home, nursing={}, residential={})
    client.force_login(home_staff)
    before = declared()
    page = client.get(f"/my-homes/{home.pk}/").text
    assert 'data-aria-controls="nursing-closure"' in page
    assert 'data-aria-controls="residential-closure"' in page
    assert 'data-aria-controls="home-closure"' in page
    wrong = form_post(1, {"closed_to_admissions": True}, nursing={"capacity": "", "occupied": -1}, residential={})
    refused = client.post(f"/my-homes/{home.pk}/", wrong).text
    assert "Enter the number of registered beds" in refused
    assert "Enter 0 or more" in refused
    assert declared() == before
    again = client.get(f"/my-homes/{home.pk}/").text
    assert "Enter 0 or more" not in again
    assert ">Registered beds<" in again or "Registered beds</label>" in again


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"occupied": -1}, "occupied", "Enter 0 or more"),
        ({"occupied": "three"}, "occupied", "Enter a whole number"),
        ({"occupied": "2.5"}, "occupied", "Enter a whole number"),
        ({"capacity": 5000}, "capacity", "Enter 2000 or fewer"),
        ({"closed": True}, "closed_reason", "Choose why it is closed to admissions"),
        (
            {"closed": True, "closed_reason": "outbreak", "reopening_date": "2001-01-01"},
            "reopening_date",
            "today or later",
        ),
        ({"sex": "other"}, "sex", "Select a valid choice"),
    ],
)
def test_bad_input_is_explained(client, home_staff, home, values, field, message):
    give_figures(home)
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing=values))
    assert f'id="id_nursing-{field}-error"' in response.text
    assert message in response.text
    assert VacancyUpdate.objects.count() == 1


def test_database_refuses_impossible_counts(home):
    give_figures(home)
    row = CategoryVacancy.objects.get(home=home)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryVacancy.objects.filter(pk=row.pk).update(occupied=19)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryVacancy.objects.filter(pk=row.pk).update(occupied=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryVacancy.objects.filter(pk=row.pk).update(closed=True, closed_reason="")


counts = st.one_of(
    st.integers(min_value=-5, max_value=2100),
    st.text(max_size=12),
    st.sampled_from(["", " 3 ", "1e3", "0x10", "٣", "3.0", "NaN", "99999999999999999999"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=counts, occupied=counts, accepting=counts, unavailable=counts)
def test_any_input_is_never_a_500_and_never_saves_an_impossible_state(
    client, home_staff, home, capacity, occupied, accepting, unavailable
):
    if not CategoryVacancy.objects.filter(home=home).exists():
        give_figures(home)
    client.force_login(home_staff)
    board = HomeVacancies.objects.get(home=home)
    before = list(CategoryVacancy.objects.filter(home=home).values())
    data = form_post(board.version, nursing={})
    data.update({"nursing-capacity": capacity, "nursing-occupied": occupied,
                 "nursing-vacant_accepting": accepting, "nursing-vacant_unavailable": unavailable})  # fmt: skip
    response = client.post(f"/my-homes/{home.pk}/", data)
    assert response.status_code in {200, 302, 400}  # 400: a NUL byte
    row = CategoryVacancy.objects.get(home=home)
    assert row.occupied + row.vacant_accepting + row.vacant_unavailable <= row.capacity
    if response.status_code == 400:
        assert list(CategoryVacancy.objects.filter(home=home).values()) == before
    if response.status_code == 200:  # refused: a message by a field, and nothing changed
        assert "nhsuk-error-message" in response.text
        assert list(CategoryVacancy.objects.filter(home=home).values()) == before


def test_every_change_is_recorded_with_old_and_new_values(client, home_staff, home):
    give_figures(home, user=home_staff)
    client.force_login(home_staff)
    client.post(
        f"/my-homes/{home.pk}/",
        form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}, home_values={}),
    )
    update = VacancyUpdate.objects.filter(kind="update").latest("id")
    assert update.made_by == home_staff
    recorded = {(c.category, c.field): (c.old_value, c.new_value) for c in update.changes.all()}
    assert recorded == {("nursing", "occupied"): ("15", "16"), ("nursing", "vacant_accepting"): ("3", "2")}
    first = VacancyUpdate.objects.order_by("id").first()
    assert first.changes.filter(field="capacity", old_value="", new_value="20").exists()


def test_whole_home_closure_is_recorded_and_zeroes_what_search_sees(client, home_staff, home):
    give_figures(home)
    client.force_login(home_staff)
    client.post(
        f"/my-homes/{home.pk}/",
        form_post(1, nursing={}, home_values={"closed_to_admissions": True, "closed_reason": "outbreak"}),
    )
    board = HomeVacancies.objects.get(home=home)
    assert board.closed_to_admissions
    assert board.vacant_accepting_total == 0
    assert VacancyChange.objects.filter(field="closed_to_admissions", new_value="yes").exists()


def test_no_change_is_one_action_and_refreshes_only_freshness(client, home_staff, home):
    give_figures(home)
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/confirm/", follow=True)
    assert "confirmed no change" in response.text
    board = HomeVacancies.objects.get(home=home)
    assert timezone.now() - board.last_confirmed_at < datetime.timedelta(seconds=10)
    assert board.version == 1  # the counts did not change
    update = VacancyUpdate.objects.latest("id")
    assert (update.kind, update.changes.count(), update.made_by) == ("no_change", 0, home_staff)


def test_no_change_with_htmx_swaps_the_homes_card(client, home_staff, home, htmx_headers):
    give_figures(home)
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=2))
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/confirm/", headers=htmx_headers)
    assert response.text.lstrip().startswith(f'<div class="nhsuk-card tracker-home-card" id="home-{home.pk}"')
    assert "Updated just now" in response.text
    assert "<html" not in response.text


def test_no_change_for_a_home_without_figures_says_what_to_do(client, home_staff, home):
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/confirm/", follow=True)
    assert "has no figures yet" in response.text
    assert not VacancyUpdate.objects.exists()


def test_second_of_two_concurrent_saves_is_refused_and_shows_the_other_change(client, home_staff, provider_admin, home):
    give_figures(home)
    client.force_login(provider_admin)
    client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}))
    client.force_login(home_staff)
    response = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"vacant_unavailable": 1}))
    assert response.status_code == 409
    assert "Someone else saved this home&#39;s vacancies while you were editing" in response.text
    assert "Nursing occupied from “15” to “16”" in response.text
    assert 'name="version" value="2"' in response.text  # saving again is now possible
    row = CategoryVacancy.objects.get(home=home)
    assert (row.occupied, row.vacant_accepting, row.vacant_unavailable) == (16, 2, 2)


def test_inline_check_returns_the_categorys_messages(client, home_staff, home, htmx_headers):
    give_figures(home)
    client.force_login(home_staff)
    bad = client.post(
        f"/my-homes/{home.pk}/check/nursing/", form_post(1, nursing={"occupied": 30}), headers=htmx_headers
    )
    assert "add up to 35: more than the 20 registered beds" in bad.text
    assert "<html" not in bad.text
    good = client.post(f"/my-homes/{home.pk}/check/nursing/", form_post(1, nursing={}), headers=htmx_headers)
    assert "the figures add up" in good.text
    assert client.post(f"/my-homes/{home.pk}/check/castle/", {}).status_code == 404
    assert VacancyUpdate.objects.count() == 1


def test_my_homes_shows_freshness_in_words(client, provider_admin, provider):
    fresh, stale, _never = (CareHomeFactory(provider=provider, name=n) for n in ("A Fresh", "B Stale", "C Never"))
    give_figures(fresh)
    give_figures(stale)
    HomeVacancies.objects.filter(home=stale).update(last_confirmed_at=timezone.now() - datetime.timedelta(hours=30))
    client.force_login(provider_admin)
    page = client.get("/my-homes/").text
    assert "Updated just now" in page
    assert "Updated 1 day ago" in page
    assert "Never updated" in page
    stale_only = client.get("/my-homes/", {"stale": "1"}).text
    assert "B Stale" in stale_only
    assert "C Never" in stale_only
    assert "A Fresh" not in stale_only


def test_confirm_all_unchanged_for_a_provider_admin(client, provider_admin, provider):
    homes = CareHomeFactory.create_batch(3, provider=provider)
    for home in homes[:2]:
        give_figures(home)
    HomeVacancies.objects.update(last_confirmed_at=timezone.now() - datetime.timedelta(days=3))
    client.force_login(provider_admin)
    response = client.post("/my-homes/confirm-all/", follow=True)
    assert "Confirmed no change for 2 homes. 1 home has no figures yet" in response.text
    assert not HomeVacancies.objects.stale().exists()


def test_my_homes_is_for_people_who_update_homes(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/my-homes/").status_code == 404
    assert client.post("/my-homes/confirm-all/").status_code == 404


def test_my_homes_queries_stay_bounded_for_200_homes(client, provider_admin, provider, django_assert_max_num_queries):
    homes = CareHomeFactory.create_batch(200, provider=provider)
    for home in homes[:50]:
        give_figures(home, nursing={}, residential={})
    client.force_login(provider_admin)
    client.get("/")
    # The session, the person, their roles, the page with its total (one query), and while the
    # monthly return's window is open, its line above the list.
    with django_assert_max_num_queries(5):
        response = client.get("/my-homes/")
    assert response.text.count("tracker-home-card") == 100  # first page
    assert "200 homes" in response.text
    with django_assert_max_num_queries(5):
        client.get("/my-homes/", {"page": 2})


@pytest.mark.parametrize(
    ("age", "words", "level"),
    [
        (datetime.timedelta(seconds=30), "updated just now", "fresh"),
        (datetime.timedelta(hours=3), "updated 3 hours ago", "fresh"),
        (datetime.timedelta(hours=23, minutes=59), "updated 23 hours ago", "fresh"),
        (datetime.timedelta(hours=24), "updated 1 day ago", "stale"),
        (datetime.timedelta(days=10), "updated 1 week ago", "stale"),
    ],
)
def test_freshness_at_its_boundaries(age, words, level):
    now = timezone.now()
    result = freshness(now - age, now)
    assert (result.words, result.level) == (words, level)


def test_freshness_never():
    assert freshness(None).level == "never"


def test_trend_rebuilds_each_days_closing_value(home, home_staff):
    give_figures(home)  # version 1, 3 accepting
    update = give_figures(home, version=1, nursing={"occupied": 16, "vacant_accepting": 2})
    VacancyUpdate.objects.filter(pk=update.pk).update(made_at=timezone.now() - datetime.timedelta(days=2))
    VacancyUpdate.objects.exclude(pk=update.pk).update(made_at=timezone.now() - datetime.timedelta(days=5))
    trend = panel.read(home, HomeVacancies.objects.get(home=home)).vacancy["trend"]
    (series,) = trend.series
    assert series.values[-7:] == [None, 3, 3, 3, 2, 2, 2]  # created 5 days ago, changed 2 days ago
    assert series.values[:-6] == [None] * 24


def test_trend_counts_a_change_on_the_day_it_was_made_here(home, home_staff):
    """Just after midnight in summer (British Summer Time) is the previous day in UTC."""
    give_figures(home)  # 3 accepting
    update = give_figures(home, version=1, nursing={"occupied": 16, "vacant_accepting": 2})
    made = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 2 July here
    VacancyUpdate.objects.filter(pk=update.pk).update(made_at=made)
    VacancyUpdate.objects.exclude(pk=update.pk).update(made_at=made - datetime.timedelta(days=3))
    trend = panel.read(home, HomeVacancies.objects.get(home=home), today=datetime.date(2026, 7, 3)).vacancy["trend"]
    (series,) = trend.series
    assert trend.days[-3:] == [datetime.date(2026, 7, 1), datetime.date(2026, 7, 2), datetime.date(2026, 7, 3)]
    assert series.values[-3:] == [3, 2, 2]


def test_home_page_shows_vacancies_trend_and_data_table(client, coordinator, home):
    give_figures(home)
    client.force_login(coordinator)
    page = client.get(f"/homes/{home.pk}/").text
    assert "Vacant, accepting admissions: the last 30 days" in page
    assert "<polyline" in page
    assert "Show the figures as a table" in page


def test_more_beds_than_cqc_registers_is_a_warning_not_a_refusal(client, home_staff, home):
    home.registered_beds = 25
    home.save()
    give_figures(home, nursing={"capacity": 20})
    client.force_login(home_staff)
    assert "More beds than CQC registers" not in client.get(f"/my-homes/{home.pk}/").text
    data = form_post(1, nursing={"capacity": 30, "vacant_accepting": 3, "vacant_unavailable": 2, "occupied": 25})
    response = client.post(f"/my-homes/{home.pk}/", data, follow=True)
    assert "vacancies saved" in response.text
    assert "add up to 30, more than the 25 CQC registers it for" in response.text
    page = client.get(f"/my-homes/{home.pk}/").text
    assert "More beds than CQC registers" in page
