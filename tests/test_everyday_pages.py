"""The pages home staff use every day, at their query counts (issue 28, docs/adr/023-everyday-pages-speed.md):
"Confirm no change" and the update page, each request with a ceiling; and what the cheaper
paths must still do (write only what changed, one history row per confirm, the version the
save wrote)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, Role
from tests.factories import CareHomeFactory, MembershipFactory
from tests.vacancy_helpers import form_post, give_figures
from vacancies.models import CategoryVacancy, HomeVacancies, ShortlistEntry, VacancyUpdate
from vacancies.updates import confirm_no_change

pytestmark = pytest.mark.django_db


def test_confirm_no_change_costs_a_bounded_number_of_queries(client, home_staff, home, django_assert_max_num_queries):
    give_figures(home, nursing={}, residential={})
    client.force_login(home_staff)
    client.get("/")
    with django_assert_max_num_queries(4):  # the session, the person, their roles, the page with its total
        assert client.get("/my-homes/").status_code == 200
    with django_assert_max_num_queries(6):  # ... the home, the confirm (one statement), the audit event
        response = client.post(f"/my-homes/{home.pk}/confirm/")
    assert response.status_code == 302
    confirmed = VacancyUpdate.objects.filter(home=home).first()
    assert (confirmed.kind, confirmed.made_by, confirmed.version) == ("no_change", home_staff, 1)
    assert HomeVacancies.objects.get(home=home).last_confirmed_at == confirmed.made_at
    assert AuditEvent.objects.filter(action="vacancies_confirmed", user=home_staff).count() == 1


def test_confirm_counts_only_homes_with_figures_and_records_each_ones_version(home, other_home, home_staff):
    give_figures(home)
    give_figures(home, version=1, nursing={"vacant_accepting": 2})  # version 2
    empty = CareHomeFactory(provider=home.provider)
    HomeVacancies.objects.create(home=empty)
    assert confirm_no_change([home, other_home, empty], home_staff) == 1
    assert list(VacancyUpdate.objects.filter(kind="no_change").values_list("home_id", "version")) == [(home.pk, 2)]
    assert HomeVacancies.objects.get(home=empty).last_confirmed_at is None
    assert confirm_no_change([], home_staff) == 0  # "confirm all" for someone whose homes have none


def test_the_update_page_and_its_save_cost_a_bounded_number_of_queries(
    client, home_staff, home, django_assert_max_num_queries
):
    give_figures(home, nursing={}, residential={})
    client.force_login(home_staff)
    client.get("/")
    with django_assert_max_num_queries(5):  # the session, the person, their roles, the home, its board and categories
        assert client.get(f"/my-homes/{home.pk}/").status_code == 200
    data = form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}, residential={})
    # ... the home, its figures locked (2), the save (one statement: the changed category, the board and the
    # history), the audit event; and inside the test's own transaction the view's transaction is a savepoint (2).
    with django_assert_max_num_queries(10):
        assert client.post(f"/my-homes/{home.pk}/", data).status_code == 302
    assert CategoryVacancy.objects.get(home=home, category="nursing").vacant_accepting == 2


def test_a_save_writes_only_the_categories_that_changed(client, home_staff, home):
    give_figures(home, nursing={}, residential={})
    client.force_login(home_staff)
    data = form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}, residential={})

    def row_versions():  # a row's xmin changes whenever a statement writes it, even to the same values
        with connection.cursor() as cursor:
            rows = f'SELECT category, xmin::text FROM "{CategoryVacancy._meta.db_table}" WHERE home_id = %s'  # noqa: S608
            cursor.execute(rows, [home.pk])
            return dict(cursor.fetchall())

    before = row_versions()
    with CaptureQueriesContext(connection) as captured:
        assert client.post(f"/my-homes/{home.pk}/", data).status_code == 302
    after = row_versions()
    assert after["residential"] == before["residential"]
    assert after["nursing"] != before["nursing"]
    writes = [q["sql"] for q in captured if q["sql"].lstrip().startswith(("WITH", "UPDATE", "INSERT"))]
    # The save (categories, board, the update and its changes) and the audit event; the session's expiry
    writes = [sql for sql in writes if "django_session" not in sql]
    assert len(writes) == 2
    update = VacancyUpdate.objects.filter(home=home).first()
    assert {(change.category, change.field) for change in update.changes.all()} == {
        ("nursing", "occupied"),
        ("nursing", "vacant_accepting"),
    }
    assert HomeVacancies.objects.get(home=home).vacant_accepting_total == 2 + 3


def test_a_save_after_someone_elses_is_refused_with_what_they_changed(client, home_staff, home):
    give_figures(home)
    client.force_login(home_staff)
    give_figures(home, version=1, nursing={"vacant_accepting": 1})  # someone else, meanwhile
    response = client.post(f"/my-homes/{home.pk}/", form_post(1, nursing={"occupied": 16, "vacant_accepting": 2}))
    assert response.status_code == 409
    assert CategoryVacancy.objects.get(home=home).vacant_accepting == 1


def test_my_homes_past_the_last_page_shows_the_last_and_nonsense_the_first(client, provider_admin, provider):
    CareHomeFactory.create_batch(120, provider=provider)
    client.force_login(provider_admin)
    last = client.get("/my-homes/", {"page": "9"})
    assert last.text.count("tracker-home-card") == 20
    assert "Page 1 of 2" in last.text  # the link back
    first = client.get("/my-homes/", {"page": "nonsense"})
    assert first.text.count("tracker-home-card") == 100
    assert "120 homes" in first.text
    huge = client.get("/my-homes/", {"page": "9" * 400})  # past any OFFSET the database can take
    assert huge.status_code == 200
    assert huge.text.count("tracker-home-card") == 20


def test_a_homes_page_says_only_this_persons_shortlist_and_is_no_one_elses_to_open(
    client, coordinator, home, other_home_staff
):
    """The shortlist is read with the home now: another coordinator's list must not leak into it,
    and another home's staff still cannot open the page at all."""
    ShortlistEntry.objects.create(user=coordinator, home=home)
    colleague = MembershipFactory(role=Role.COORDINATOR, user__email="colleague@example.org").user
    client.force_login(colleague)
    page = client.get(f"/homes/{home.pk}/")
    assert "to shortlist" in page.text
    assert "On your shortlist" not in page.text
    client.force_login(coordinator)
    assert "On your shortlist" in client.get(f"/homes/{home.pk}/").text
    client.force_login(other_home_staff)
    assert client.get(f"/homes/{home.pk}/").status_code == 404


