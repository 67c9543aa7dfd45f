"""Every URL the project defines, for every role: who gets in, who gets 404.

Adding a URL without a row here fails test_every_url_has_a_row. Outsiders get
404 (never someone else's data); anonymous people are sent to sign in, except
on the public pages.
"""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import navigation
from accounts.models import Invitation, Membership, Role, Team
from accounts.permissions import may_search, permission_required
from accounts.roles import roles_for
from api import keys
from api.models import ApiKey
from enquiries import flows
from tests.conftest import VerifiedClient, with_authenticator
from tests.factories import (
    BRADFORD,
    LEEDS,
    AgencyFactory,
    CareHomeFactory,
    MembershipFactory,
    ProviderFactory,
    UserFactory,
    local_authority,
)
from tests.vacancy_helpers import give_figures
from tracker.contributions import MENU, contributed
from vacancies.models import SavedSearch

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "staff_a", "staff_b", "provider_a", "coordinator", "team_lead", "team_member", "council_a",
    "council_b", "service_admin",
]  # fmt: skip
EVERYONE = set(ROLES) - {"anonymous"}
UPDATERS_OF_A = {"staff_a", "provider_a", "council_a", "service_admin"}
SEARCHERS = {"coordinator", "team_lead", "team_member", "council_a", "council_b", "service_admin"}
ONBOARDERS = {"council_a", "council_b", "service_admin"}
READERS_OF_A = UPDATERS_OF_A | {"coordinator", "team_lead", "team_member", "council_b"}
UPDATERS = {"staff_a", "staff_b", "provider_a", "council_a", "council_b", "service_admin"}
TEAM_A = {"team_lead", "team_member", "service_admin"}
TEAM_MANAGERS = {"team_lead", "service_admin"}
ANSWERERS = {"staff_a", "staff_b", "provider_a", "service_admin"}

