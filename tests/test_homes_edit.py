"""Staff keep their home's details; nothing is overwritten silently."""

import pytest

from homes.forms import DETAIL_FIELDS, EditCareHomeForm
from homes.models import CareHomeChange
from registers.models import CareHome

pytestmark = pytest.mark.django_db


def form_data(home, **changes):
    data = {}
    for name in DETAIL_FIELDS:
        value = getattr(home, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["version"] = home.version
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "council_admin", "service_admin"])
def test_people_responsible_for_the_home_can_edit_it(client, request, home, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(f"/homes/{home.pk}/edit/", form_data(home, phone="0113 496 0999"), follow=True)
    assert "details have been saved" in response.text
    home.refresh_from_db()
    assert home.phone == "0113 496 0999"
    assert home.version == 2


@pytest.mark.parametrize("role", ["other_home_staff", "other_council_admin", "coordinator", "user_without_role"])
def test_outsiders_get_404_and_change_nothing(client, request, home, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{home.pk}/edit/").status_code == 404
    assert client.post(f"/homes/{home.pk}/edit/", form_data(home, name="Hijacked")).status_code == 404
    home.refresh_from_db()
    assert home.name == "Headingley Park"


def test_coordinator_reads_but_cannot_edit(client, coordinator, home):
    client.force_login(coordinator)
    response = client.get(f"/homes/{home.pk}/")
    assert response.status_code == 200
    assert "Edit details" not in response.text
    assert f'href="tel:{home.phone.replace(" ", "")}"' in response.text


def test_cqc_id_and_council_cannot_be_changed_by_editing(client, home_staff, home):
    client.force_login(home_staff)
    data = form_data(home, cqc_location_id="1-999", local_authority="1")
    client.post(f"/homes/{home.pk}/edit/", data)
    home.refresh_from_db()
    assert home.cqc_location_id.startswith("1-7")


def test_moving_to_another_council_is_refused(client, home_staff, home):
    client.force_login(home_staff)
    response = client.post(f"/homes/{home.pk}/edit/", form_data(home, postcode="BD9 5AB"))
    assert "This postcode is outside Leeds" in response.text
    home.refresh_from_db()
    assert home.postcode == "LS6 2AD"


def test_every_change_is_kept_in_the_history(client, home_staff, council_admin, home):
    client.force_login(home_staff)
    client.post(
        f"/homes/{home.pk}/edit/",
        form_data(home, name="Headingley Park House", funding_accepted=["chc", "self_funded"]),
    )
    changes = {c.field: c for c in CareHomeChange.objects.filter(home=home)}
    assert changes["name"].old_value == "Headingley Park"
    assert changes["name"].new_value == "Headingley Park House"
    assert changes["funding_accepted"].new_value == "NHS Continuing Healthcare, Self-funded"
    assert changes["name"].changed_by == home_staff
    client.force_login(council_admin)
    response = client.get(f"/homes/{home.pk}/history/")
    assert "Headingley Park House" in response.text
    assert "Funding accepted" in response.text


def test_saving_without_changes_records_nothing(client, home_staff, home):
    client.force_login(home_staff)
    client.post(f"/homes/{home.pk}/edit/", form_data(home))
    assert not CareHomeChange.objects.exists()
    home.refresh_from_db()
    assert home.version == 1


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator", "other_council_admin"])
def test_history_is_for_councils_and_service_admins(client, request, home, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{home.pk}/history/").status_code == 404


def test_second_of_two_concurrent_edits_is_refused_and_shows_the_other_change(client, home_staff, provider_admin, home):
    loaded_by_both = form_data(home)
    client.force_login(provider_admin)
    client.post(f"/homes/{home.pk}/edit/", {**loaded_by_both, "phone": "0113 496 0777"})
    client.force_login(home_staff)
    response = client.post(f"/homes/{home.pk}/edit/", {**loaded_by_both, "description": "Lovely garden."})
    assert response.status_code == 409
    assert "Someone else saved changes while you were editing" in response.text
    assert "changed <strong>Phone</strong>" in response.text
    assert "0113 496 0777" in response.text
    assert "Lovely garden." in response.text  # what they typed is still there
    home.refresh_from_db()
    assert home.phone == "0113 496 0777"
    assert home.description == ""
    # Saving again from the refreshed form works, and keeps the other change.
    again = {**loaded_by_both, "description": "Lovely garden.", "phone": "0113 496 0777", "version": home.version}
    client.post(f"/homes/{home.pk}/edit/", again)
    home.refresh_from_db()
    assert (home.description, home.phone, home.version) == ("Lovely garden.", "0113 496 0777", 3)


def test_conflict_check_holds_under_the_form_too(home, home_staff):
    stale = form_data(home)
    CareHome.objects.filter(pk=home.pk).update(version=5)
    form = EditCareHomeForm(stale, instance=home, user=home_staff)
    assert form.is_valid(), form.errors
    assert form.save_versioned() is False
