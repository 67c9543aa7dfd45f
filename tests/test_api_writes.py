"""Providers' systems set figures through the API (issue 14): If-Match on the figures'
version, 412 with the current state when stale, the form's rules and words, the same
history and audit as the form, marked with the key."""

import json

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from api import keys
from api.models import WRITE_KEY_LIFETIME, ApiKey
from tests.factories import ProviderFactory
from tests.vacancy_helpers import give_figures
from vacancies.audit_actions import VacancyAction
from vacancies.models import CategoryVacancy, HomeVacancies, VacancyChange, VacancyUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_key(provider_admin, provider):
    return keys.make(name="Group system", kind=ApiKey.Kind.PROVIDER, user=provider_admin, provider=provider,
                     expires_at=timezone.now() + WRITE_KEY_LIFETIME)[1]  # fmt: skip


def put(client, key, home, body, version=None, **headers):
    if version is not None:
        headers["HTTP_IF_MATCH"] = f'"{version}"'
    return client.put(f"/api/v1/homes/{home.cqc_location_id}/vacancies", data=json.dumps(body),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **headers)  # fmt: skip


NURSING = {"category": "nursing", "capacity": 30, "occupied": 27, "vacant_accepting": 3, "vacant_unavailable": 0}


def test_a_provider_sets_figures_with_the_version_it_read(client, provider_key, home):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    response = put(client, provider_key, home, {"categories": [NURSING]}, version=1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["vacancies"][0]["vacant_accepting"] == 3
    assert response["ETag"]
    row = CategoryVacancy.objects.get(home=home)
    assert (row.occupied, row.vacant_accepting) == (27, 3)
    update = VacancyUpdate.objects.filter(home=home).first()
    assert update.kind == VacancyUpdate.Kind.UPDATE
    assert update.made_by is None
    assert update.via.startswith("API key “Group system”")
    changed = {c.field for c in VacancyChange.objects.filter(update=update)}
    assert changed == {"vacant_accepting", "vacant_unavailable", "unavailable_reason"}
    board = HomeVacancies.objects.get(home=home)
    assert board.last_confirmed_via == update.via
    event = AuditEvent.objects.filter(action=VacancyAction.VACANCIES_CHANGED).get()
    assert "Group system" in event.detail


def test_the_home_page_and_history_name_the_system(client, provider_key, home, home_staff):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    put(client, provider_key, home, {"categories": [NURSING]}, version=1)
    client.force_login(home_staff)
    page = client.get(f"/homes/{home.pk}/")
    assert "by API key “Group system”" in page.text


def test_a_stale_version_gets_412_and_the_current_state_and_changes_nothing(client, provider_key, home):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    give_figures(home, version=1, nursing={"capacity": 30, "vacant_accepting": 2})  # someone else, in the portal
    response = put(client, provider_key, home, {"categories": [NURSING]}, version=1)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["current"]["version"] == 2
    assert response.json()["current"]["vacancies"][0]["vacant_accepting"] == 2
    assert CategoryVacancy.objects.get(home=home).vacant_accepting == 2


def test_without_if_match_nothing_changes(client, provider_key, home):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    assert put(client, provider_key, home, {"categories": [NURSING]}).status_code == 428
    assert put(client, provider_key, home, {"categories": [NURSING]}, HTTP_IF_MATCH="soon").status_code == 400
    assert CategoryVacancy.objects.get(home=home).vacant_accepting == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"occupied": 29}, "categories[0].capacity", "more than the 30 registered beds"),
        ({"vacant_accepting": -1}, "categories[0].vacant_accepting", "Enter 0 or more"),
        ({"capacity": 5000}, "categories[0].capacity", "Enter 2000 or fewer"),
        ({"closed": True}, "categories[0].closed_reason", "Choose why it is closed"),
        ({"reopening_date": "2001-01-01", "closed": True, "closed_reason": "outbreak"},
         "categories[0].reopening_date", "today or later"),
        ({"unavailable_reason": "bored", "vacant_unavailable": 1, "occupied": 26}, "categories[0].unavailable_reason",
         "valid choice"),
    ],
)  # fmt: skip
def test_impossible_figures_get_422_with_the_forms_words(client, provider_key, home, change, field, words):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    response = put(client, provider_key, home, {"categories": [{**NURSING, **change}]}, version=1)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors
    assert CategoryVacancy.objects.get(home=home).vacant_accepting == 1
    assert HomeVacancies.objects.get(home=home).version == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"categories": [{**NURSING, "category": "spa"}]}, "categories.0.category"),
        ({"categories": [{**NURSING, "capacity": "lots"}]}, "categories.0.capacity"),
        ({"categories": "nursing"}, "categories"),
        ({"closed_to_admissions": "perhaps"}, "closed_to_admissions"),
        # Found by Schemathesis: pydantic took these for a date in 1970, a number and a yes.
        ({"reopening_date": 0}, "reopening_date"),
        ({"categories": [{**NURSING, "capacity": "30"}]}, "categories.0.capacity"),
        ({"closed_to_admissions": "true"}, "closed_to_admissions"),
    ],
)
def test_wrong_types_and_unknown_categories_get_400(client, provider_key, home, body, words):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    response = put(client, provider_key, home, body, version=1)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert HomeVacancies.objects.get(home=home).version == 1


