"""The CQC sync and home-care agencies (ADR 019): an agency in the portal gets CQC's facts
from a day's changes like a home (never registered beds), and is archived when CQC
deregisters it; one CQC lists as something else is left as it is, with a note."""

import datetime

import pytest

from homes import cqc_sync
from homes.models import CareHomeChange, CqcLocation
from registers.choices import HomeStatus
from registers.models import CareHome, HomeCareAgency
from tests.cqc_stub import location_document
from tests.factories import AgencyFactory
from tests.test_cqc_sync import first_load, portal, register, stub  # noqa: F401  (the sync's fixtures)

pytestmark = pytest.mark.django_db


def test_a_days_changes_set_an_agencys_facts_and_archive_a_deregistered_one(stub, portal, register, provider):  # noqa: F811
    kirkstall = AgencyFactory(name="Kirkstall Home Care", cqc_location_id="1-101000020", provider=provider,
                              cqc_rating=None, cqc_rating_date=None)  # fmt: skip
    bramley = AgencyFactory(name="Bramley Care at Home", cqc_location_id="1-101000021", provider=provider)
    horsforth = AgencyFactory(name="Horsforth Home Care", cqc_location_id="1-101000022", provider=provider)
    first = first_load(stub)
    soon = first.changes_to + datetime.timedelta(hours=2)
    agency = {"care_home": False, "domiciliary": True}
    register.add(location_document("1-101000020", "Kirkstall Home Care", "LS5 3AB", beds=0, rating="Outstanding",
                                   report_date="2026-10-01", **agency), soon)  # fmt: skip
    register.add(location_document("1-101000021", "Bramley Care at Home", "LS13 2AB", registered=False,
                                   deregistration_date="2026-11-20", **agency), soon)  # fmt: skip
    register.add(location_document("1-101000022", "Horsforth House", "LS18 4AB", care_home=True), soon)

    run = cqc_sync.sync(now=soon + datetime.timedelta(hours=1))
    assert run.status == "done", run.error
    assert run.counts["archived"] == 1
    assert run.counts["agencies left as they are"] == 1

    kirkstall.refresh_from_db()
    assert (kirkstall.cqc_rating, kirkstall.cqc_rating_date) == ("outstanding", datetime.date(2026, 10, 1))
    assert (kirkstall.kind, kirkstall.service_type, kirkstall.registered_beds) == (
        "home_care_agency",
        "domiciliary",
        None,
    )
    assert CareHomeChange.objects.filter(home=kirkstall, field="cqc_rating", source="cqc").exists()
    bramley.refresh_from_db()
    assert bramley.status == HomeStatus.ARCHIVED
    assert "Deregistered by CQC on 20 November 2026" in bramley.archived_reason
    horsforth.refresh_from_db()
    assert (horsforth.name, horsforth.kind) == ("Horsforth Home Care", "home_care_agency")
    assert HomeCareAgency.objects.count() == 3


def test_the_first_load_lists_agencies_too(stub, portal, register, provider):  # noqa: F811
    ours = AgencyFactory(name="Kirkstall Home Care", cqc_location_id="1-101000030", provider=provider,
                         cqc_rating=None, cqc_rating_date=None)  # fmt: skip
    agency = {"care_home": False, "domiciliary": True, "beds": None}
    register.add(location_document("1-101000030", "Kirkstall Home Care", "LS5 3AB", **agency))
    register.add(location_document("1-101000031", "Not Ours Home Care", "LS6 2AB", **agency))
    run = first_load(stub)
    assert {"1-101000030", "1-101000031"} <= set(run.to_read)
    assert "1-101000009" not in run.to_read  # the dental practice: neither list has it
    assert run.counts["home-care agencies not in the portal"] == 1
    assert any("gacServiceTypeDescription=Domiciliary+care+service" in path for _, path in stub.requests)
    ours.refresh_from_db()
    assert (ours.cqc_rating, ours.registered_beds) == ("good", None)
    assert not CareHome.objects.filter(cqc_location_id="1-101000031").exists()
    # Both kept as the register's agencies (tests/test_homecare_onboarding.py): ours, for when its
    # facts were checked; the other, for its council to onboard.
    assert set(CqcLocation.objects.filter(kind="home_care_agency").values_list("location_id", flat=True)) == {
        "1-101000030", "1-101000031"}  # fmt: skip