def test_my_homes_cards_say_what_each_homes_board_says(client, provider, home):
    """The cards are read as plain values (not rows made into objects): each still says whether
    the home is closed and why, its beds accepting, or that it has no figures yet."""
    from registers.models import CareHome
    from vacancies.updates import save_vacancies

    give_figures(home, nursing={"vacant_accepting": 3})
    closed = CareHomeFactory(name="Kirkstall Lodge", provider=provider)
    give_figures(closed, nursing={"vacant_accepting": 2})
    closing = {"closed_to_admissions": True, "closed_reason": "outbreak", "reopening_date": None}
    save_vacancies(closed, None, loaded_version=1, categories={}, home_values=closing)
    empty = CareHomeFactory(name="Meanwood Grange", provider=provider)
    admin = MembershipFactory(role=Role.PROVIDER_ADMIN, provider=provider).user
    client.force_login(admin)
    page = client.get("/my-homes/").text
    cards = {name: page.split(f">{name}<", 1)[1].split("tracker-home-card", 1)[0] for name in
             CareHome.objects.filter(provider=provider).values_list("name", flat=True)}  # fmt: skip
    assert "3 beds vacant and accepting admissions." in cards["Headingley Park"]
    assert "Closed to admissions</strong> (infection outbreak)." in cards["Kirkstall Lodge"]
    assert "2 beds" not in cards["Kirkstall Lodge"]
    assert "No figures yet." in cards[empty.name]
    assert "Enter vacancies" in cards[empty.name]
    assert f'action="/my-homes/{home.pk}/confirm/"' in cards["Headingley Park"]
    # The card an htmx confirm swaps in is drawn the same way, one home only.
    card = client.post(f"/my-homes/{closed.pk}/confirm/", headers={"HX-Request": "true"}).text
    assert "Closed to admissions</strong> (infection outbreak)." in card
    assert "Headingley Park" not in card
    assert "Confirmed no change." in card


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_home_at_once_one_wins_and_the_other_is_told(home):
    """Both read version 1; the save reads the board and categories locked in one statement, so
    the second waits for the first, sees the version it wrote, and writes nothing."""
    import threading
    import time

    from django.db import transaction

    from tests.threads import in_threads
    from tests.vacancy_helpers import CATEGORY_DEFAULTS, OPEN_HOME
    from vacancies.updates import Conflict, locked_figures, save_vacancies

    give_figures(home, nursing={}, residential={})
    first_locked, outcomes = threading.Event(), {}

    def save(name, accepting, waits):
        if waits:
            first_locked.wait(5)
        try:
            with transaction.atomic():
                locked = locked_figures(home)
                first_locked.set()
                time.sleep(0 if waits else 0.3)  # the first holds its locks a while
                values = {**CATEGORY_DEFAULTS, "vacant_accepting": accepting}
                values["occupied"] = values["capacity"] - accepting - values["vacant_unavailable"]
                save_vacancies(home, None, loaded_version=1, categories={"nursing": values}, home_values=OPEN_HOME,
                               locked=locked)  # fmt: skip
            outcomes[name] = "saved"
        except Conflict as conflict:
            outcomes[name] = [(change.field, change.new_value) for change in conflict.changes]

    in_threads(save, [("first", 2, False), ("second", 6, True)])
    assert outcomes["first"] == "saved"
    assert ("vacant_accepting", "2") in outcomes["second"]  # told what the first changed
    assert CategoryVacancy.objects.get(home=home, category="nursing").vacant_accepting == 2
    assert VacancyUpdate.objects.filter(home=home, kind="update").count() == 2  # the setup's and the first's