# url name: (method, kwargs builder, roles allowed; None means public)
MATRIX = {
    "start": ("GET", None, EVERYONE),
    "healthz": ("GET", None, None),
    # Prometheus only, with METRICS_TOKEN: 404 to every session (tests/test_observability.py).
    "metrics": ("GET", None, "metrics-token"),
    "about_data": ("GET", None, EVERYONE),
    "login": ("GET", None, None),
    "logout": ("POST", None, EVERYONE),
    "password_reset": ("GET", None, None),
    "password_reset_done": ("GET", None, None),
    "password_reset_confirm": ("GET", lambda w: {"uidb64": "MQ", "token": "x-y"}, None),
    "password_reset_complete": ("GET", None, None),
    "account": ("GET", None, EVERYONE),
    "password_change": ("GET", None, EVERYONE),
    "password_change_done": ("GET", None, EVERYONE),
    "two_factor_setup": ("GET", None, EVERYONE),
    "two_factor_verify": ("GET", None, EVERYONE),
    "homes:council_homes": ("GET", None, ONBOARDERS),
    "homecare:council_agencies": ("GET", None, ONBOARDERS),
    "homecare:add": ("GET", None, ONBOARDERS),
    "homecare:agency": ("GET", lambda w: {"pk": w.agency_a.pk}, READERS_OF_A),
    "homecare:history": ("GET", lambda w: {"pk": w.agency_a.pk}, READERS_OF_A),
    "homecare:capacity": ("GET", lambda w: {"pk": w.agency_a.pk}, UPDATERS_OF_A),
    "homecare:no_change": ("POST", lambda w: {"pk": w.agency_a.pk}, UPDATERS_OF_A),
    "homecare:care": ("GET", lambda w: {"pk": w.agency_a.pk}, UPDATERS_OF_A),
    "homecare:districts": ("GET", lambda w: {"pk": w.agency_a.pk}, UPDATERS_OF_A),
    "homecare:remind": ("POST", lambda w: {"pk": w.agency_a.pk}, {"council_a", "service_admin"}),
    "homecare:confirm_from_reminder": ("GET", lambda w: {"pk": w.agency_a.pk, "token": "not-a-token"}, "public-404"),
    "homecare:find": ("GET", None, SEARCHERS),
    "homecare:shortlist": ("GET", None, SEARCHERS),
    "homecare:shortlist_csv": ("GET", None, SEARCHERS),
    "homecare:toggle_shortlist": ("POST", lambda w: {"pk": w.agency_a.pk}, SEARCHERS),
    "homecare:find_csv": ("GET", None, SEARCHERS),
    "homes:add": ("GET", None, ONBOARDERS),
    "homes:import_upload": ("GET", None, ONBOARDERS),
    "homes:import_detail": ("GET", lambda w: {"pk": w.job.pk}, {"council_a", "service_admin"}),
    "homes:import_columns": ("GET", lambda w: {"pk": w.mapping_job.pk}, {"council_a", "service_admin"}),
    "homes:import_start": ("POST", lambda w: {"pk": w.job.pk}, {"council_a", "service_admin"}),
    "homes:import_cancel": ("POST", lambda w: {"pk": w.job.pk}, {"council_a", "service_admin"}),
    "homes:import_problems": ("GET", lambda w: {"pk": w.job.pk}, {"council_a", "service_admin"}),
    "vacancies:home": ("GET", lambda w: {"pk": w.home_a.pk}, READERS_OF_A),
    "homes:edit": ("GET", lambda w: {"pk": w.home_a.pk}, UPDATERS_OF_A),
    "homes:history": ("GET", lambda w: {"pk": w.home_a.pk}, {"council_a", "service_admin"}),
    "homes:correct_cqc_facts": ("GET", lambda w: {"pk": w.home_a.pk}, {"council_a", "service_admin"}),
    # POST only (one click); a location of council A's area (tests/test_cqc_register.py adds it).
    "homes:add_from_register": (
        "POST", lambda w: {"location_id": w.cqc_location_a.location_id}, {"council_a", "service_admin"},
    ),
    "homes:cqc_sync": ("GET", None, {"service_admin"}),
    "homes:staff": ("GET", lambda w: {"pk": w.home_a.pk}, {"provider_a", "council_a", "service_admin"}),
    "homes:remove_staff": (
        "POST", lambda w: {"pk": w.home_a.pk, "membership_pk": w.staff_a_membership.pk},
        {"provider_a", "council_a", "service_admin"},
    ),
    "vacancies:my_homes": ("GET", None, UPDATERS),
    "vacancies:confirm_all": ("POST", None, UPDATERS),
    "vacancies:update": ("GET", lambda w: {"pk": w.home_a.pk}, UPDATERS_OF_A),
    "vacancies:confirm": ("POST", lambda w: {"pk": w.home_a.pk}, UPDATERS_OF_A),
    "vacancies:report": ("GET", lambda w: {"pk": w.home_a.pk}, SEARCHERS),
    "vacancies:confirm_from_reminder": ("GET", lambda w: {"pk": w.home_a.pk, "token": "not-a-token"}, "public-404"),
    "vacancies:check": ("POST", lambda w: {"pk": w.home_a.pk, "category": "nursing"}, UPDATERS_OF_A),
    "search:search": ("GET", None, SEARCHERS),
    "search:export": ("GET", None, SEARCHERS),
    "search:default_location": ("POST", None, SEARCHERS),
    "search:shortlist": ("GET", None, SEARCHERS),
    "search:shortlist_csv": ("GET", None, SEARCHERS),
    "search:saved": ("GET", None, SEARCHERS),
    "search:saved_alerts": ("POST", lambda w: {"pk": w.saved_search.pk}, {"coordinator"}),
    "search:delete_saved": ("POST", lambda w: {"pk": w.saved_search.pk}, {"coordinator"}),
    "search:recent_alerts": ("GET", None, SEARCHERS),
    "search:stop_alerts": ("GET", lambda w: {"token": "not-a-token"}, "public-404"),
    "search:toggle_shortlist": ("POST", lambda w: {"pk": w.home_a.pk}, SEARCHERS),
    "dashboard:dashboard": ("GET", None, ONBOARDERS),
    "dashboard:remind_one": ("POST", lambda w: {"pk": w.home_a.pk}, {"council_a", "service_admin"}),
    "dashboard:remind_all": ("POST", None, ONBOARDERS),
    "dashboard:position_csv": ("GET", None, ONBOARDERS),
    "dashboard:history_csv": ("GET", None, ONBOARDERS),
    "invitations": ("GET", None, {"provider_a", "team_lead", "council_a", "council_b", "service_admin"}),
    "resend_invitation": ("POST", lambda w: {"pk": w.invitation.pk}, {"provider_a", "council_a", "service_admin"}),
    "revoke_invitation": ("POST", lambda w: {"pk": w.invitation.pk}, {"provider_a", "council_a", "service_admin"}),
    "accept_invitation": ("GET", lambda w: {"token": "not-a-real-token"}, "public-404"),
    "audit": ("GET", None, {"service_admin"}),
    "audit_csv": ("GET", None, {"service_admin"}),
    "admin:index": ("GET", None, "admin"),
    "teams": ("GET", None, {"team_lead", "council_a", "council_b", "service_admin"}),
    "team": ("GET", lambda w: {"pk": w.team.pk}, TEAM_MANAGERS),
    "remove_team_member": (
        "POST", lambda w: {"pk": w.team.pk, "membership_pk": w.team_member_membership.pk}, TEAM_MANAGERS,
    ),
    "enquiries:list": ("GET", None, TEAM_A),
    "enquiries:new": ("GET", None, {"team_lead", "team_member"}),
    "enquiries:new_package": ("GET", None, {"team_lead", "team_member"}),
    "enquiries:enquiry": ("GET", lambda w: {"pk": w.enquiry.pk}, TEAM_A),
    "enquiries:place": ("POST", lambda w: {"pk": w.enquiry.pk, "referral_pk": w.referral_a.pk}, TEAM_A),
    "enquiries:withdraw": ("POST", lambda w: {"pk": w.enquiry.pk}, TEAM_A),
    "enquiries:team_message": ("POST", lambda w: {"pk": w.enquiry.pk}, TEAM_A),
    "enquiries:inbox": ("GET", None, ANSWERERS),
    "enquiries:inbox_count": ("GET", None, ANSWERERS),
    "enquiries:referral": ("GET", lambda w: {"pk": w.referral_a.pk}, {"staff_a", "provider_a", "service_admin"}),
    "enquiries:area": ("GET", None, ONBOARDERS),
    "enquiries:area_csv": ("GET", None, ONBOARDERS),
    "enquiries:area_home_care": ("GET", None, ONBOARDERS),
    "enquiries:area_home_care_csv": ("GET", lambda w: {"table": "weeks"}, ONBOARDERS),
    "api:keys": ("GET", None, {"provider_a", "council_a", "council_b", "service_admin"}),
    "api:revoke": ("POST", lambda w: {"pk": w.api_key.pk}, {"council_a", "service_admin"}),
    "api:replace": ("POST", lambda w: {"pk": w.api_key.pk}, {"council_a", "service_admin"}),
    "api:docs": ("GET", None, None),
    "api-v1:openapi-json": ("GET", None, None),
    # The API itself opens to a key (tests/test_api.py: every kind of key), never to a session.
    "api-v1:api-root": ("GET", None, "api-key"),
    "api-v1:list_homes": ("GET", None, "api-key"),
    "api-v1:get_home": ("GET", lambda w: {"cqc_location_id": w.home_a.cqc_location_id}, "api-key"),
    "api-v1:totals": ("GET", None, "api-key"),
    "api-v1:list_returns": ("GET", None, "api-key"),
    "api:fhir_metadata": ("GET", None, None),
    "api:fhir_not_found": ("GET", lambda w: {"rest": "Patient"}, "public-404"),
    "api_not_found": ("GET", lambda w: {"rest": "v2/homes"}, "public-404"),
    "api:fhir_structure_definition": ("GET", lambda w: {"resource_id": "available-beds"}, None),
    "api:fhir_locations": ("GET", None, "api-key"),
    "api:fhir_location": ("GET", lambda w: {"resource_id": w.home_a.cqc_location_id}, "api-key"),
    "api:fhir_services": ("GET", None, "api-key"),
    "api:fhir_service": ("GET", lambda w: {"resource_id": f"{w.home_a.cqc_location_id}-nursing"}, "api-key"),
    "api:fhir_organizations": ("GET", None, "api-key"),
    "api:fhir_organization": ("GET", lambda w: {"resource_id": "1-000000001"}, "api-key"),
    "api-v1:list_changes": ("GET", None, "api-key"),
    "api-v1:list_agencies": ("GET", None, "api-key"),
    "api-v1:get_agency": ("GET", lambda w: {"cqc_location_id": w.agency_a.cqc_location_id}, "api-key"),
    "api-v1:list_agency_changes": ("GET", None, "api-key"),
    "api-v1:put_vacancies": ("PUT", lambda w: {"cqc_location_id": w.home_a.cqc_location_id}, "api-key"),
    "api-v1:confirm": ("POST", lambda w: {"cqc_location_id": w.home_a.cqc_location_id}, "api-key"),
    "returns:mine": ("GET", None, ANSWERERS),
    "returns:together": ("POST", None, ANSWERERS),
    "returns:template": ("GET", None, ANSWERERS),
    "returns:upload": ("GET", None, ANSWERERS),
    "returns:home": ("GET", lambda w: {"pk": w.home_a.pk}, {"staff_a", "provider_a", "service_admin"}),
    "returns:from_reminder": ("GET", lambda w: {"pk": w.home_a.pk, "token": "not-a-token"}, "public-404"),
    "returns:area": ("GET", None, ONBOARDERS),
    "returns:chase": ("POST", None, ONBOARDERS),
    "returns:workforce_csv": ("GET", None, ONBOARDERS),
    "returns:extract": ("GET", None, ONBOARDERS),
    "public:find": ("GET", None, None),
    "public:compare": ("GET", None, None),
    "public:about": ("GET", None, None),
    "public:profile": ("GET", lambda w: {"cqc_id": w.home_a.cqc_location_id}, None),
    "public:find_home_care": ("GET", None, None),
    "public:agency": ("GET", lambda w: {"cqc_id": w.agency_a.cqc_location_id}, None),
    "public:robots": ("GET", None, None),
    "public:sitemap": ("GET", None, None),
    "public:sitemap_section": ("GET", lambda w: {"section": "homes"}, None),
    "public:edit": ("GET", lambda w: {"pk": w.home_a.pk}, UPDATERS_OF_A),
}  # fmt: skip


