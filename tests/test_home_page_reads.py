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
