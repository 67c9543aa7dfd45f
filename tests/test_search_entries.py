"""Search entries are kept by the database: whatever writes a home, its beds or
its categories, search reads the same as the tables say, at once."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from registers.choices import RATING_RANK, CqcRating
from registers.models import CareHome
from tests.factories import CareHomeFactory
from tests.threads import in_threads
from tests.vacancy_helpers import OPEN_HOME, give_figures
from vacancies.models import CategoryVacancy, HomeVacancies, SearchEntry
from vacancies.updates import confirm_no_change, save_vacancies

pytestmark = pytest.mark.django_db

COLUMNS = (
    "home_id, category, name, latitude, longitude, local_authority_id, rating_rank, service_user_bands, "
    "funding_accepted, open, beds, last_confirmed_at, suits_female, suits_male, holds"
)


def differences() -> list[tuple]:
    """Rows in the entries but not in what the tables say, and the other way round."""
    with connection.cursor() as cursor:
        entries, source = (
            f"SELECT {COLUMNS} FROM vacancies_searchentry",  # noqa: S608 - constants only
            f"SELECT {COLUMNS} FROM vacancies_searchsource",  # noqa: S608
        )
        cursor.execute(f"({entries} EXCEPT {source}) UNION ALL ({source} EXCEPT {entries})")
        return cursor.fetchall()


def entry(home, category=""):
    return SearchEntry.objects.get(home=home, category=category)


def test_a_new_home_has_its_whole_home_entry_before_any_figures():
    home = CareHomeFactory(name="Fresh Start")
    row = entry(home)
    assert (row.name, row.beds, row.open, row.last_confirmed_at) == ("Fresh Start", None, False, None)
    assert differences() == []


def test_saving_figures_writes_the_home_and_category_entries():
    home = CareHomeFactory()
    give_figures(home, nursing={"vacant_accepting": 4}, residential={"vacant_accepting": 2, "sex": "female"})
    assert entry(home).beds == 6
    assert (entry(home, "nursing").beds, entry(home, "nursing").suits_male) == (4, True)
    assert (entry(home, "residential").beds, entry(home, "residential").suits_male) == (2, False)
    assert entry(home).open
    assert entry(home).last_confirmed_at is not None
    assert differences() == []


def test_closing_the_home_or_a_category_closes_their_entries():
    home = CareHomeFactory()
    give_figures(home, nursing={"vacant_accepting": 4}, residential={"vacant_accepting": 2})
    save_vacancies(
        home, None, loaded_version=1,
        categories={"nursing": {**CategoryVacancy.objects.filter(home=home, category="nursing").values(
            "capacity", "occupied", "vacant_accepting", "vacant_unavailable", "unavailable_reason", "sex",
            "reopening_date").get(), "closed": True, "closed_reason": "outbreak"}},
        home_values=OPEN_HOME,
    )  # fmt: skip
    assert not entry(home, "nursing").open
    assert entry(home, "residential").open
    assert entry(home).beds == 2  # the closed category's beds are not offered
    HomeVacancies.objects.filter(home=home).update(closed_to_admissions=True, closed_reason="staffing")
    assert not entry(home).open
    assert not entry(home, "residential").open
    assert differences() == []


def test_no_change_today_refreshes_freshness():
    home = CareHomeFactory()
    give_figures(home)
    before = entry(home).last_confirmed_at
    time.sleep(0.01)
    assert confirm_no_change([home], None) == 1
    assert entry(home).last_confirmed_at > before
    assert entry(home, "nursing").last_confirmed_at == entry(home).last_confirmed_at
    assert differences() == []


def test_one_statement_confirming_some_boards_and_closing_others_leaves_each_right():
    """A board's update sets the entries' freshness alone where nothing else search reads
    changed (vacancies_search_board_changed), and refreshes the rest whole: in one statement,
    both kinds at once, every entry is what the tables say."""
    confirmed, closing, emptied = CareHomeFactory(), CareHomeFactory(), CareHomeFactory()
    for home in (confirmed, closing, emptied):
        give_figures(home, nursing={"vacant_accepting": 3})
    time.sleep(0.01)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE vacancies_homevacancies SET last_confirmed_at = now(), version = version + 1,"
            " closed_to_admissions = (home_id = %s),"
            " closed_reason = CASE WHEN home_id = %s THEN 'outbreak' ELSE '' END,"
            " vacant_accepting_total = CASE WHEN home_id = %s THEN 0 ELSE vacant_accepting_total END"
            " WHERE home_id IN (%s, %s, %s)",
            [closing.pk, closing.pk, emptied.pk, confirmed.pk, closing.pk, emptied.pk],
        )
    assert not entry(closing).open
    assert entry(emptied).beds == 0
    assert entry(confirmed).open
    assert entry(confirmed, "nursing").last_confirmed_at == HomeVacancies.objects.get(home=confirmed).last_confirmed_at
    assert differences() == []


def _refreshes_of_search() -> int:
    """How many times this transaction has refreshed homes' search entries whole."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions"
                       " WHERE funcname = 'vacancies_refresh_search'")  # fmt: skip
        return cursor.fetchone()[0]