def test_malformed_json_and_a_huge_body_are_refused(client, provider_key, home, settings):
    give_figures(home)
    url = f"/api/v1/homes/{home.cqc_location_id}/vacancies"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {provider_key}", "HTTP_IF_MATCH": '"1"'}
    bad = client.put(url, data="{categories: [", content_type="application/json", **auth)
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    huge = client.put(url, data=json.dumps({"categories": [], "pad": "x" * 70_000}),
                      content_type="application/json", **auth)  # fmt: skip
    assert huge.status_code == 413
    assert HomeVacancies.objects.get(home=home).version == 1


def test_a_category_sent_twice_and_a_home_without_categories(client, provider_key, home):
    assert put(client, provider_key, home, {"categories": []}, version=0).status_code == 422
    twice = put(client, provider_key, home, {"categories": [NURSING, NURSING]}, version=0)
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["message"] == "This category is sent twice"
    first = put(client, provider_key, home, {"categories": [NURSING]}, version=0)
    assert first.status_code == 200
    assert first.json()["vacancies"][0]["capacity"] == 30


def test_fields_left_out_keep_their_values_and_the_home_can_close(client, provider_key, home):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1, "sex": "female"})
    body = {"categories": [{"category": "nursing", "vacant_accepting": 0, "occupied": 28}],
            "closed_to_admissions": True, "closed_reason": "outbreak"}  # fmt: skip
    response = put(client, provider_key, home, body, version=1)
    assert response.status_code == 200, response.content
    row = CategoryVacancy.objects.get(home=home)
    assert (row.capacity, row.sex, row.vacant_accepting) == (30, "female", 0)
    board = HomeVacancies.objects.get(home=home)
    assert (board.closed_to_admissions, board.closed_reason) == (True, "outbreak")


def test_confirm_no_change_with_the_version(client, provider_key, home):
    url = f"/api/v1/homes/{home.cqc_location_id}/confirm"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {provider_key}"}
    assert client.post(url, HTTP_IF_MATCH='"0"', **auth).status_code == 409  # no figures yet
    give_figures(home)
    assert client.post(url, HTTP_IF_MATCH='"0"', **auth).status_code == 412
    response = client.post(url, HTTP_IF_MATCH='"1"', **auth)
    assert response.status_code == 200
    update = VacancyUpdate.objects.filter(home=home).first()
    assert (update.kind, update.version) == (VacancyUpdate.Kind.NO_CHANGE, 1)
    assert update.via.startswith("API key")
    assert AuditEvent.objects.filter(action=VacancyAction.VACANCIES_CONFIRMED).exists()


@pytest.mark.parametrize("kind", ["council", "national", "other_provider"])
def test_only_the_homes_provider_key_may_write(client, home, leeds, service_admin, kind):
    give_figures(home)
    made = {
        "council": {"kind": ApiKey.Kind.COUNCIL, "local_authority": leeds},
        "national": {"kind": ApiKey.Kind.NATIONAL},
        "other_provider": {
            "kind": ApiKey.Kind.PROVIDER,
            "provider": ProviderFactory(),
            "expires_at": timezone.now() + WRITE_KEY_LIFETIME,
        },
    }[kind]
    _, key = keys.make(name=kind, user=service_admin, **made)
    response = put(client, key, home, {"categories": [NURSING]}, version=1)
    assert response.status_code == (404 if kind == "other_provider" else 403)
    confirm = client.post(f"/api/v1/homes/{home.cqc_location_id}/confirm", HTTP_IF_MATCH='"1"',
                          HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip
    assert confirm.status_code == response.status_code
    assert HomeVacancies.objects.get(home=home).version == 1
    assert not VacancyUpdate.objects.exclude(via="").exists()


def test_a_write_costs_a_bounded_number_of_queries(client, provider_key, home, django_assert_max_num_queries):
    give_figures(home, nursing={"capacity": 30, "vacant_accepting": 1})
    with django_assert_max_num_queries(25):
        assert put(client, provider_key, home, {"categories": [NURSING]}, version=1).status_code == 200


@pytest.mark.parametrize("body", ["[null, null]", "[]", "null", "5", '"figures"', ""])
def test_a_body_that_is_not_a_json_object_changes_nothing(client, provider_key, home, body):
    """Found by Schemathesis: any JSON but an object (and no body at all) was read as an empty
    change, and saved."""
    give_figures(home)
    response = client.put(f"/api/v1/homes/{home.cqc_location_id}/vacancies", data=body,
                          content_type="application/json", HTTP_IF_MATCH='"1"',
                          HTTP_AUTHORIZATION=f"Bearer {provider_key}")  # fmt: skip
    assert response.status_code == 400, response.content
    assert "JSON object" in response.json()["detail"] or response.json()["detail"] == "body: Field required"
    assert HomeVacancies.objects.get(home=home).version == 1


def test_figures_sent_as_anything_but_json_are_refused(client, provider_key, home):
    give_figures(home)
    response = client.put(f"/api/v1/homes/{home.cqc_location_id}/vacancies", data=json.dumps({"categories": []}),
                          content_type="text/plain", HTTP_IF_MATCH='"1"',
                          HTTP_AUTHORIZATION=f"Bearer {provider_key}")  # fmt: skip
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert HomeVacancies.objects.get(home=home).version == 1


@pytest.mark.parametrize("if_match", ['"1', "1.0", '"1"x', "W/1", '""'])
def test_an_if_match_that_is_not_a_version_is_refused(client, provider_key, home, if_match):
    give_figures(home)
    response = put(client, provider_key, home, {"categories": [NURSING]}, HTTP_IF_MATCH=if_match)
    assert response.status_code == 400
    assert "If-Match" in response.json()["detail"]
