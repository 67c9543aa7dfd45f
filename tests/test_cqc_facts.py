"""CQC's facts come from CQC (issue 24, point 4).

A home's staff and its provider cannot set the rating, the five key questions, the last
inspection or the registered beds: no form they reach has them, and posting them anyway
changes nothing. A council or service admin corrects an import's mistake with a reason,
kept in the history and the audit trail. A fact no source gave is "not known", never
"Not yet rated", wherever a home is shown.
"""

import datetime

import pytest

from accounts.models import AuditEvent
from api import keys
from api.models import ApiKey
from homes.audit_actions import HomeAction
from homes.models import CareHomeChange
from registers.models import CQC_FACTS, CareHome
from tests.factories import CareHomeFactory
from tests.test_homes_edit import form_data
from tests.vacancy_helpers import give_figures

pytestmark = pytest.mark.django_db

# What an attacker would post: every CQC fact, set to flatter the home.
FLATTERING = {
    "cqc_rating": "outstanding",
    "cqc_rating_date": "2025-01-10",
    "rating_safe": "outstanding",
    "rating_effective": "outstanding",
    "rating_caring": "outstanding",
    "rating_responsive": "outstanding",
    "rating_well_led": "outstanding",
    "last_inspection_date": "2025-01-03",
    "registered_beds": "200",
}


def facts(home) -> dict:
    home.refresh_from_db()
    return {name: getattr(home, name) for name in CQC_FACTS}


@pytest.fixture
def rated(home):
    """Home A as an import left it: Requires improvement overall, two key questions, 30 beds."""
    CareHome.objects.filter(pk=home.pk).update(
        cqc_rating="requires_improvement", cqc_rating_date=datetime.date(2024, 3, 1), rating_safe="inadequate",
        rating_caring="good", last_inspection_date=datetime.date(2024, 1, 20), registered_beds=30,
    )  # fmt: skip
    home.refresh_from_db()
    return home


# --- the attack: the home's own people post CQC's facts -------------------------------------


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "council_admin"])
def test_posting_cqcs_facts_to_the_edit_form_changes_none_of_them(client, request, rated, role):
    before = facts(rated)
    client.force_login(request.getfixturevalue(role))
    response = client.post(f"/homes/{rated.pk}/edit/", {**form_data(rated, phone="0113 496 0999"), **FLATTERING})
    assert response.status_code == 302  # the rest of the form saved
    assert facts(rated) == before
    assert rated.phone == "0113 496 0999"
    assert not CareHomeChange.objects.filter(field__in=CQC_FACTS).exists()


@pytest.mark.parametrize("role", ["home_staff", "provider_admin"])
def test_posting_cqcs_facts_to_the_public_page_editor_changes_none_of_them(client, request, rated, role):
    before = facts(rated)
    client.force_login(request.getfixturevalue(role))
    data = {"version": rated.version, "public_description": "Lovely.", "shows_availability": "True", **FLATTERING}
    for action in ("preview", "save"):
        response = client.post(f"/homes/{rated.pk}/public-page/", {**data, "action": action})
        assert response.status_code in {200, 302}
    assert facts(rated) == before
    preview = client.post(f"/homes/{rated.pk}/public-page/", {**data, "version": rated.version, "action": "preview"})
    assert "Outstanding" not in preview.text  # not even the preview believes them


@pytest.mark.parametrize("role", ["home_staff", "provider_admin"])
def test_the_homes_own_people_cannot_open_the_correction_either(client, request, rated, role):
    before = facts(rated)
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{rated.pk}/cqc-facts/").status_code == 404
    response = client.post(f"/homes/{rated.pk}/cqc-facts/", {**FLATTERING, "reason": "We are great", "version": 1})
    assert response.status_code == 404
    assert facts(rated) == before


@pytest.mark.parametrize("path", ["/homes/{pk}/edit/", "/homes/{pk}/public-page/"])
def test_no_form_the_home_keeps_offers_cqcs_facts(client, home_staff, rated, path):
    client.force_login(home_staff)
    page = client.get(path.format(pk=rated.pk)).text
    for name in CQC_FACTS:
        assert f'name="{name}"' not in page


# --- a council or service admin corrects an import's mistake ---------------------------------


def correction(home, **changes) -> dict:
    data = dict.fromkeys(CQC_FACTS, "")
    for name in CQC_FACTS:
        value = getattr(home, name)
        if value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return {**data, "version": home.version, "reason": "Our file had last year's rating", **changes}


