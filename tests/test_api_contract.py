"""The API keeps its contract (issue 30): Schemathesis, a schema-driven tester written by
others, drives every operation of the OpenAPI document against a live server with all of
its checks, stateful links included; the document validates; every answer the SQL
documents build validates against the schema it declares."""

import datetime
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from accounts.models import Membership, Role, User
from api import documents, keys
from api.models import WRITE_KEY_LIFETIME, ApiKey
from homecare.models import AgencyCapacity, CoveredDistrict
from registers.choices import HomeStatus
from registers.models import CareHome, LocalAuthority, Provider
from returns.models import MonthlyReturn
from tests.factories import LEEDS, AgencyFactory, CareHomeFactory, MembershipFactory
from tests.reference import ensure_reference_data
from tests.vacancy_helpers import give_figures
from vacancies.holds import hold_bed
from vacancies.models import HomeVacancies
from vacancies.updates import save_vacancies

SCHEMATHESIS = Path(sys.executable).parent / "st"
CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"
PROBLEM = "application/problem+json"


@pytest.fixture
def provider_key(transactional_db, provider, leeds, settings):
    settings.API_REQUESTS_PER_MINUTE = 1_000_000  # the tester, not the limit, is under test here
    admin = MembershipFactory(role=Role.PROVIDER_ADMIN, provider=provider, user__email="provider@example.org").user
    homes = [CareHomeFactory(provider=provider, local_authority=leeds) for _ in range(3)]
    give_figures(homes[0], nursing={"capacity": 30, "vacant_accepting": 4}, residential={})
    give_figures(homes[1], nursing_dementia={"capacity": 12, "vacant_accepting": 1})
    coordinator = MembershipFactory(role=Role.COORDINATOR).user
    hold_bed(homes[0], "nursing", hours=24, user=coordinator, held_for="Leeds hub")
    agency = AgencyFactory(provider=provider, local_authority=leeds)
    AgencyCapacity.objects.create(agency=agency, hours_available=Decimal("12.25"), care_given=["personal_care"],
                                  last_confirmed_at=timezone.now())  # fmt: skip
    CoveredDistrict.objects.create(agency=agency, district_id="LS6", hours_available=Decimal(3))
    return keys.make(name="Group system", kind=ApiKey.Kind.PROVIDER, user=admin, provider=provider,
                     expires_at=timezone.now() + WRITE_KEY_LIFETIME)[1]  # fmt: skip


@pytest.mark.slow
def test_schemathesis_finds_nothing_wrong(live_server, provider_key, tmp_path):
    """Every operation (a provider's key reaches them all), every check; a failure prints
    the operation, what was wrong and a curl command that repeats the request."""
    done = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{live_server.url}/api/v1/openapi.json",
         "--checks", "all", "--no-color", "--header", f"Authorization: Bearer {provider_key}"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-30000:] + done.stderr[-5000:]


@pytest.fixture
def api_document(client) -> dict:
    return json.loads(client.get("/api/v1/openapi.json").content)