def test_an_update_of_the_figures_refreshes_the_homes_entries_once():
    """Its categories' trigger refreshes the entries; its board's sets freshness and the
    whole-home beds (vacancies_search_board_changed), unless the home opened or closed."""
    home = CareHomeFactory()
    give_figures(home, nursing={"vacant_accepting": 3})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
    before = _refreshes_of_search()
    give_figures(home, version=1, nursing={"vacant_accepting": 1})
    assert _refreshes_of_search() == before + 1
    assert (entry(home).beds, entry(home, "nursing").beds) == (1, 1)
    assert differences() == []
    save_vacancies(home, None, loaded_version=2, categories={},
                   home_values={**OPEN_HOME, "closed_to_admissions": True, "closed_reason": "outbreak"})  # fmt: skip
    assert not entry(home).open
    assert not entry(home, "nursing").open
    assert differences() == []


def _indexed_columns(table: str) -> set[str]:
    """Every column that some index of ``table`` holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attribute.attname FROM pg_index AS index"
            " JOIN pg_attribute AS attribute ON attribute.attrelid = index.indrelid"
            " AND attribute.attnum = ANY(index.indkey) WHERE index.indrelid = %s::regclass",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_no_index_holds_what_a_save_or_a_confirm_changes():
    """The figures and their freshness change on every save and confirm; an index on any of
    them makes each of those write every index of its table instead of updating the row in
    place (HOT: vacancies 0018). The board's confirmer has its foreign key's index: it changes
    only when someone else confirms."""
    from vacancies.updates import BOARD_COLUMNS, CATEGORY_COLUMNS

    assert not _indexed_columns("vacancies_homevacancies") & (set(BOARD_COLUMNS) - {"last_confirmed_by_id"})
    assert not _indexed_columns("vacancies_categoryvacancy") & set(CATEGORY_COLUMNS)
    assert {"last_confirmed_at", "vacant_accepting_total", "version"} <= set(BOARD_COLUMNS)  # what is checked
    assert {"occupied", "vacant_accepting"} <= set(CATEGORY_COLUMNS)


def test_editing_a_home_and_archiving_it():
    home = CareHomeFactory()
    give_figures(home)
    CareHome.objects.filter(pk=home.pk).update(name="Renamed House", funding_accepted=["chc"])
    assert {row.name for row in SearchEntry.objects.filter(home=home)} == {"Renamed House"}
    assert entry(home, "nursing").funding_accepted == ["chc"]
    CareHome.objects.filter(pk=home.pk).update(status="archived")
    assert not SearchEntry.objects.filter(home=home).exists()  # archived homes are not found
    CareHome.objects.filter(pk=home.pk).update(status="active")
    assert SearchEntry.objects.filter(home=home).count() == 2
    assert differences() == []


def test_a_category_removed_and_a_home_deleted_take_their_entries():
    home, other = CareHomeFactory(), CareHomeFactory()
    give_figures(home, nursing={}, residential={})
    give_figures(other)
    CategoryVacancy.objects.filter(home=home, category="residential").delete()
    assert not SearchEntry.objects.filter(home=home, category="residential").exists()
    home.delete()  # Django deletes the vacancies, then the home; the database the entries
    assert not SearchEntry.objects.filter(home_id=home.pk).exists()
    assert SearchEntry.objects.filter(home=other).count() == 2
    assert differences() == []


@pytest.mark.parametrize("rating", CqcRating.values)
def test_rating_rank_agrees_with_the_python_order(rating):
    home = CareHomeFactory(cqc_rating=rating)
    assert entry(home).rating_rank == RATING_RANK[rating]


def test_bulk_writes_refresh_every_home_they_touch():
    homes = [CareHomeFactory() for _ in range(5)]
    for home in homes:
        give_figures(home)
    CategoryVacancy.objects.filter(home__in=homes).update(vacant_accepting=1, occupied=17)
    HomeVacancies.objects.filter(home__in=homes).update(vacant_accepting_total=1)
    assert [entry(home, "nursing").beds for home in homes] == [1] * 5
    assert differences() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["details", "beds", "confirm_first", "rename_first"])
def test_two_people_changing_one_home_at_once_both_reach_search(first):
    """One renames the home while the other saves its beds (or confirms them: search's
    freshness set alone): whichever commits second refreshes after the first has committed, so
    search has both."""
    home = CareHomeFactory(name="Old Name")
    give_figures(home, nursing={"vacant_accepting": 3})
    if first in ("confirm_first", "rename_first"):
        _rename_while_confirming(home, confirm_first=first == "confirm_first")
        return
    started, errors = threading.Event(), []

    def rename():
        with transaction.atomic():
            CareHome.objects.filter(pk=home.pk).update(name="New Name")
            started.set() if first == "details" else None
            time.sleep(0.3 if first == "details" else 0)

    def save_beds():
        with transaction.atomic():
            give_figures(home, version=1, nursing={"vacant_accepting": 5})
            started.set() if first == "beds" else None
            time.sleep(0.3 if first == "beds" else 0)

    side_by_side(started, errors, [(rename, first == "beds"), (save_beds, first == "details")])
    assert errors == []
    assert {(row.name, row.beds) for row in SearchEntry.objects.filter(home=home)} == {("New Name", 5)}
    assert differences() == []


def side_by_side(started: threading.Event, errors: list, works) -> None:
    """Each ``(work, waits)`` in a thread of its own; one that waits starts once ``started`` is set."""

    def run(work, waits):
        try:
            if waits:
                started.wait(5)
            work()
        except Exception as error:
            errors.append(error)

    in_threads(run, works)


def _rename_while_confirming(home, *, confirm_first: bool):
    started, errors = threading.Event(), []
    confirmed_at = {}

    def rename():
        with transaction.atomic():
            CareHome.objects.filter(pk=home.pk).update(name="New Name")
            started.set() if not confirm_first else None
            time.sleep(0 if confirm_first else 0.3)

    def confirm():
        with transaction.atomic():
            confirm_no_change([home], None)
            confirmed_at["at"] = HomeVacancies.objects.get(home=home).last_confirmed_at
            started.set() if confirm_first else None
            time.sleep(0.3 if confirm_first else 0)

    side_by_side(started, errors, [(rename, confirm_first), (confirm, not confirm_first)])
    assert errors == []
    assert {(row.name, row.last_confirmed_at) for row in SearchEntry.objects.filter(home=home)} == {
        ("New Name", confirmed_at["at"])
    }
    assert differences() == []


def test_refresh_search_puts_right_what_bypassed_the_triggers():
    home = CareHomeFactory()
    give_figures(home, nursing={"vacant_accepting": 4})
    with connection.cursor() as cursor:  # as a restore without triggers might leave it
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute("UPDATE vacancies_categoryvacancy SET vacant_accepting = 1, occupied = 17")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert len(differences()) == 2  # the wrong entry, and the one it should be
    out = io.StringIO()
    call_command("refresh_search", stdout=out)
    assert "1 were missing or out of date" in out.getvalue()
    assert entry(home, "nursing").beds == 1
    assert differences() == []
