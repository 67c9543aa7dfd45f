"""Every rule of accounts/permissions.py, every way: the filter (which homes a
person reaches), the check on one home (no query) and the filter in SQL (a page's
one home read by hand) must agree, for every kind of role. And the old-layout database is moved to the accounts app."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404

from accounts import permissions
from accounts.management.commands.migrate import move_accounts_label
from accounts.models import Invitation, Role
from accounts.roles import roles_for
from homes.access import one_of
from registers.models import CareHome
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Which of the two homes each role reaches, by rule: home A is in Leeds, run by the
# provider; home B is in Bradford, run by another.
EXPECTED = {
    "home_staff": {"view": {"A"}, "update": {"A"}, "manage staff": set(), "administer": set(),
                   "answer enquiries": {"A"}, "submit return": {"A"}},
    "provider_admin": {"view": {"A"}, "update": {"A"}, "manage staff": {"A"}, "administer": set(),
                       "answer enquiries": {"A"}, "submit return": {"A"}},
    "coordinator": {"view": {"A", "B"}, "update": set(), "manage staff": set(), "administer": set(),
                    "answer enquiries": set(), "submit return": set()},
    "council_admin": {"view": {"A", "B"}, "update": {"A"}, "manage staff": {"A"}, "administer": {"A"},
                      "answer enquiries": set(), "submit return": set()},
    "service_admin": {"view": {"A", "B"}, "update": {"A", "B"}, "manage staff": {"A", "B"},
                      "administer": {"A", "B"}, "answer enquiries": {"A", "B"}, "submit return": {"A", "B"}},
    "user_without_role": {"view": set(), "update": set(), "manage staff": set(), "administer": set(),
                          "answer enquiries": set(), "submit return": set()},
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("rule", permissions.HOME_RULES, ids=lambda rule: rule.name)
def test_each_rule_filters_and_checks_alike(request, role, rule, home, other_home, django_assert_num_queries):
    user = request.getfixturevalue(role)
    names = {home.pk: "A", other_home.pk: "B"}
    roles = roles_for(user)
    reached = {names[pk] for pk in CareHome.objects.filter(rule.homes(roles)).values_list("pk", flat=True)}
    assert reached == EXPECTED[role][rule.name]
    with django_assert_num_queries(0):  # roles are loaded: a check is arithmetic
        checked = {names[h.pk] for h in (home, other_home) if rule.allows(roles, h)}
    assert checked == reached
    condition, params = rule.where(roles)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM homes_carehome WHERE {condition}", params)  # noqa: S608 - the rule's own
        assert {names[pk] for (pk,) in cursor.fetchall() if pk in names} == reached
    for one in (home, other_home):  # a page's one home, read by hand (homes/access.py) as through the filter
        if names[one.pk] in reached:
            # Named in another order than the model's: each value is still its own field's.
            loaded = one_of(
                CareHome.objects, user, one.pk, rule, fields=("provider", "postcode", "name", "cqc_location_id")
            )
            assert (loaded.pk, loaded.name, loaded.cqc_location_id, loaded.postcode, loaded.provider_id) == (
                one.pk, one.name, one.cqc_location_id, one.postcode, one.provider_id
            )  # fmt: skip
            assert loaded.get_deferred_fields() >= {"town", "local_authority_id"}  # as .only() reads it
        else:
            with pytest.raises(Http404):
                one_of(CareHome.objects, user, one.pk, rule, fields=("name",))


def test_a_home_reached_through_a_relation(home, other_home, provider_admin):
    """``through`` filters records by their home (invitations, say) with the same grants."""
    inviter = UserFactory()
    Invitation.objects.create(email="a@example.org", role=Role.HOME_STAFF, home=home, invited_by=inviter,
                              token_hash="a", sent_at=home.created_at, expires_at=home.created_at)  # fmt: skip
    Invitation.objects.create(email="b@example.org", role=Role.HOME_STAFF, home=other_home, invited_by=inviter,
                              token_hash="b", sent_at=home.created_at, expires_at=home.created_at)  # fmt: skip
    visible = Invitation.objects.filter(permissions.invitations(roles_for(provider_admin)))
    assert list(visible.values_list("email", flat=True)) == ["a@example.org"]


def test_a_person_with_several_roles_gets_each_roles_grants(home, other_home, leeds):
    user = MembershipFactory(role=Role.HOME_STAFF, home=other_home).user
    MembershipFactory(role=Role.COORDINATOR, user=user)
    roles = roles_for(user)
    assert permissions.UPDATE_HOME.allows(roles, other_home)
    assert not permissions.UPDATE_HOME.allows(roles, home)
    assert permissions.VIEW_HOME.allows(roles, home)
    assert permissions.may_search(roles)
    assert permissions.keeps_homes(roles)
    assert not permissions.may_onboard(roles)


def test_page_rules_for_each_role(request):
    expected = {  # search, onboard, my homes, areas, audit, admin power
        "home_staff": (False, False, True, False, False, False),
        "provider_admin": (False, False, True, False, False, False),
        "coordinator": (True, False, False, False, False, False),
        "council_admin": (True, True, True, True, False, True),
        "service_admin": (True, True, True, True, True, True),
        "user_without_role": (False, False, False, False, False, False),
    }
    for role, answers in expected.items():
        roles = roles_for(request.getfixturevalue(role))
        rules = (
            permissions.may_search, permissions.may_onboard, permissions.keeps_homes,
            permissions.may_see_areas, permissions.reads_audit_trail, permissions.holds_admin_power,
        )  # fmt: skip
        asked = tuple(rule(roles) for rule in rules)
        assert asked == answers, role


def test_a_database_made_before_the_accounts_app_is_moved_to_it():
    """The accounts tables and their history once had the app label "tracker"."""
    tables = ["user", "user_groups", "user_user_permissions", "membership", "invitation", "auditevent"]
    before = UserFactory(email="kept@example.org")
    with connection.cursor() as cursor:  # put the database back in its old shape (rolled back after the test)
        for table in tables:
            cursor.execute(f'ALTER TABLE "accounts_{table}" RENAME TO "tracker_{table}"')
        cursor.execute("UPDATE django_migrations SET app = 'tracker' WHERE app = 'accounts'")
        cursor.execute("UPDATE django_content_type SET app_label = 'tracker' WHERE app_label = 'accounts'")
    assert move_accounts_label(connection) is True
    assert move_accounts_label(connection) is False  # once only
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)  # would raise for the old shape
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(connection.introspection.table_names()) >= {f"accounts_{table}" for table in tables}
    from accounts.models import User

    assert User.objects.get(pk=before.pk).email == "kept@example.org"


def test_a_page_about_one_kind_of_location_never_loads_the_other_by_hand(service_admin, home):
    """The managers' own filters hold when the home is read by hand (homes/access.py): care
    homes only, agencies only, or every kind (ADR 019), even for a service admin."""
    from registers.models import HomeCareAgency
    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    rule = permissions.UPDATE_HOME
    assert one_of(CareHome.objects, service_admin, home.pk, rule, fields=("name",)).pk == home.pk
    assert one_of(HomeCareAgency.objects, service_admin, agency.pk, rule, fields=("name",)).pk == agency.pk
    for location in (home, agency):
        assert one_of(CareHome.locations, service_admin, location.pk, rule, fields=("name",)).pk == location.pk
    with pytest.raises(Http404):
        one_of(CareHome.objects, service_admin, agency.pk, rule, fields=("name",))
    with pytest.raises(Http404):
        one_of(HomeCareAgency.objects, service_admin, home.pk, rule, fields=("name",))