@pytest.mark.parametrize("who", ["home_staff", "provider_admin", "council_admin", "service_admin", "coordinator"])
def test_my_homes_read_by_hand_are_the_homes_the_rule_gives_each_role(request, who, home, other_home, provider):
    """vacancies/my_homes.py reads the list in one hand-written statement: the same homes as
    ``allowed(CareHome.objects, UPDATE_HOME, user).active()`` (never an agency or an archived
    home), ordered by name, and the stale ones as the filter says."""
    import datetime

    from django.utils import timezone

    from accounts.permissions import UPDATE_HOME
    from homes.access import allowed
    from registers.choices import HomeStatus
    from registers.models import CareHome
    from tests.factories import AgencyFactory
    from vacancies import my_homes

    user = request.getfixturevalue(who)
    CareHomeFactory(name="Archived House", provider=provider, status=HomeStatus.ARCHIVED)
    AgencyFactory(provider=provider)  # Leeds, the provider's: reachable by the rule, but no care home
    twin = CareHomeFactory(name="Headingley Park", provider=provider)  # same name: ordered by id
    fresh = CareHomeFactory(name="Adel Grange", provider=provider)
    give_figures(home)
    give_figures(fresh)
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(hours=25))
    expected = list(
        allowed(CareHome.objects, UPDATE_HOME, user).active().order_by("name", "pk").values_list("pk", flat=True)
    )
    assert my_homes.ids(user) == expected
    assert (
        set(expected)
        == {
            "home_staff": {home.pk},
            "provider_admin": {home.pk, twin.pk, fresh.pk},
            "council_admin": {home.pk, twin.pk, fresh.pk},
            "service_admin": set(CareHome.objects.active().values_list("pk", flat=True)),
            "coordinator": set(),
        }[who]
    )
    stale = [pk for pk in expected if pk != fresh.pk]  # confirmed 25 hours ago, or never
    assert my_homes.ids(user, stale_only=True) == stale
    page = my_homes.page(user, "1")
    assert [row["pk"] for row in page.object_list] == expected
    assert page.paginator.count == len(expected)