ENQUIRY = {
    "reference": "Ward 1", "category": "nursing", "sex": "female", "age_band": "85+", "funding": "council",
    "pathway": "3", "needed_from": datetime.date.today(), "care_needs": "Hoist", "contact": "Hub",
}  # fmt: skip
QUERY = {"dashboard:history_csv": "?start=2026-01-01&end=2026-01-31", "homecare:find_csv": "?postcode=LS6"}


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:index")
                continue
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_row():
    assert url_names() == set(MATRIX)


class World:
    """Home A in Leeds and home B in Bradford, one person in each role, and something of each kind
    the URLs name (conftest's fixtures are per test; this world is made once per module)."""

    def __init__(self):
        from homes.models import ImportJob

        leeds, bradford = local_authority(LEEDS), local_authority(BRADFORD)
        provider = ProviderFactory(name="Aire Valley Care Ltd")
        self.home_a = CareHomeFactory(name="Headingley Park", provider=provider)
        self.home_b = CareHomeFactory(name="Heaton Grove", local_authority=bradford, town="Bradford",
                                      postcode="BD9 5AB")  # fmt: skip
        give_figures(self.home_a)
        self.team = Team.objects.create(name="Leeds discharge hub", kind=Team.Kind.HOSPITAL,
                                        contact_email="hub@example.org", contact_phone="0113 496 0123")  # fmt: skip
        self.users = {
            "staff_a": MembershipFactory(role=Role.HOME_STAFF, home=self.home_a).user,
            "staff_b": MembershipFactory(role=Role.HOME_STAFF, home=self.home_b).user,
            "provider_a": MembershipFactory(role=Role.PROVIDER_ADMIN, provider=provider).user,
            "coordinator": MembershipFactory(role=Role.COORDINATOR).user,
            "team_lead": MembershipFactory(role=Role.TEAM_LEAD, team=self.team).user,
            "team_member": MembershipFactory(role=Role.COORDINATOR, team=self.team).user,
            "council_a": with_authenticator(MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=leeds).user),
            "council_b": with_authenticator(MembershipFactory(role=Role.COUNCIL_ADMIN, local_authority=bradford).user),
            "service_admin": with_authenticator(UserFactory(is_superuser=True, is_staff=True)),
        }
        self.saved_search = SavedSearch.objects.create(user=self.users["coordinator"], query="category=nursing",
                                                       label="Nursing")  # fmt: skip
        self.api_key, _ = keys.make(name="Leeds", kind=ApiKey.Kind.COUNCIL, user=self.users["council_a"],
                                    local_authority=self.home_a.local_authority)  # fmt: skip
        self.team_member_membership = Membership.objects.get(user=self.users["team_member"])
        with mock.patch("enquiries.notices.transaction.on_commit"):  # no emails: the test never commits
            self.enquiry = flows.send(self.team, self.users["team_member"], [self.home_a, self.home_b], **ENQUIRY)
        self.referral_a = self.enquiry.referrals.get(home=self.home_a)
        self.staff_a_membership = Membership.objects.get(user=self.users["staff_a"], role=Role.HOME_STAFF)
        # Home A's staff keep an agency of the same provider too (ADR 019).
        self.agency_a = AgencyFactory(name="Headingley Home Care", provider=provider)
        MembershipFactory(role=Role.HOME_STAFF, home=self.agency_a, user=self.users["staff_a"])
        self.job = ImportJob.objects.create(
            uploaded_by=self.users["council_a"], local_authority=self.home_a.local_authority, filename="a.csv",
            content="", status=ImportJob.Status.READY,
        )  # fmt: skip
        from homes.models import CqcLocation

        self.cqc_location_a = CqcLocation.objects.create(
            location_id="1-555000001", name="Newly Registered", postcode="LS6 2AD", registered=True,
            local_authority=self.home_a.local_authority, facts={}, first_seen_at="2026-01-01T00:00Z",
            checked_at="2026-01-01T00:00Z",
        )  # fmt: skip
        self.mapping_job = ImportJob.objects.create(
            uploaded_by=self.users["council_a"], local_authority=self.home_a.local_authority, filename="b.csv",
            content="Home ID,Home name\n1-101,A\n", status=ImportJob.Status.MAPPING,
        )  # fmt: skip
        from django.utils import timezone

        self.invitation = Invitation.objects.create(
            email="new@example.org", role=Role.HOME_STAFF, home=self.home_a, token_hash="x" * 64,
            sent_at=timezone.now(), expires_at=timezone.now() + timezone.timedelta(days=7),
        )  # fmt: skip
        # Each role signed in once, as force_login does it (two-factor passed for those with an app):
        # a sign-in cost as much as a row's request. A row's request that changes or ends the
        # session is undone with the rest of the row.
        self.sessions = {}
        for role, user in self.users.items():
            signing_in = VerifiedClient()
            signing_in.force_login(user)
            self.sessions[role] = signing_in.cookies[settings.SESSION_COOKIE_NAME].value

    def sign_in(self, client, role: str) -> None:
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Made once for the module's thousand rows, in a transaction rolled back at its end. Each row
    runs in a savepoint inside it (pytest-django's db), so whatever a row's request changes is
    undone before the next row, as if the world were made afresh."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


# What a role the row lets in gets, when it is not 200: a redirect and where it leads (a path,
# or a function of the world for one with an id in it). One answer per row, so a page that
# began sending people to sign in, or to an error, fails.
ANSWER = {
    "api:revoke": "302 /api-keys/",
    "dashboard:remind_all": "302 /area/",
    "dashboard:remind_one": "302 /area/",
    "enquiries:place": lambda w: f"302 /enquiries/{w.enquiry.pk}/",
    "enquiries:team_message": "400",  # no message written: the form says so
    "enquiries:withdraw": lambda w: f"302 /enquiries/{w.enquiry.pk}/",
    "homecare:find_csv": "200",
    "homecare:no_change": lambda w: f"302 /agencies/{w.agency_a.pk}/capacity/",  # no capacity yet: enter it first
    "homecare:remind": "302 /agencies/",
    "homecare:toggle_shortlist": "302 /find-home-care/shortlist/",
    "homes:add_from_register": "302 /homes/",
    "homes:import_cancel": "302 /homes/import/",
    "homes:import_start": lambda w: f"302 /homes/import/{w.job.pk}/",
    "homes:remove_staff": lambda w: f"302 /homes/{w.home_a.pk}/staff/",
    "login": "302 /",  # signed in already: to the start page
    "logout": "302 /sign-in/",
    "password_change_done": "302 /",
    "remove_team_member": lambda w: f"302 /teams/{w.team.pk}/",
    "resend_invitation": "302 /invitations/",
    "returns:chase": "302 /area/returns/",
    "returns:together": "302 /returns/",
    "revoke_invitation": "302 /invitations/",
    "search:default_location": "302 /find-a-bed/",
    "search:delete_saved": "302 /find-a-bed/saved/",
    "search:saved_alerts": "302 /find-a-bed/saved/",
    "search:toggle_shortlist": "302 /find-a-bed/shortlist/",
    "two_factor_verify": "302 /account/two-factor/set-up/",  # no authenticator app yet: set one up first
    "vacancies:confirm": "302 /my-homes/",
    "vacancies:confirm_all": "302 /my-homes/",
}
# ...and where one role of a row gets another answer than the row's.
ANSWER_TO = {
    ("api:keys", "provider_a"): "302 /account/two-factor/set-up/",  # a key needs a second factor first
    ("login", "anonymous"): "200",
    ("start", "staff_a"): "302 /my-homes/",  # care home staff start at their homes
    ("start", "staff_b"): "302 /my-homes/",
    ("start", "provider_a"): "302 /my-homes/",
    ("two_factor_verify", "council_a"): "200",  # admins have an authenticator app: asked for a code
    ("two_factor_verify", "council_b"): "200",
    ("two_factor_verify", "service_admin"): "200",
}


def answer(response) -> str:
    """A response as the matrix writes it: its status, and for a redirect where it leads."""
    if response.status_code in {301, 302}:
        return f"{response.status_code} {response['Location'].split('?')[0]}"
    return str(response.status_code)


def expected_answer(name: str, role: str, world) -> str:
    expected = ANSWER_TO.get((name, role)) or ANSWER.get(name, "200")
    return expected(world) if callable(expected) else expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, world, name, role):
    method, kwargs, allowed = MATRIX[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None) + QUERY.get(name, "")
    if role != "anonymous":
        world.sign_in(client, role)
    response = getattr(client, method.lower())(url)
    got = answer(response)
    if allowed == "api-key":  # no key (tests/test_api.py: every kind of key); the API's root has no page
        assert got == ("404" if name == "api-v1:api-root" else "401"), (name, role, got)
    elif allowed == "metrics-token":
        assert got == "404", (name, role, got)
        with override_settings(METRICS_TOKEN="monitoring-token"):
            assert client.get(url).status_code == 404, (name, role)
            assert client.get(url, headers={"Authorization": "Bearer monitoring-token"}).status_code == 200
    elif allowed == "public-404":  # an invalid link: the same for everyone
        assert got == "404", (name, role, got)
    elif allowed == "admin":
        assert got == ("200" if role == "service_admin" else "302 /admin/login/"), (name, role, got)
    elif allowed is None:  # public
        assert got == expected_answer(name, role, world), (name, role, got)
    elif role == "anonymous":
        assert got == "302 /sign-in/", (name, got)
    elif role in allowed:
        assert got == expected_answer(name, role, world), (name, role, got)
    else:
        assert got == "404", (name, role, got)


