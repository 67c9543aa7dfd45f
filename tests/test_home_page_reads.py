"""What a home's page reads beside the home, in one statement (vacancies/panel.py): each part
holds to what the page promises, against rows that must not show."""

import datetime

import pytest
from django.utils import timezone

from homes.models import CqcLocation
from tests.factories import UserFactory
from tests.vacancy_helpers import give_figures, hold_bed
from vacancies import panel
from vacancies.models import BedHold, FigureReport, HomeVacancies, ShortlistEntry
from vacancies.updates import confirm_no_change

pytestmark = pytest.mark.django_db


def _board(home):
    return HomeVacancies.objects.select_related("last_confirmed_by").get(home=home)


def test_each_category_shows_only_its_beds_held_now_soonest_first(home, other_home, home_staff):
    give_figures(home, home_staff, nursing={"vacant_accepting": 3}, residential={"vacant_accepting": 1})
    give_figures(other_home, nursing={"vacant_accepting": 2})
    later, sooner = hold_bed(home, 30, "nursing"), hold_bed(home, 2, "nursing")
    hold_bed(home, -1, "nursing")  # lapsed
    hold_bed(home, 5, "nursing", outcome=BedHold.Outcome.RELEASED)
    hold_bed(other_home, 4, "nursing")
    hold_bed(home, 8, "residential")
    vacancy = panel.read(home, _board(home)).vacancy
    residential, nursing = vacancy["categories"]  # in the care categories' order
    assert (residential.category, nursing.category) == ("residential", "nursing")
    assert nursing.held_until == [sooner.held_until, later.held_until]
    assert nursing.unheld == 1
    assert len(residential.held_until) == 1
    assert residential.unheld == 0
    assert nursing.get_category_display() == "Nursing"
    assert nursing.home_id == home.pk


def test_only_reports_since_the_home_last_confirmed_show_newest_first(home, home_staff, coordinator):
    give_figures(home, home_staff)
    FigureReport.objects.create(
        home=home, problem="no_vacancy", reported_at=timezone.now() - datetime.timedelta(days=2)
    )
    confirm_no_change([home], home_staff)
    HomeVacancies.objects.filter(home=home).update(last_confirmed_at=timezone.now() - datetime.timedelta(hours=1))
    for minutes in range(7):
        FigureReport.objects.create(home=home, problem="full", note=f"call {minutes}",
                                    reported_at=timezone.now() - datetime.timedelta(minutes=minutes))  # fmt: skip
    vacancy = panel.read(home, _board(home)).vacancy
    assert [report.note for report in vacancy["reports"]] == [f"call {n}" for n in range(5)]
    assert vacancy["reported_wrong"] == "Reported wrong today"
    confirm_no_change([home], home_staff)
    assert panel.read(home, _board(home)).vacancy["reports"] == []


def test_a_home_without_figures_has_no_categories_trend_or_board(home):
    reads = panel.read(home, None)
    assert reads.vacancy["categories"] == []
    assert reads.vacancy["trend"] is None
    assert reads.vacancy["freshness"].level == "never"
    assert reads.cqc_checked is None
    assert reads.shortlisted is False


def test_the_shortlist_is_the_persons_own(home, coordinator):
    someone_else = UserFactory()
    ShortlistEntry.objects.create(user=someone_else, home=home)
    assert panel.read(home, None, shortlister=coordinator).shortlisted is False
    assert panel.read(home, None, shortlister=someone_else).shortlisted is True
    assert panel.read(home, None).shortlisted is False


def _checked(home, when):
    return CqcLocation.objects.create(location_id=home.cqc_location_id, name=home.name, registered=True,
                                      first_seen_at=when, checked_at=when)  # fmt: skip


def test_cqc_checked_is_when_this_location_was_last_checked(home, other_home):
    checked = timezone.now() - datetime.timedelta(days=1)
    _checked(other_home, timezone.now())
    assert panel.read(home, None).cqc_checked is None
    _checked(home, checked)
    assert panel.read(home, None).cqc_checked == checked


RELATED = ("provider", "local_authority__region", "vacancies__last_confirmed_by")


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("board", ["confirmed by a person", "never confirmed", "none"])
def test_the_page_reads_its_home_and_rows_by_hand_as_select_related_does(
    board, home, home_staff, coordinator, django_assert_num_queries
):
    """homes/access.py reads a page's home with its related rows in one hand-written statement
    (tracker.sql.one_related): the same rows as the ORM's select_related, each set where the ORM
    sets it (no query to reach them), a missing one None."""
    from accounts.permissions import VIEW_HOME
    from accounts.roles import roles_for
    from homes.access import one_of
    from registers.models import CareHome

    if board == "confirmed by a person":
        give_figures(home, home_staff)
        confirm_no_change([home], home_staff)
    elif board == "never confirmed":
        HomeVacancies.objects.create(home=home)
    roles_for(coordinator)  # their roles: read once a request, before the home
    with django_assert_num_queries(1):
        by_hand = one_of(CareHome.objects, coordinator, home.pk, VIEW_HOME, RELATED)
    orm = CareHome.objects.select_related(*RELATED).get(pk=home.pk)
    with django_assert_num_queries(0):
        assert _fields(by_hand) == _fields(orm)
        assert _fields(by_hand.provider) == _fields(orm.provider)
        assert _fields(by_hand.local_authority) == _fields(orm.local_authority)
        assert _fields(by_hand.local_authority.region) == _fields(orm.local_authority.region)
        if board == "none":
            assert not hasattr(by_hand, "vacancies")  # RelatedObjectDoesNotExist, as the ORM's
            assert not hasattr(orm, "vacancies")
            return
        assert _fields(by_hand.vacancies) == _fields(orm.vacancies)
        assert by_hand.vacancies.home is by_hand
        if board == "never confirmed":
            assert by_hand.vacancies.last_confirmed_by is None
        else:
            assert _fields(by_hand.vacancies.last_confirmed_by) == _fields(orm.vacancies.last_confirmed_by)


def test_a_home_read_by_hand_is_still_only_for_those_its_rule_lets_reach_it(client, home, other_home_staff):
    """Another home's staff, and a care home's page asked for an agency: 404, as before."""
    client.force_login(other_home_staff)
    assert client.get(f"/homes/{home.pk}/").status_code == 404
    from accounts.models import Role
    from tests.factories import AgencyFactory, MembershipFactory

    admin = MembershipFactory(role=Role.COORDINATOR, user__email="c2@example.org").user
    client.force_login(admin)
    assert client.get(f"/homes/{home.pk}/").status_code == 200
    agency = AgencyFactory(provider=home.provider)
    assert client.get(f"/homes/{agency.pk}/").status_code == 404
