"""The registers' models left homes without a copy (docs/adr/021-layers-for-every-reference.md):
a database as main's migrations left it moves forward with every row where it was, the
admin's log and the permissions granted following the content types, and moves back."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Membership, User
from registers.models import CareHome

pytestmark = pytest.mark.django_db


def schema(tables: list[str]) -> dict:
    with connection.cursor() as cursor:
        return {table: connection.introspection.get_constraints(cursor, table) for table in tables}


def test_a_database_from_before_the_move_moves_forward_and_back(home_staff, home, service_admin):
    tables = ["homes_carehome", "homes_provider", "homes_localauthority", "accounts_membership"]
    before = schema(tables)
    carehome = ContentType.objects.get_for_model(CareHome)
    LogEntry.objects.log_actions(service_admin.pk, [home], CHANGE, change_message="Renamed", single_object=True)
    editor = User.objects.create(email="editor@example.org")
    editor.user_permissions.add(Permission.objects.get(content_type=carehome, codename="change_carehome"))

    # Back to main's migrations (`migrate registers zero`): homes' models again, and their content
    # types. Each migration of the plan is unapplied from the state before it, as the executor's
    # migrate does; its own bookkeeping of every model's state on the way costs seconds more.
    executor = MigrationExecutor(connection)
    for migration, backwards in executor.migration_plan([("registers", None)]):
        assert backwards
        executor.unapply_migration(
            executor.loader.project_state((migration.app_label, migration.name), at_end=False), migration
        )
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(list(executor.loader.applied_migrations))
    assert ("registers", "carehome") not in state.models
    old_home = state.apps.get_model("homes", "CareHome").objects.get(pk=home.pk)
    assert (old_home.name, old_home.provider_id, old_home.local_authority_id) == (
        home.name, home.provider_id, home.local_authority_id,
    )  # fmt: skip
    membership = state.apps.get_model("accounts", "Membership").objects.get(user_id=home_staff.pk)
    assert membership.home_id == home.pk
    assert membership._meta.get_field("home").related_model is type(old_home)
    assert ContentType.objects.filter(pk=carehome.pk, app_label="homes", model="carehome").exists()

    # And forward, as a release on main's database would.
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(CareHome).pk == carehome.pk
    assert LogEntry.objects.get(object_id=str(home.pk)).get_edited_object() == home
    assert User.objects.get(pk=editor.pk).has_perm("registers.change_carehome")
    assert Membership.objects.get(user=home_staff).home == home
    assert schema(tables) == before  # the tables, their indexes and constraints untouched
