"""Least privilege in PostgreSQL: what the application role may do, and who may skip a trigger.

Two roles: the owner runs migrations and owns every table; the application role (the one in
DATABASE_URL) owns nothing. On the append-only tables it may only SELECT and INSERT, so no
UPDATE, DELETE or TRUNCATE reaches a trigger at all; ALTER TABLE … DISABLE TRIGGER and DROP
TRIGGER need ownership and SET session_replication_role needs a superuser, so it can do
neither. pgtrigger's `SET pgtrigger.ignore` escape hatch is honoured for the owner only
(`ignore_guard_install` replaces pgtrigger's helper after every migrate).
"""

from django.db import connection as default_connection
from psycopg import sql


def append_only_tables() -> tuple[str, ...]:
    """Every table whose model declares an append-only trigger: SELECT and INSERT only, for the
    application role. Derived from the models, so a new audit table cannot be forgotten."""
    from django.apps import apps

    return tuple(
        sorted(
            model._meta.db_table
            for model in apps.get_models()
            if any(t.name.endswith("append_only") for t in getattr(model._meta, "triggers", []))
        )
    )


# pgtrigger's helper, as pgtrigger writes it, but answering "ignore" only when the session's
# role is the owner that ran the migrations: an application role's SET pgtrigger.ignore
# changes nothing. Every trigger install rewrites the helper, hence re-applied on migrate.
IGNORE_GUARD = """
CREATE OR REPLACE FUNCTION public._pgtrigger_should_ignore(trigger_name NAME)
RETURNS BOOLEAN AS $$
    DECLARE
        _pgtrigger_ignore TEXT[];
    BEGIN
        IF current_user <> {owner} THEN
            RETURN FALSE;
        END IF;
        BEGIN
            SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
            EXCEPTION WHEN OTHERS THEN
        END;
        RETURN COALESCE(trigger_name = ANY(_pgtrigger_ignore), FALSE);
    END;
$$ LANGUAGE plpgsql;
"""


def ignore_guard_install(connection=default_connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(sql.SQL(IGNORE_GUARD).format(owner=sql.Literal(owner)).as_string())


def grants_apply(*, app_role: str, connection=default_connection) -> list[str]:
    """Grant `app_role` what the service needs and nothing more; return the mutable tables."""
    role = sql.Identifier(app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = sql.Identifier(cursor.fetchone()[0])
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        append_only = append_only_tables()
        mutable = [t for t in tables if t not in append_only]
        statements = [
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(role),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(role),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
            sql.SQL("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {}").format(role),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
            # Tables a later migration adds start append-only until db_grants runs again.
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT, INSERT ON TABLES TO {}"
            ).format(owner, role),
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {}"
            ).format(owner, role),
        ]
        statements += [
            sql.SQL("GRANT UPDATE, DELETE ON {} TO {}").format(sql.Identifier(t), role)
            for t in mutable
        ]
        for statement in statements:
            cursor.execute(statement.as_string())
    return mutable


# pg_trigger.tgenabled: "O" fires in the normal (origin) mode, "A" always; "D" is disabled and
# "R" fires only under session_replication_role = replica, so never in normal use.
ENABLED = ("O", "A")


def guards_check(connection=default_connection) -> list[str]:
    """Every append-only guard the models declare is in the database, enabled, and runs the
    function the code declares; and the application role holds no privilege it must not.

    Returns one sentence per problem (empty when all is well).
    """
    import pgtrigger
    from django.conf import settings

    problems = []
    with connection.cursor() as cursor:
        for model, trigger in sorted(
            pgtrigger.registered(), key=lambda pair: (pair[0]._meta.db_table, pair[1].name)
        ):
            table = model._meta.db_table
            cursor.execute(
                "SELECT t.tgenabled, p.prosrc, obj_description(t.oid, 'pg_trigger') "
                "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgname = %s AND t.tgrelid = to_regclass(%s)",
                [trigger.get_pgid(model), table],
            )
            found = cursor.fetchone()
            name = f"The trigger {trigger.name} on {table}"
            if found is None:
                problems.append(f"{name} is missing — it was dropped.")
                continue
            enabled, source, comment = found
            if enabled not in ENABLED:
                problems.append(
                    f"{name} is disabled (tgenabled '{enabled}') — its guard does not run."
                )
            if trigger.render_func(model).strip() not in source:
                problems.append(f"{name} runs a function that is not the one the code declares.")
            elif comment != trigger.compile(model).hash:
                problems.append(f"{name} was redefined: it differs from the code's definition.")
        cursor.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = '_pgtrigger_should_ignore' "
            "AND pronamespace = 'public'::regnamespace"
        )
        ignore = cursor.fetchone()
        if ignore is not None and "current_user <>" not in ignore[0]:
            problems.append(
                "pgtrigger's ignore helper honours SET pgtrigger.ignore from any role: the "
                "owner-only guard (core/db_roles.py) was replaced."
            )
        # The application role's privileges (checked from any session, its own included). A
        # role that is a superuser or owns the tables is the owner's connection doing both jobs
        # (the test suite, CI): there is no separate application role to judge.
        app_role = settings.DATABASE_APP_ROLE
        if app_role:
            cursor.execute(
                "SELECT r.rolsuper OR r.rolname = t.tableowner FROM pg_roles r "
                "LEFT JOIN pg_tables t ON t.schemaname = 'public' AND t.tablename = "
                "'triage_decision' WHERE r.rolname = %s",
                [app_role],
            )
            found = cursor.fetchone()
            if found is not None and not found[0]:
                for table in append_only_tables():
                    cursor.execute(
                        "SELECT privilege FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) "
                        "AS privilege WHERE has_table_privilege(%s, %s, privilege)",
                        [app_role, table],
                    )
                    granted = [row[0] for row in cursor.fetchall()]
                    if granted:
                        problems.append(
                            f"The application role {app_role} may {', '.join(granted)} on "
                            f"{table} — it must only SELECT and INSERT there."
                        )
    return problems
