"""A council admin adds a home in their area."""

import pytest

from homes.models import CareHomeChange
from registers.models import CQC_FACTS, CareHome, Provider

pytestmark = pytest.mark.django_db

VALID = {
    "cqc_location_id": " 1-123456789 ",
    "name": "Meanwood Court",
    "provider_name": "Meanwood Care Ltd",
    "cqc_provider_id": "1-987654321",
    "address_line_1": "5 Green Road",
    "town": "Leeds",
    "postcode": "ls6 2ab",
    "phone": "1134960123",
    "email": "manager@meanwood.example.org",
    "service_type": "with_nursing",
    "service_user_bands": ["older_people", "dementia"],
    "funding_accepted": ["local_authority", "chc"],
}


def test_council_admin_adds_a_home_in_their_area(client, council_admin, leeds):
    client.force_login(council_admin)
    response = client.post("/homes/add/", VALID, follow=True)
    home = CareHome.objects.get(cqc_location_id="1-123456789")
    assert response.redirect_chain[-1][0] == f"/homes/{home.pk}/staff/"
    assert "Meanwood Court has been added. Now invite its manager." in response.text
    assert home.postcode == "LS6 2AB"
    assert home.phone == "0113 496 0123"  # the lost leading zero is restored
    assert home.local_authority == leeds
    assert (round(home.latitude, 4), round(home.longitude, 4)) == (53.8222, -1.5723)
    assert home.provider.cqc_provider_id == "1-987654321"
    assert home.service_user_bands == ["older_people", "dementia"]
    assert CareHomeChange.objects.filter(home=home, field="onboarded", changed_by=council_admin).exists()


def test_existing_provider_is_reused_by_cqc_provider_id(client, council_admin, provider):
    client.force_login(council_admin)
    client.post("/homes/add/", {**VALID, "cqc_provider_id": provider.cqc_provider_id})
    assert CareHome.objects.get(cqc_location_id="1-123456789").provider == provider
    assert Provider.objects.count() == 1


def test_service_admin_adds_a_home_anywhere(client, service_admin):
    client.force_login(service_admin)
    client.post("/homes/add/", {**VALID, "postcode": "BD9 5AB"})
    assert CareHome.objects.get(cqc_location_id="1-123456789").local_authority.name == "Bradford"


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator", "user_without_role"])
def test_others_cannot_add_homes(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/homes/add/").status_code == 404
    assert client.post("/homes/add/", VALID).status_code == 404
    assert not CareHome.objects.filter(cqc_location_id="1-123456789").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/homes/add/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_home_outside_the_admins_council_is_refused_by_the_postcode(client, council_admin):
    client.force_login(council_admin)
    response = client.post("/homes/add/", {**VALID, "postcode": "BD9 5AB"})
    assert response.status_code == 200
    assert "This postcode is in Bradford. You can only add homes in your own council area." in response.text
    assert not CareHome.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cqc_location_id", "1234", "Enter a CQC location ID that starts 1- and then digits"),
        ("cqc_location_id", "1-12ab", "Enter a CQC location ID that starts 1- and then digits"),
        ("cqc_provider_id", "X-1", "Enter a CQC provider ID that starts 1- and then digits"),
        ("postcode", "not a postcode", "Enter a full UK postcode, like LS6 2AD"),
        ("postcode", "ZZ9 9ZZ", "We cannot find the postcode ZZ9 9ZZ in England"),
        ("phone", "12345", "Enter a UK phone number"),
        ("name", "", "This field is required"),
        ("service_type", "castle", "Select a valid choice"),
        ("email", "not-an-email", "Enter a valid email address"),
        ("website", "javascript:alert(1)", "Enter a valid URL"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(client, council_admin, field, value, message):
    client.force_login(council_admin)
    response = client.post("/homes/add/", {**VALID, field: value})
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text or f'id="id_{field}_0-error"' in response.text
    assert message in response.text
    assert "nhsuk-error-summary" in response.text
    assert 'value="5 Green Road"' in response.text  # nothing typed is lost
    assert not CareHome.objects.exists()


def test_registered_cqc_id_links_to_the_existing_home(client, council_admin, home):
    client.force_login(council_admin)
    response = client.post("/homes/add/", {**VALID, "cqc_location_id": home.cqc_location_id})
    assert f'is already registered: <a href="/homes/{home.pk}/">{home.name}</a>' in response.text
    assert CareHome.objects.count() == 1


def test_a_home_added_by_hand_has_none_of_cqcs_facts_until_cqcs_data_gives_them(client, council_admin):
    """CQC's facts come from CQC (issue 24): typed into the add form, they are ignored."""
    client.force_login(council_admin)
    typed = {"cqc_rating": "outstanding", "cqc_rating_date": "2024-01-01", "rating_safe": "outstanding",
             "last_inspection_date": "2024-01-01", "registered_beds": "80"}  # fmt: skip
    client.post("/homes/add/", {**VALID, **typed})
    home = CareHome.objects.get()
    assert [getattr(home, name) for name in CQC_FACTS] == [None] * len(CQC_FACTS)
    page = client.get(f"/homes/{home.pk}/").text
    assert "Not known" in page
    assert 'name="cqc_rating"' not in client.get("/homes/add/").text


def test_council_home_list_is_scoped_and_filters_with_htmx(client, council_admin, home, other_home, htmx_headers):
    client.force_login(council_admin)
    response = client.get("/homes/")
    assert home.name in response.text
    assert other_home.name not in response.text
    response = client.get("/homes/", {"q": "headingley"}, headers=htmx_headers)
    assert response.text.lstrip().startswith('<div id="results"')
    assert home.name in response.text
    assert "<html" not in response.text
    response = client.get("/homes/", {"q": "nothing like it"}, headers=htmx_headers)
    assert "No homes match" in response.text


def test_service_admin_sees_every_area_and_can_filter_by_council(client, service_admin, home, other_home):
    client.force_login(service_admin)
    response = client.get("/homes/", {"la": "E08000032"})
    assert other_home.name in response.text
    assert home.name not in response.text


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator"])
def test_home_list_is_for_councils(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/homes/").status_code == 404


def test_home_list_query_count_is_bounded(client, council_admin, leeds, django_assert_max_num_queries):
    from tests.factories import CareHomeFactory

    CareHomeFactory.create_batch(60, local_authority=leeds)
    client.force_login(council_admin)
    client.get("/")  # the first request after signing in refreshes the session
    with django_assert_max_num_queries(8):  # 6, the newly registered homes, and the two-factor device
        response = client.get("/homes/")
    assert response.status_code == 200