def test_a_council_admin_corrects_a_rating_with_a_reason(client, council_admin, rated):
    client.force_login(council_admin)
    page = client.get(f"/homes/{rated.pk}/")
    assert f'href="/homes/{rated.pk}/cqc-facts/"' in page.text
    response = client.post(
        f"/homes/{rated.pk}/cqc-facts/",
        correction(rated, cqc_rating="good", cqc_rating_date="2025-05-02", reason="CQC's page says Good from May"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/homes/{rated.pk}/"
    assert "CQC facts have been corrected" in response.text
    rated.refresh_from_db()
    assert (rated.cqc_rating, rated.cqc_rating_date, rated.version) == ("good", datetime.date(2025, 5, 2), 2)
    rating = CareHomeChange.objects.get(home=rated, field="cqc_rating")
    assert (rating.source, rating.organisation, rating.changed_by) == ("correction", "Leeds", council_admin)
    assert rating.summary == (
        "Corrected by Leeds: rating Requires improvement → Good. Reason: CQC's page says Good from May"
    )
    event = AuditEvent.objects.get(action=HomeAction.CQC_FACTS_CORRECTED)
    assert event.user == council_admin
    assert rating.summary in event.detail
    assert "Corrected by Leeds: date of the rating 2024-03-01 → 2025-05-02" in event.detail
    history = client.get(f"/homes/{rated.pk}/history/").text
    assert "Corrected by Leeds: rating Requires improvement → Good. Reason: CQC&#39;s page says Good from May" in (
        history
    )
    public = client.get(f"/care-homes/{rated.cqc_location_id}/").text
    assert "Good (May 2025)" in public


def test_a_service_admin_corrects_for_the_national_service(client, service_admin, rated):
    client.force_login(service_admin)
    client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, registered_beds="32", reason="CQC says 32"))
    change = CareHomeChange.objects.get(home=rated, field="registered_beds")
    assert change.summary == "Corrected by the national service: registered beds 30 → 32. Reason: CQC says 32"


def test_a_correction_may_say_not_known(client, council_admin, rated):
    client.force_login(council_admin)
    client.post(
        f"/homes/{rated.pk}/cqc-facts/",
        correction(rated, cqc_rating="", cqc_rating_date="2024-03-01", registered_beds="", reason="Wrong home's row"),
    )
    rated.refresh_from_db()
    assert (rated.cqc_rating, rated.cqc_rating_date, rated.registered_beds) == (None, None, None)
    change = CareHomeChange.objects.get(home=rated, field="cqc_rating")
    assert change.summary == "Corrected by Leeds: rating Requires improvement → Not known. Reason: Wrong home's row"


@pytest.mark.parametrize("role", ["other_council_admin", "coordinator", "user_without_role", "other_home_staff"])
def test_outsiders_get_404_and_change_nothing(client, request, rated, role):
    before = facts(rated)
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{rated.pk}/cqc-facts/").status_code == 404
    assert client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, cqc_rating="good")).status_code == 404
    assert facts(rated) == before


def test_anonymous_people_are_sent_to_sign_in(client, rated):
    response = client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, cqc_rating="good"))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
    assert facts(rated)["cqc_rating"] == "requires_improvement"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": ""}, "reason", "Say why you are correcting CQC&#39;s facts"),
        ({"reason": "   "}, "reason", "Say why you are correcting CQC&#39;s facts"),
        ({"cqc_rating": "good", "cqc_rating_date": ""}, "cqc_rating_date", "Enter the date of the rating"),
        ({"cqc_rating_date": "2999-01-01"}, "cqc_rating_date", "must be today or in the past"),
        ({"cqc_rating_date": "2009-01-01"}, "cqc_rating_date", "CQC ratings started in October 2010"),
        ({"cqc_rating_date": "last May"}, "cqc_rating_date", "Enter a valid date"),
        ({"last_inspection_date": "2999-01-01"}, "last_inspection_date", "must be today or in the past"),
        ({"registered_beds": "5000"}, "registered_beds", "less than or equal to 2000"),
        ({"registered_beds": "forty"}, "registered_beds", "Enter a whole number"),
        ({"registered_beds": "-1"}, "registered_beds", "greater than or equal to 0"),
        ({"cqc_rating": "brilliant"}, "cqc_rating", "Select a valid choice"),
        ({"rating_safe": "brilliant"}, "rating_safe", "Select a valid choice"),
        ({"reason": "x" * 501}, "reason", "at most 500 characters"),
    ],
)
def test_bad_input_is_explained_by_the_field_and_changes_nothing(client, council_admin, rated, changes, field, message):
    before = facts(rated)
    client.force_login(council_admin)
    typed = correction(rated, **{"registered_beds": "31", "reason": "Typed reason", **changes})
    response = client.post(f"/homes/{rated.pk}/cqc-facts/", typed)
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert f'id="id_{field}-error"' in response.text
    assert message in response.text
    assert facts(rated) == before
    assert not AuditEvent.objects.filter(action=HomeAction.CQC_FACTS_CORRECTED).exists()
    if field != "registered_beds":
        assert 'value="31"' in response.text  # nothing typed is lost


def test_a_correction_that_changes_nothing_is_refused(client, council_admin, rated):
    client.force_login(council_admin)
    response = client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated))
    assert "Nothing is different from what the portal has" in response.text
    assert not CareHomeChange.objects.exists()


def test_not_yet_rated_takes_no_date(client, council_admin, rated):
    client.force_login(council_admin)
    client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, cqc_rating="not_yet_rated"))
    rated.refresh_from_db()
    assert (rated.cqc_rating, rated.cqc_rating_date) == ("not_yet_rated", None)