def test_the_openapi_document_validates(api_document):
    validate(api_document)  # openapi-spec-validator: the OpenAPI 3.1 schema and its own rules
    operations = [operation for methods in api_document["paths"].values() for operation in methods.values()]
    assert len(operations) == 10
    for operation in operations:
        assert operation["security"], operation["operationId"]
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                assert answer["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def validator(document: dict, path: str, method: str, status: int, media: str = "application/json"):
    """A validator of one answer by the schema the OpenAPI document declares for it (its
    $refs resolved in the document), formats (date-time, date) checked."""
    parts = ["paths", path, method, "responses", str(status), "content", media, "schema"]
    pointer = "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)
    registry = Registry().with_resource("urn:api", Resource(contents=document, specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:api#/{pointer}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)  # fmt: skip


@pytest.fixture
def demo_like(transactional_db):
    """The demo's homes and people, and a council's synthetic homes with a year of history
    and beds held (demo/); one demo home closed to admissions, with a reopening date. In
    committed transactions: the changes feed serves only those."""
    ensure_reference_data()
    call_command("seed_demo", stdout=io.StringIO())
    call_command("build_dataset", councils=LEEDS, seed=3, alongside_real_homes=True, stdout=io.StringIO())
    home = CareHome.objects.get(name="Roundhay Lodge")
    closing = {"closed_to_admissions": True, "closed_reason": "outbreak",
               "reopening_date": timezone.localdate() + datetime.timedelta(days=10)}  # fmt: skip
    save_vacancies(home, None, loaded_version=HomeVacancies.objects.get(home=home).version, categories={},
                   home_values=closing)  # fmt: skip


def test_every_home_the_sql_builds_is_what_the_schema_declares(demo_like, api_document):
    """Every home in the database, as api/documents.py builds it, against the Home schema."""
    home = validator(api_document, "/api/v1/homes/{cqc_location_id}", "get", 200)
    built = documents.homes(CareHome.objects.all())
    assert len(built) > 100
    declared = api_document["components"]["schemas"]
    for document in built:
        home.validate(document)
        # Nothing built that the schema does not declare, either (a partner's client drops it).
        assert set(document) == set(declared["Home"]["properties"])
        for vacancy in document["vacancies"]:
            assert set(vacancy) == set(declared["Vacancy"]["properties"])
    assert any(vacancy["held_until"] for document in built for vacancy in document["vacancies"])
    assert any(document["closed_to_admissions"] for document in built)
    assert any(document["last_confirmed_at"] is None for document in built)


def test_every_agency_the_sql_builds_is_what_the_schema_declares(demo_like, api_document):
    """Every home-care agency in the database (the demo's, at different ages), as api/documents.py
    builds it, against the Agency schema, and nothing built that it does not declare."""
    agency = validator(api_document, "/api/v1/agencies/{cqc_location_id}", "get", 200)
    built = documents.agencies(CareHome.locations.agencies())
    assert len(built) >= 4
    declared = api_document["components"]["schemas"]
    for document in built:
        agency.validate(document)
        assert set(document) == set(declared["Agency"]["properties"])
        for district in document["districts"]:
            assert set(district) == set(declared["AgencyDistrict"]["properties"])
    assert {document["stale"] for document in built} == {True, False}
    assert any(district["own_figure"] for document in built for district in document["districts"])


def test_every_operations_answers_are_what_the_schema_declares(client, demo_like, api_document, settings):
    settings.API_REQUESTS_PER_MINUTE = 100_000
    admin = User.objects.get(email="admin@example.org")
    provider = Provider.objects.get(name="Aire Valley Care Ltd")
    maker = Membership.objects.get(role=Role.PROVIDER_ADMIN, provider=provider).user
    leeds_admin = Membership.objects.filter(role=Role.COUNCIL_ADMIN, local_authority__gss_code=LEEDS).first().user
    made = {
        "national": keys.make(name="NHS England", kind=ApiKey.Kind.NATIONAL, user=admin)[1],
        "council": keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=leeds_admin,
                             local_authority=LocalAuthority.objects.get(gss_code=LEEDS))[1],
        "provider": keys.make(name="Group", kind=ApiKey.Kind.PROVIDER, user=maker, provider=provider,
                              expires_at=timezone.now() + WRITE_KEY_LIFETIME)[1],
    }  # fmt: skip

    def call(method, url, key, checked_as, status=200, **kwargs):
        response = getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {made[key]}", **kwargs)
        assert response.status_code == status, response.content
        media = "application/json" if status < 400 else PROBLEM
        validator(api_document, checked_as, method, status, media).validate(json.loads(response.content))
        return json.loads(response.content)

    starts = {}
    for key in made:
        cursor = None
        while True:  # every page of every key's homes, and some of the homes one by one
            page = call("get", "/api/v1/homes" + (f"?cursor={cursor}" if cursor else ""), key, "/api/v1/homes")
            for home in page["homes"][:5]:
                call("get", f"/api/v1/homes/{home['cqc_location_id']}", key, "/api/v1/homes/{cqc_location_id}")
            if not (cursor := page["next"]):
                break
        call("get", "/api/v1/totals", key, "/api/v1/totals")
        # The dataset's returns: every record of every page, answered or not, care homes' and
        # home-care agencies', as the schema declares it.
        month = MonthlyReturn.objects.order_by("-month").values_list("month", flat=True).first()
        returns, cursor = [], ""
        while True:
            page = call("get", f"/api/v1/returns?month={month:%Y-%m}{cursor}", key, "/api/v1/returns")
            returns += page["returns"]
            if not page["next"]:
                break
            cursor = f"&cursor={page['next']}"
        assert {record["submitted"] for record in returns} == {True, False} or key == "provider", key
        assert {record["location_kind"] for record in returns} == {"care_home", "home_care_agency"}, key
        call("get", f"/api/v1/totals?council={LEEDS}", key, "/api/v1/totals")
        starts[key] = call("get", "/api/v1/changes", key, "/api/v1/changes")["next"]
        for agency in call("get", "/api/v1/agencies", key, "/api/v1/agencies")["agencies"][:3]:
            call("get", f"/api/v1/agencies/{agency['cqc_location_id']}", key, "/api/v1/agencies/{cqc_location_id}")
        call("get", "/api/v1/changes/agencies", key, "/api/v1/changes/agencies")
    theirs = list(CareHome.objects.filter(provider=provider, vacancies__isnull=False).order_by("pk"))
    give_figures(theirs[0], version=HomeVacancies.objects.get(home=theirs[0]).version, nursing={"capacity": 31})
    CareHome.objects.filter(pk=theirs[-1].pk).update(status=HomeStatus.ARCHIVED)
    for key, start in starts.items():
        changed = call("get", f"/api/v1/changes?cursor={start}", key, "/api/v1/changes")["changes"]
        assert {change["removed"] for change in changed} == {False, True}, key

    home = CareHome.objects.filter(provider=provider, vacancies__isnull=False).order_by("pk").first()
    version = HomeVacancies.objects.get(home=home).version
    write = "/api/v1/homes/{cqc_location_id}/vacancies"
    url = f"/api/v1/homes/{home.cqc_location_id}"
    saved = call("put", f"{url}/vacancies", "provider", write, data=json.dumps({"closed_to_admissions": False}),
                 content_type="application/json", HTTP_IF_MATCH=f'"{version}"')  # fmt: skip
    # A stale version: the problem's current is the home as it now is, built by the same SQL.
    call("put", f"{url}/vacancies", "provider", write, status=412, data="{}", content_type="application/json",
         HTTP_IF_MATCH=f'"{saved["version"] + 1}"')  # fmt: skip
    call("post", f"{url}/confirm", "provider", "/api/v1/homes/{cqc_location_id}/confirm",
         HTTP_IF_MATCH=f'"{saved["version"]}"')  # fmt: skip
