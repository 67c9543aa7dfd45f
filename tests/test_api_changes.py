"""The API's changes feed (issue 14): everything changed since a cursor, never a change
skipped, in the key's scope. Real transactions (a feed row is served once every older
transaction has finished), so these tests commit."""

import datetime

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from api import keys
from api.changes import prune
from api.models import ApiKey, HomeChange
from registers.choices import HomeStatus
from tests.factories import CareHomeFactory, local_authority
from tests.vacancy_helpers import give_figures
from tracker.sql import table
from vacancies.models import CategoryVacancy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def council_key(council_admin, leeds):
    return keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)[1]


def feed(client, key, cursor=None):
    response = client.get("/api/v1/changes", {"cursor": cursor} if cursor else {}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_feed_starts_now_and_brings_each_changed_home_once(client, council_key, home, other_home):
    start = feed(client, council_key)
    assert start["changes"] == []
    give_figures(home, nursing={"vacant_accepting": 2})
    give_figures(other_home)  # Bradford's: outside a Leeds key's scope
    page = feed(client, council_key, start["next"])
    assert [change["id"] for change in page["changes"]] == [home.pk]
    assert page["changes"][0]["home"]["vacancies"][0]["vacant_accepting"] == 2
    assert page["more"] is False
    assert feed(client, council_key, page["next"])["changes"] == []


def test_archived_homes_are_removed_and_new_homes_arrive(client, council_key, home):
    cursor = feed(client, council_key)["next"]
    new = CareHomeFactory(local_authority=home.local_authority)
    home.status, home.archived_reason = HomeStatus.ARCHIVED, "Closed"
    home.save()
    changes = {change["id"]: change for change in feed(client, council_key, cursor)["changes"]}
    assert changes[home.pk]["removed"] is True
    assert changes[home.pk]["home"] is None
    assert changes[new.pk]["home"]["name"] == new.name


def test_a_deleted_home_is_removed_in_its_own_scope_only(client, council_key, leeds, bradford, other_council_admin):
    bradford_key = keys.make(name="Bradford", kind=ApiKey.Kind.COUNCIL, user=other_council_admin,
                             local_authority=bradford)[1]  # fmt: skip
    doomed = CareHomeFactory(local_authority=leeds)
    give_figures(doomed)
    cursors = {key: feed(client, key)["next"] for key in (council_key, bradford_key)}
    doomed_id = doomed.pk
    doomed.delete()
    assert feed(client, council_key, cursors[council_key])["changes"] == [
        {"id": doomed_id, "removed": True, "home": None}
    ]
    assert feed(client, bradford_key, cursors[bradford_key])["changes"] == []


def test_a_home_that_moves_council_leaves_the_old_feed_and_joins_the_new(client, council_key, home, leeds, bradford,
                                                                         other_council_admin):  # fmt: skip
    bradford_key = keys.make(name="Bradford", kind=ApiKey.Kind.COUNCIL, user=other_council_admin,
                             local_authority=bradford)[1]  # fmt: skip
    give_figures(home)  # a change in Leeds, read by Leeds's partner before the move
    cursors = {key: feed(client, key)["next"] for key in (council_key, bradford_key)}
    home.local_authority = bradford
    home.save()
    rows = HomeChange.objects.filter(home_id=home.pk).order_by("txid")
    assert (rows.last().local_authority_id, rows.last().left_local_authority_id) == (bradford.pk, leeds.pk)
    assert {row.provider_id for row in rows} == {home.provider_id}
    assert {row.left_provider_id for row in rows} == {None}
    assert feed(client, council_key, cursors[council_key])["changes"] == [
        {"id": home.pk, "removed": True, "home": None}
    ]
    [joined] = feed(client, bradford_key, cursors[bradford_key])["changes"]
    assert joined["home"]["local_authority"] == bradford.gss_code


@pytest.mark.parametrize("moves", [["bradford", "wakefield"], ["bradford", "leeds"]])
def test_moves_within_one_transaction_are_kept_from_where_the_home_began(home, leeds, bradford, moves):
    """A to B to C: A's feed is told. A to B and back: nobody is told the home left."""
    places = {"leeds": leeds, "bradford": bradford, "wakefield": local_authority("E08000036")}
    give_figures(home)
    with transaction.atomic():
        give_figures(home, version=1)  # a change of figures first, then the moves
        for place in moves:
            home.local_authority = places[place]
            home.save()
    last = HomeChange.objects.filter(home_id=home.pk).order_by("txid").last()
    ended = places[moves[-1]]
    assert (last.local_authority_id, last.left_local_authority_id) == (ended.pk, None if ended == leeds else leeds.pk)


def test_a_slow_transaction_that_commits_late_is_not_skipped(client, council_key, home):
    give_figures(home)
    other = CareHomeFactory(local_authority=home.local_authority)
    cursor = feed(client, council_key)["next"]
    slow = psycopg.connect(**connection.get_connection_params())
    try:
        with slow.cursor() as cursor_:
            sql = f"UPDATE {table(CategoryVacancy)} SET vacant_accepting = 0"  # noqa: S608 - the model's table
            cursor_.execute(sql + ", occupied = capacity - vacant_unavailable WHERE home_id = %s", [home.pk])
        give_figures(other)  # a later transaction, committed first
        early = feed(client, council_key, cursor)
        assert early["changes"] == []  # held back until the slow one finishes
        slow.commit()
    finally:
        slow.close()
    late = feed(client, council_key, early["next"])
    assert {change["id"] for change in late["changes"]} == {home.pk, other.pk}


def test_paging_through_a_full_feed(client, council_key, leeds):
    cursor = feed(client, council_key)["next"]
    homes = [CareHomeFactory(local_authority=leeds) for _ in range(5)]
    seen, more = [], True
    while more:
        response = client.get("/api/v1/changes", {"cursor": cursor, "limit": 2},
                              HTTP_AUTHORIZATION=f"Bearer {council_key}").json()  # fmt: skip
        seen += [change["id"] for change in response["changes"]]
        cursor, more = response["next"], response["more"]
    assert sorted(set(seen)) == sorted(home.pk for home in homes)


def test_a_cursor_from_before_pruning_gets_410_and_a_bad_cursor_400(client, council_key, home):
    cursor = feed(client, council_key)["next"]
    give_figures(home)
    assert prune(datetime.timedelta(0), now=timezone.now() + datetime.timedelta(seconds=1)) >= 1
    gone = client.get("/api/v1/changes", {"cursor": cursor}, HTTP_AUTHORIZATION=f"Bearer {council_key}")
    assert gone.status_code == 410
    assert gone["Content-Type"] == "application/problem+json"
    assert feed(client, council_key)["changes"] == []  # starting again works
    bad = client.get("/api/v1/changes", {"cursor": "aWQ6Mw"}, HTTP_AUTHORIZATION=f"Bearer {council_key}")
    assert bad.status_code == 400
    assert "cursor" in bad.json()["detail"]


def test_the_feed_costs_a_bounded_number_of_queries(client, council_key, leeds, django_assert_max_num_queries):
    cursor = feed(client, council_key)["next"]
    for _ in range(4):
        give_figures(CareHomeFactory(local_authority=leeds))
    # The key, its count and audit event, the changes, their homes.
    with django_assert_max_num_queries(4):
        assert len(feed(client, council_key, cursor)["changes"]) == 4
