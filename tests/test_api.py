"""The API for partner systems (issue 14, first part): keys made, shown once, scoped,
revoked and expiring; the read endpoints; limits; problem details for bad input."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from api import keys
from api.audit_actions import ApiAction
from api.models import WRITE_KEY_LIFETIME, ApiKey
from tests.factories import CareHomeFactory
from tests.vacancy_helpers import give_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def council_key(council_admin, leeds):
    return keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)


def shown_key(page) -> str:
    """The new key as the page shows it, in its read-only box."""
    return re.search(r'<input class="nhsuk-input" id="the-key" value="([^"]+)"', page.text).group(1)


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_council_admin_makes_a_key_sees_it_once_and_revokes_it(client, council_admin, leeds):
    client.force_login(council_admin)
    page = client.get("/api-keys/")
    assert page.status_code == 200
    made = client.post("/api-keys/", {"name": "Leeds brokerage", "scope": f"council:{leeds.pk}", "expires": "90"})
    assert made.status_code == 200
    assert made["Cache-Control"] == "no-store"
    key = ApiKey.objects.get()
    shown = shown_key(made)
    assert shown.startswith(f"cct_{key.prefix}_")
    assert shown not in client.get("/api-keys/").text  # only ever shown once
    assert key.key_hash == keys.digest(shown) and shown not in key.key_hash  # noqa: PT018
    assert (key.kind, key.local_authority) == ("council", leeds)
    assert AuditEvent.objects.filter(action=ApiAction.API_KEY_CREATED).exists()
    client.post(f"/api-keys/{key.pk}/revoke/")
    assert client.get("/api/v1/homes", **bearer(shown)).status_code == 401
    assert AuditEvent.objects.filter(action=ApiAction.API_KEY_REVOKED).exists()


def test_a_key_form_offers_only_what_the_person_may_give(client, council_admin, leeds, bradford):
    client.force_login(council_admin)
    refused = client.post("/api-keys/", {"name": "Bradford", "scope": f"council:{bradford.pk}"})
    assert 'id="id_scope-error"' in refused.text
    blank = client.post("/api-keys/", {"name": "", "scope": f"council:{leeds.pk}"})
    assert 'id="id_name-error"' in blank.text
    assert not ApiKey.objects.exists()


def test_others_cannot_see_or_revoke_a_councils_keys(client, council_key, other_council_admin, home_staff):
    made, _ = council_key
    client.force_login(other_council_admin)
    assert made.prefix not in client.get("/api-keys/").text
    assert client.post(f"/api-keys/{made.pk}/revoke/").status_code == 404
    assert client.post(f"/api-keys/{made.pk}/replace/").status_code == 404
    client.force_login(home_staff)
    assert client.get("/api-keys/").status_code == 404
    assert ApiKey.objects.get().revoked_at is None  # and nothing was replaced: still one key


def test_replacing_a_key_gives_a_new_one_and_the_old_works_a_week_more(client, council_admin, leeds):
    in_a_year = timezone.now() + datetime.timedelta(days=365)
    old, old_key = keys.make(name="Leeds brokerage", kind=ApiKey.Kind.COUNCIL, user=council_admin,
                             local_authority=leeds, expires_at=in_a_year)  # fmt: skip
    client.force_login(council_admin)
    page = client.post(f"/api-keys/{old.pk}/replace/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    new_key = shown_key(page)
    new = ApiKey.objects.get(prefix=new_key.split("_")[1])
    old.refresh_from_db()
    assert old.replaced_by == new
    assert (new.name, new.kind, new.local_authority, new.created_by) == (old.name, old.kind, leeds, council_admin)
    assert abs((new.expires_at - new.created_at) - datetime.timedelta(days=365)) < datetime.timedelta(seconds=5)
    assert abs(old.expires_at - (timezone.now() + keys.OVERLAP)) < datetime.timedelta(seconds=5)
    assert "keeps working until" in page.text
    listed = client.get("/api-keys/").text
    assert "Replaced" in listed
    assert f'Replace<span class="nhsuk-u-visually-hidden"> Leeds brokerage ({new.prefix})' in listed
    assert f'Replace<span class="nhsuk-u-visually-hidden"> Leeds brokerage ({old.prefix})' not in listed
    # Both work while the system switches; the old one then stops by itself.
    assert client.get("/api/v1/homes", **bearer(old_key)).status_code == 200
    assert client.get("/api/v1/homes", **bearer(new_key)).status_code == 200
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/homes", **bearer(old_key)).status_code == 401
    event = AuditEvent.objects.filter(action=ApiAction.API_KEY_CREATED, target=str(new)).get()
    assert f"replaces {old}" in event.detail


def test_a_replaced_revoked_or_expired_key_cannot_be_replaced(client, council_admin, leeds):
    revoked, _ = keys.make(name="Old", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    keys.revoke(revoked, council_admin)
    replaced, _ = keys.make(name="Twice", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    keys.replace(replaced, council_admin)
    client.force_login(council_admin)
    before = ApiKey.objects.count()
    for key in (revoked, replaced):
        refused = client.post(f"/api-keys/{key.pk}/replace/", follow=True)
        assert "no longer works or was replaced already" in refused.text
    assert ApiKey.objects.count() == before
    assert client.get(f"/api-keys/{revoked.pk}/replace/").status_code == 405


def test_the_homes_list_is_the_keys_scope_in_a_stable_order_with_a_cursor(client, council_key, home, other_home):
    _, key = council_key
    give_figures(home, nursing={"vacant_accepting": 2})
    more = [CareHomeFactory(local_authority=home.local_authority) for _ in range(2)]
    response = client.get("/api/v1/homes", {"limit": 2}, **bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert [h["id"] for h in body["homes"]] == sorted([home.pk, *[m.pk for m in more]])[:2]
    assert other_home.pk not in [h["id"] for h in body["homes"]]  # Bradford's: outside the key's scope
    rest = client.get("/api/v1/homes", {"limit": 2, "cursor": body["next"]}, **bearer(key)).json()
    assert len(rest["homes"]) == 1
    assert rest["next"] is None
    first = next(h for h in body["homes"] + rest["homes"] if h["id"] == home.pk)
    nursing = first["vacancies"][0]
    assert (nursing["category"], nursing["vacant_accepting"], nursing["held"]) == ("nursing", 2, 0)
    assert first["version"] == 1
    assert AuditEvent.objects.filter(action=ApiAction.API_USED).count() == 2


def test_filters_and_etags(client, council_key, home):
    _, key = council_key
    give_figures(home, nursing={"vacant_accepting": 2})
    assert client.get("/api/v1/homes", {"category": "residential"}, **bearer(key)).json()["homes"] == []
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/homes", {"updated_since": later}, **bearer(key)).json()["homes"] == []
    one = client.get(f"/api/v1/homes/{home.cqc_location_id}", **bearer(key))
    assert one.json()["name"] == home.name
    again = client.get(f"/api/v1/homes/{home.cqc_location_id}", HTTP_IF_NONE_MATCH=one["ETag"], **bearer(key))
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("query", "where"),
    [({"limit": "0"}, "limit"), ({"limit": "many"}, "limit"), ({"category": "spa"}, "category"),
     ({"updated_since": "yesterday"}, "updated_since"), ({"cursor": "!!!"}, "cursor"),
     # Found by Schemathesis: pydantic took a number for seconds since 1970; a time with no zone is ambiguous.
     ({"updated_since": "0.5"}, "updated_since"), ({"updated_since": "2026-11-30T09:00:00"}, "updated_since")],
)  # fmt: skip
def test_bad_input_gets_problem_details(client, council_key, query, where):
    _, key = council_key
    response = client.get("/api/v1/homes", query, **bearer(key))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert where in response.json()["detail"]


def test_a_method_not_served_is_a_problem_naming_those_that_are(client, council_key):
    _, key = council_key
    response = client.delete("/api/v1/homes", **bearer(key))
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response["Allow"] == "GET"
    assert "GET" in response.json()["detail"]


def test_no_key_an_altered_key_or_an_expired_key_is_refused(client, council_key):
    made, key = council_key
    assert client.get("/api/v1/homes").status_code == 401
    assert client.get("/api/v1/homes", **bearer(key[:-2] + "xx")).status_code == 401
    ApiKey.objects.filter(pk=made.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused = client.get("/api/v1/homes", **bearer(key))
    assert refused.status_code == 401
    assert refused.json()["title"] == "Unauthorised"


def test_a_home_outside_the_scope_is_not_found(client, council_key, other_home):
    _, key = council_key
    response = client.get(f"/api/v1/homes/{other_home.cqc_location_id}", **bearer(key))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_provider_key_reads_its_homes_and_a_national_key_all(client, provider_admin, service_admin, home, other_home):
    _, provider_key = keys.make(name="Group system", kind=ApiKey.Kind.PROVIDER, user=provider_admin,
                                provider=home.provider, expires_at=timezone.now() + WRITE_KEY_LIFETIME)  # fmt: skip
    ids = [h["id"] for h in client.get("/api/v1/homes", **bearer(provider_key)).json()["homes"]]
    assert home.pk in ids
    assert other_home.pk not in ids or other_home.provider_id == home.provider_id
    _, national = keys.make(name="NHS England", kind=ApiKey.Kind.NATIONAL, user=service_admin)
    ids = [h["id"] for h in client.get("/api/v1/homes", **bearer(national)).json()["homes"]]
    assert {home.pk, other_home.pk} <= set(ids)


def test_each_key_has_a_limit_a_minute_and_every_answer_says_what_is_left(client, council_key, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    _, key = council_key
    first = client.get("/api/v1/homes", **bearer(key))
    assert first.status_code == 200
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("2", "1")
    assert 1 <= int(first["RateLimit-Reset"]) <= 60
    second = client.get("/api/v1/homes/no-such-home", **bearer(key))  # errors count too
    assert second.status_code == 404
    assert second["RateLimit-Remaining"] == "0"
    refused = client.get("/api/v1/homes", **bearer(key))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert (refused["RateLimit-Remaining"], refused["RateLimit-Reset"]) == ("0", refused["Retry-After"])
    assert "RateLimit-Limit" not in client.get("/api/v1/homes")  # no key: nothing counted


def test_the_docs_page_and_the_schema_need_no_key(client):
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "GET /api/v1/homes" in docs.text
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/homes" in schema["paths"]


def test_the_list_costs_a_bounded_number_of_queries(client, council_key, home, django_assert_max_num_queries):
    _, key = council_key
    for _ in range(5):
        give_figures(CareHomeFactory(local_authority=home.local_authority), nursing={"vacant_accepting": 1})
    client.get("/api/v1/homes", **bearer(key))  # a steady state: what a process reads once is read
    # The key, its count and audit event, the homes; and "last used" should a minute have passed.
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/homes", **bearer(key)).json()["homes"]) == 6


@pytest.mark.parametrize("kind", ["none", "council_a", "council_b", "provider_a", "national"])
def test_every_api_url_for_every_kind_of_key(client, kind, home, other_home, leeds, bradford, service_admin):
    """The authorization matrix for keys: who reads home A (Leeds, its provider)."""
    made = {
        "council_a": {"kind": ApiKey.Kind.COUNCIL, "local_authority": leeds},
        "council_b": {"kind": ApiKey.Kind.COUNCIL, "local_authority": bradford},
        "provider_a": {
            "kind": ApiKey.Kind.PROVIDER,
            "provider": home.provider,
            "expires_at": timezone.now() + WRITE_KEY_LIFETIME,
        },
        "national": {"kind": ApiKey.Kind.NATIONAL},
    }
    headers = bearer(keys.make(name=kind, user=service_admin, **made[kind])[1]) if kind != "none" else {}
    reads_a = kind in {"council_a", "provider_a", "national"}
    listed = client.get("/api/v1/homes", **headers)
    assert listed.status_code == (401 if kind == "none" else 200)
    if kind != "none":
        assert (home.pk in [h["id"] for h in listed.json()["homes"]]) == reads_a
    one = client.get(f"/api/v1/homes/{home.cqc_location_id}", **headers)
    assert one.status_code == (401 if kind == "none" else 200 if reads_a else 404)
    for path in ("/api/v1/totals", "/api/v1/changes", "/api/v1/returns?month=2026-11", "/fhir/Location",
                 "/fhir/HealthcareService"):  # fmt: skip
        assert client.get(path, **headers).status_code == (401 if kind == "none" else 200), path
    fhir = client.get(f"/fhir/Location/{home.cqc_location_id}", **headers)
    assert fhir.status_code == (401 if kind == "none" else 200 if reads_a else 404)
    write = client.put(f"/api/v1/homes/{home.cqc_location_id}/vacancies", data="{}",
                       content_type="application/json", HTTP_IF_MATCH='"0"', **headers)  # fmt: skip
    # Only home A's provider may write (422 here: it sent no categories for a home without any).
    expected = {"none": 401, "provider_a": 422, "council_b": 403, "council_a": 403, "national": 403}[kind]
    assert write.status_code == expected


def test_homes_near_a_postcode(client, council_key, home, leeds):
    _, key = council_key
    far = CareHomeFactory(local_authority=leeds, latitude=53.40, longitude=-1.47)  # about 29 miles south
    near = client.get("/api/v1/homes", {"postcode": "LS6 2", "radius_miles": 5}, **bearer(key)).json()
    assert [h["id"] for h in near["homes"]] == [home.pk]
    wide = client.get("/api/v1/homes", {"postcode": "LS6", "radius_miles": 40}, **bearer(key)).json()
    assert {h["id"] for h in wide["homes"]} == {home.pk, far.pk}
    unknown = client.get("/api/v1/homes", {"postcode": "ZZ99 9ZZ"}, **bearer(key))
    assert unknown.status_code == 400
    assert "postcode" in unknown.json()["detail"]
    assert client.get("/api/v1/homes", {"postcode": "LS6", "radius_miles": 500}, **bearer(key)).status_code == 400


def test_area_totals_in_the_keys_scope(client, council_key, home, other_home, leeds, service_admin):
    _, key = council_key
    give_figures(home, nursing={"capacity": 20, "vacant_accepting": 3})
    give_figures(other_home, nursing={"capacity": 50, "vacant_accepting": 9})
    totals = client.get("/api/v1/totals", **bearer(key)).json()
    assert (totals["area"], totals["homes"]) == (leeds.gss_code, 1)
    nursing = totals["categories"][0]
    assert (nursing["category"], nursing["capacity"], nursing["vacant_accepting"], nursing["held"]) == (
        "nursing", 20, 3, 0)  # fmt: skip
    # A council key asking for another council's totals sees nothing of it.
    elsewhere = client.get("/api/v1/totals", {"council": other_home.local_authority.gss_code}, **bearer(key)).json()
    assert (elsewhere["homes"], elsewhere["categories"]) == (0, [])
    _, national = keys.make(name="NHS England", kind=ApiKey.Kind.NATIONAL, user=service_admin)
    england = client.get("/api/v1/totals", **bearer(national)).json()
    assert england["area"] == "england"
    assert england["categories"][0]["capacity"] == 70
    assert client.get("/api/v1/totals", {"council": "E99999999"}, **bearer(national)).status_code == 400


# --- the monthly returns (issue 27) ------------------------------------------------------------


def test_the_monthly_returns_of_the_keys_homes_answered_or_not(client, council_key, home, other_home, provider):
    from tests.test_returns import ANSWERS, submitted

    _, key = council_key
    quiet = CareHomeFactory(name="Quiet Lodge", provider=provider)
    submitted(home, datetime.date(2026, 11, 1))
    submitted(other_home, datetime.date(2026, 11, 1))  # Bradford's: outside the key's scope
    response = client.get("/api/v1/returns", {"month": "2026-11", "limit": 1}, **bearer(key))
    assert response.status_code == 200
    first = response.json()
    assert first["month"] == "2026-11"
    [one] = first["returns"]
    rest = client.get("/api/v1/returns", {"month": "2026-11", "cursor": first["next"]}, **bearer(key)).json()
    assert rest["next"] is None
    by_home = {record["cqc_location_id"]: record for record in [one, *rest["returns"]]}
    assert set(by_home) == {home.cqc_location_id, quiet.cqc_location_id}
    answered = by_home[home.cqc_location_id]
    assert (answered["submitted"], answered["submitted_via"]) == (True, "form")
    assert answered["answers"]["agency_care_staff"] == int(ANSWERS["agency_care_staff"])
    assert answered["answers"]["visiting"] == "open"
    assert answered["beds"] == {"capacity": 20, "occupied": 15, "vacant_reserved": None, "vacant_accepting": None}
    assert by_home[quiet.cqc_location_id] | {"id": 0} == {
        "id": 0, "month": "2026-11", "cqc_location_id": quiet.cqc_location_id, "location_name": "Quiet Lodge",
        "location_kind": "care_home", "cqc_provider_id": provider.cqc_provider_id, "provider_name": provider.name,
        "local_authority_code": quiet.local_authority.gss_code, "local_authority": quiet.local_authority.name,
        "submitted": False, "submitted_at": None, "submitted_via": None, "beds": None, "answers": None,
    }  # fmt: skip


@pytest.mark.parametrize("month", ["", "2026-13", "2026-1", "November", "2026-11-01", "2026-00"])
def test_a_month_not_like_2026_11_is_a_problem(client, council_key, month):
    response = client.get("/api/v1/returns", {"month": month}, **bearer(council_key[1]))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "month" in response.json()["detail"]