def test_with_htmx_errors_swap_the_form_and_success_redirects(client, council_admin, rated, htmx_headers):
    client.force_login(council_admin)
    bad = client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, reason=""), headers=htmx_headers)
    assert bad.status_code == 200
    assert bad.text.lstrip().startswith('<div id="cqc-facts-editor"')
    assert "<html" not in bad.text
    good = client.post(f"/homes/{rated.pk}/cqc-facts/", correction(rated, cqc_rating="good"), headers=htmx_headers)
    assert good["HX-Redirect"] == f"/homes/{rated.pk}/"
    assert facts(rated)["cqc_rating"] == "good"


def test_a_correction_made_over_someone_elses_is_refused_and_shows_theirs(client, council_admin, service_admin, rated):
    loaded = correction(rated)
    client.force_login(service_admin)
    client.post(f"/homes/{rated.pk}/cqc-facts/", {**loaded, "registered_beds": "35", "reason": "CQC says 35"})
    client.force_login(council_admin)
    response = client.post(f"/homes/{rated.pk}/cqc-facts/", {**loaded, "registered_beds": "33", "reason": "33"})
    assert response.status_code == 409
    assert "Someone else saved changes while you were editing" in response.text
    assert facts(rated)["registered_beds"] == 35


# --- "not known" wherever a home is shown -----------------------------------------------------


@pytest.fixture
def unknown(home, home_staff):
    """Home A as imported from a directory file without ratings or beds."""
    CareHome.objects.filter(pk=home.pk).update(cqc_rating=None, cqc_rating_date=None)
    home.refresh_from_db()
    give_figures(home, home_staff, nursing={"vacant_accepting": 2, "capacity": 30})
    return home


def test_families_read_not_known_with_a_link_to_cqcs_page(client, unknown):
    page = client.get(f"/care-homes/{unknown.cqc_location_id}/").text
    assert (
        f'Not known \u2013 <a href="https://www.cqc.org.uk/location/{unknown.cqc_location_id}" '
        'rel="noopener noreferrer">see the home\'s CQC page</a>'
    ) in page
    assert "Not yet rated" not in page
    cards = client.get("/care-homes/", {"near": "LS6 2AD"}).text
    assert "CQC rating: Not known" in cards
    assert "Not yet rated" not in cards
    compare = client.get("/care-homes/compare/", {"home": unknown.cqc_location_id}).text
    assert f'href="https://www.cqc.org.uk/location/{unknown.cqc_location_id}"' in compare
    assert "Not yet rated" not in compare


def test_not_yet_rated_is_shown_where_cqc_says_so(client, unknown):
    CareHome.objects.filter(pk=unknown.pk).update(cqc_rating="not_yet_rated")
    page = client.get(f"/care-homes/{unknown.cqc_location_id}/").text
    assert "Not yet rated" in page
    assert "Not known" not in page


def test_the_rating_filters_leave_out_homes_whose_rating_is_not_known(client, unknown, coordinator, provider):
    CareHomeFactory(name="Known Good", provider=provider)
    names = client.get("/care-homes/", {"rating": "good"}).text
    assert "Known Good" in names
    assert unknown.name not in names
    assert unknown.name in client.get("/care-homes/").text
    client.force_login(coordinator)
    found = client.get("/find-a-bed/", {"rating": "good"}).text
    assert unknown.name not in found
    everything = client.get("/find-a-bed/").text
    assert unknown.name in everything
    assert "CQC: Not known" in everything


def test_staff_pages_and_extracts_say_not_known(client, coordinator, unknown):
    client.force_login(coordinator)
    page = client.get(f"/homes/{unknown.pk}/").text
    assert "Not known" in page
    assert "Not yet rated" not in page
    extract = b"".join(client.get("/find-a-bed/results.csv").streaming_content).decode()
    assert f"{unknown.name}," in extract
    assert "Not known" in extract


def test_the_api_gives_null_for_a_rating_not_known(client, unknown, council_admin, leeds):
    _, key = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    found = client.get(f"/api/v1/homes/{unknown.cqc_location_id}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert found["cqc_rating"] is None
    fhir = client.get(f"/fhir/Location/{unknown.cqc_location_id}", HTTP_AUTHORIZATION=f"Bearer {key}").text
    assert "not_yet_rated" not in fhir
    assert "Not yet rated" not in fhir


def test_more_beds_than_cqc_registers_skips_beds_not_known(client, council_admin, unknown):
    assert unknown.registered_beds is None  # 30 beds in its figures
    client.force_login(council_admin)
    heading = "<h3>Figures above CQC's registered beds</h3>"
    assert heading not in client.get("/area/").text
    CareHome.objects.filter(pk=unknown.pk).update(registered_beds=20)
    page = client.get("/area/").text
    assert heading in page
    assert f"{unknown.name}</a>: 30 beds in its figures, 20 registered" in page
