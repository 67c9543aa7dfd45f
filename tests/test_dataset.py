"""The synthetic dataset and the demo: deterministic, idempotent, and they never touch a real home."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Membership, Team, User
from enquiries.models import Enquiry, Referral
from homes.models import CareHomeChange
from registers.models import CareHome, Provider
from tests.factories import CareHomeFactory, ProviderFactory, UserFactory
from tests.vacancy_helpers import give_figures
from vacancies.models import (
    BedHold,
    CapacitySnapshot,
    CategoryVacancy,
    FreshnessSnapshot,
    HomeVacancies,
    SearchEntry,
    VacancyChange,
    VacancyUpdate,
)

pytestmark = pytest.mark.django_db
LEEDS, BRADFORD = "E08000035", "E08000032"


def build(**options) -> str:
    out = io.StringIO()
    call_command("build_dataset", stdout=out, **options)
    return out.getvalue()


def fingerprint():
    return list(CareHome.objects.filter(is_synthetic=True).order_by("cqc_location_id")
                .values_list("cqc_location_id", "postcode", "provider__name", "cqc_rating"))  # fmt: skip


@pytest.mark.slow
def test_region_dataset_is_deterministic_idempotent_and_consistent():
    build(scale="region", seed=7)
    first = fingerprint()
    assert first  # homes at the test postcodes of Yorkshire's councils
    assert all(cqc_id.startswith("1-99") and len(cqc_id) == 14 for cqc_id, *_ in first)
    assert "already built" in build(scale="region", seed=7)
    assert fingerprint() == first
    build(scale="region", seed=7, force=True)
    assert fingerprint() == first
    # The current position matches the end of each home's history.
    for row in CategoryVacancy.objects.filter(home__is_synthetic=True)[:20]:
        last = (
            VacancyChange.objects.filter(update__home=row.home, category=row.category, field="vacant_accepting")
            .order_by("-update__made_at", "-id")
            .first()
        )
        assert int(last.new_value) == row.vacant_accepting
        assert row.occupied + row.vacant_accepting + row.vacant_unavailable <= row.capacity
    assert HomeVacancies.objects.exists()
    assert CapacitySnapshot.objects.filter(is_synthetic=True).exists()
    # Each home's town is its council's name, and search has an entry for every home.
    home = CareHome.objects.filter(is_synthetic=True).select_related("local_authority").first()
    assert home.town == home.local_authority.name.split(",")[0]
    assert SearchEntry.objects.filter(category="").count() == CareHome.objects.active().count()
    synthetic_users = User.objects.filter(is_synthetic=True)
    assert synthetic_users.count() == Membership.objects.filter(user__is_synthetic=True).count()
    assert not Provider.objects.filter(is_synthetic=True, cqc_provider_id__isnull=False).exists()
    # Discharge teams, with the coordinators in them, and a year of enquiries (some still open).
    assert Team.objects.filter(is_synthetic=True).exists()
    assert not Membership.objects.filter(role="coordinator", user__is_synthetic=True, team__isnull=True).exists()
    assert Enquiry.objects.filter(is_synthetic=True, state="open").exists()
    assert Enquiry.objects.filter(is_synthetic=True, state="placed").exists()
    placed = Referral.objects.filter(status="completed", enquiry__is_synthetic=True)
    assert placed.count() == Enquiry.objects.filter(is_synthetic=True, state="placed").count()
    assert not placed.filter(hold__outcome__in=["held", "released", "expired"]).exists()
    # Beds held for open enquiries are what search leaves out.
    held = BedHold.objects.filter(outcome="held", held_until__gt=timezone.now(), home__is_synthetic=True)
    in_search = sum(
        sum(1 for until in holds if until > timezone.now())
        for holds in SearchEntry.objects.exclude(category="").values_list("holds", flat=True)
    )
    assert in_search == held.count()
    # Beds look like England's published shape: about 86% occupied, 11% vacant and accepting, 3% not.
    totals = CategoryVacancy.objects.filter(home__is_synthetic=True).aggregate(
        capacity=Sum("capacity"), occupied=Sum("occupied"), accepting=Sum("vacant_accepting"),
        unavailable=Sum("vacant_unavailable"),
    )  # fmt: skip
    shares = {key: totals[key] / totals["capacity"] for key in ("occupied", "accepting", "unavailable")}
    assert 0.83 <= shares["occupied"] <= 0.89, shares
    assert 0.08 <= shares["accepting"] <= 0.14, shares
    assert 0.015 <= shares["unavailable"] <= 0.05, shares
    # A year of monthly returns with people's habits: most homes answer, some missed months.
    from returns import compliance
    from returns.models import MonthlyReturn

    synthetic = CareHome.objects.filter(is_synthetic=True)
    assert MonthlyReturn.objects.filter(home__in=synthetic).count() > synthetic.count() * 9
    statuses = {standing.status for standing in compliance.standings(synthetic)}
    assert statuses == {"ok", "at_risk", "over"}
    for saved in MonthlyReturn.objects.filter(home__in=synthetic)[:200]:
        answers = saved.answers
        direct = answers["direct_nurses"] + answers["direct_care_staff"] + answers["direct_other_staff"]
        assert answers.get("flu_vaccinated", 0) <= direct
    # Home-care agencies answer it too, with the same habits, each return a whole one for its kind.
    from returns import definition

    agencies = CareHome.locations.agencies().filter(is_synthetic=True)
    assert MonthlyReturn.objects.filter(home__in=agencies).count() > agencies.count() * 9
    assert {standing.status for standing in compliance.standings(agencies)} == {"ok", "at_risk", "over"}
    for saved in MonthlyReturn.objects.filter(home__in=agencies)[:300]:
        assert saved.beds == {}
        assert definition.problems(saved.answers, saved.month, kind=definition.HOME_CARE) == {}, saved.answers
    build(scale="region", seed=8)
    assert fingerprint() != first


def real_home_with_history():
    """A home as a council's CQC file brings it: a CQC ID that starts 1-5, like some real ones do."""
    provider = ProviderFactory(name="Real Provider Ltd", cqc_provider_id="1-500000000")
    home = CareHomeFactory(name="Real Home", provider=provider, cqc_location_id="1-5000000001")
    person = UserFactory(email="real.manager@example.org")
    give_figures(home, person, nursing={"vacant_accepting": 2})
    CareHomeChange.objects.create(home=home, changed_by=person, version=1, field="imported", new_value=home.name)
    day = timezone.localdate() - datetime.timedelta(days=1)
    CapacitySnapshot.objects.create(date=day, local_authority=home.local_authority, category="nursing", homes=1,
                                    capacity=20, occupied=15, vacant_accepting=2, vacant_unavailable=2)  # fmt: skip
    FreshnessSnapshot.objects.create(date=day, local_authority=home.local_authority, homes=1, updated=1)
    return home


