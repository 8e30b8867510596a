"""As the application role, no statement can change or remove audit rows or switch a guard off.

Runs against whichever server the suite uses (the embedded one, or CI's service database):
the role is made here if it does not exist, granted by `db_grants`, and used over its own
connection.
"""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

APP_ROLE = "fusion_app_test"

REFUSED = {
    "update": ["UPDATE triage_decision SET outcome = outcome"],
    "delete": ["DELETE FROM triage_review"],
    "truncate": ["TRUNCATE triage_accessevent"],
    "update published policy with pgtrigger.ignore": [
        "SET pgtrigger.ignore = '{published_version_immutable}'",
        "UPDATE policy_policyversion SET statement = 'edited' WHERE status = 'published'",
    ],
    "delete published policy with pgtrigger.ignore": [
        "SET pgtrigger.ignore = '{published_version_immutable}'",
        "DELETE FROM policy_policyversion WHERE status = 'published'",
    ],
    "truncate with fusion.allow_truncate": [
        "SET fusion.allow_truncate = 'on'",
        "TRUNCATE triage_decision CASCADE",
    ],
    "session_replication_role": ["SET session_replication_role = replica"],
    "disable trigger": ["ALTER TABLE triage_decision DISABLE TRIGGER ALL"],
    "drop trigger": [
        "DO $$ BEGIN EXECUTE (SELECT format('DROP TRIGGER %I ON triage_decision', tgname)"
        " FROM pg_trigger WHERE tgrelid = 'triage_decision'::regclass AND NOT tgisinternal"
        " LIMIT 1); END $$"
    ],
    "drop table": ["DROP TABLE triage_accessevent"],
    "create function": ["CREATE FUNCTION public.x() RETURNS int AS 'SELECT 1' LANGUAGE sql"],
}


@pytest.fixture
def app_connection(transactional_db, policy_v1):
    # The role is the server's, shared by parallel test workers: another may make it first.
    create = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(APP_ROLE)).as_string()
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{APP_ROLE}') THEN {create}; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    call_command("db_grants", app_role=APP_ROLE)
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "password", "prepare_threshold"):
        params.pop(key, None)
    params.update(user=APP_ROLE, dbname=connection.settings_dict["NAME"])
    params["options"] = "-c lock_timeout=2000"
    with psycopg.connect(**params) as conn:
        yield conn


@pytest.mark.parametrize("name", REFUSED)
def test_application_role_is_refused(app_connection, name):
    with pytest.raises(psycopg.Error) as refused:
        with app_connection.transaction():
            for statement in REFUSED[name]:
                app_connection.execute(statement)
    assert isinstance(
        refused.value, psycopg.errors.InsufficientPrivilege | psycopg.errors.RaiseException
    ), refused.value


def test_application_role_can_read_and_append(app_connection):
    with app_connection.transaction():
        count = app_connection.execute("SELECT count(*) FROM policy_policyversion").fetchone()[0]
        assert count >= 1
        app_connection.execute("UPDATE django_session SET expire_date = expire_date")


def test_owner_setting_pgtrigger_ignore_still_works_for_maintenance(policy_v1):
    """The opt-out is the owner's alone: as owner (the suite's connection) it still applies."""
    import pgtrigger

    from policy.models import PolicyVersion

    with pgtrigger.ignore("policy.PolicyVersion:published_version_immutable"):
        PolicyVersion.objects.filter(pk=policy_v1.pk).update(statement="maintenance")
    policy_v1.refresh_from_db()
    assert policy_v1.statement == "maintenance"


def test_the_truncate_guard_has_no_client_settable_opt_out(policy_v1):
    """`fusion.allow_truncate` used to let any session with TRUNCATE past the guard; even the
    owner setting it now changes nothing."""
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="Cannot truncate the append-only table"):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL fusion.allow_truncate = 'on'")
            cursor.execute("TRUNCATE policy_policyeditevent")


def test_application_role_cannot_truncate_even_naming_the_guard_in_pgtrigger_ignore(
    app_connection,
):
    import pgtrigger

    ((model, trigger),) = pgtrigger.registered("triage.AccessEvent:access_event_no_truncate")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with app_connection.transaction():
            app_connection.execute(f"SET LOCAL pgtrigger.ignore = '{{{trigger.get_pgid(model)}}}'")
            app_connection.execute("TRUNCATE triage_accessevent")