def url_views(patterns=None, namespace=""):
    """(url name, view) for every URL the project defines (Django admin's excepted: its own
    ``has_permission``, restricted to service admins by tracker/admin_site.py)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_views(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern.callback


def declared(view) -> str:
    """Who may open ``view``, as the view itself says: the rules it names, or "public"."""
    rules = getattr(view, "permissions", ())
    if rules:
        return " and ".join(getattr(rule, "name", None) or rule.__name__ for rule in rules)
    return "public" if getattr(view, "login_required", True) is False else ""


@pytest.mark.parametrize(("name", "view"), list(url_views()), ids=lambda value: value if isinstance(value, str) else "")
def test_every_view_says_who_may_open_it(name, view):
    """A newcomer reads who may open a URL on its view: ``@permission_required(rule)``, a home's
    ``@home_permission_required(RULE)``, or ``@login_not_required`` (public, or its own key or
    token). A view with none of them fails here, before anyone is let in by default."""
    assert declared(view), f"{name}: its view names no rule of accounts/permissions.py and is not public"


def test_a_view_without_a_rule_would_fail():
    def undeclared(request):
        pass

    assert declared(undeclared) == ""
    assert declared(login_not_required(undeclared)) == "public"
    assert declared(permission_required(may_search)(lambda request: None)) == "may_search"
    with pytest.raises(ValueError, match="not a page rule"):
        permission_required(lambda roles: True)  # a rule of its own, not one of the module's


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_the_menu_shows_a_section_to_those_its_page_lets_in(client, world, role):
    """The menu is made from the pages' rules: each section a person sees opens for them, and
    each section hidden from them is a page that does not (or one narrowed on purpose, like a
    service admin's inbox: ``only_for``)."""
    world.sign_in(client, role)
    roles = roles_for(world.users[role])
    for entry in contributed(MENU):
        opens = client.get(reverse(entry.url_name)).status_code != 404
        if entry.url_name == "admin:index":
            opens = role == "service_admin"  # Django admin sends others to its own sign-in
        if navigation.shown_to(entry, roles):
            assert opens, (role, entry.label)
        elif entry.only_for is None:
            assert not opens, (role, entry.label)