def everything_about(home) -> dict:
    return {
        "home": CareHome.objects.filter(pk=home.pk).values().get(),
        "provider": Provider.objects.filter(pk=home.provider_id).values().get(),
        "figures": list(CategoryVacancy.objects.filter(home=home).values()),
        "board": list(HomeVacancies.objects.filter(home=home).values()),
        "updates": list(VacancyUpdate.objects.filter(home=home).values()),
        "changes": list(VacancyChange.objects.filter(update__home=home).values()),
        "history": list(CareHomeChange.objects.filter(home=home).values()),
        "snapshots": list(CapacitySnapshot.objects.filter(is_synthetic=False).values()),
        "freshness": list(FreshnessSnapshot.objects.filter(is_synthetic=False).values()),
        "people": list(User.objects.filter(is_synthetic=False).values("pk", "email", "password")),
    }


@pytest.mark.slow
def test_the_builders_add_nothing_beside_real_homes_unless_told_and_never_touch_them():
    home = real_home_with_history()
    before = everything_about(home)

    said = build(councils=LEEDS, seed=3)
    assert "This database holds 1 real care home, so the synthetic dataset is not built (--alongside-real-homes" in said
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "no demo homes or sign-ins are added" in out.getvalue()
    assert not CareHome.objects.filter(is_synthetic=True).exists()
    assert not User.objects.filter(is_synthetic=True).exists()

    build(councils=f"{LEEDS},{BRADFORD}", seed=3, alongside_real_homes=True)
    build(councils=LEEDS, seed=4, alongside_real_homes=True)  # a rebuild deletes only what the first made
    call_command("seed_demo", alongside_real_homes=True, stdout=io.StringIO())
    assert CareHome.objects.filter(is_synthetic=True).count() > 6
    assert everything_about(home) == before  # the real home, its history, its snapshots: untouched
    # The dataset's own snapshots did not replace the real one for the same day and council.
    real_day = before["snapshots"][0]
    kept = CapacitySnapshot.objects.get(date=real_day["date"], local_authority_id=real_day["local_authority_id"],
                                        category="nursing")  # fmt: skip
    assert not kept.is_synthetic

    build(remove=True)
    assert not CareHome.objects.filter(is_synthetic=True, email__endswith="@dataset.example").exists()
    assert everything_about(home) == before


def test_a_real_file_cannot_change_a_demo_home(client, council_admin):
    from tests.test_homes_import import API_HEADER, api_row, checked_job, to_csv

    call_command("seed_demo", stdout=io.StringIO())
    demo = CareHome.objects.filter(is_synthetic=True, local_authority__gss_code=LEEDS).first()
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row(demo.cqc_location_id, "Someone Else's Name")]))
    assert [p["reason"] for p in job.problems] == [
        "This CQC location ID is a demo home's: remove the demo data before importing it"
    ]
