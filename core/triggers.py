"""Database guards shared by the append-only tables of both apps.

Row triggers (pgtrigger.Protect on UPDATE and DELETE) do not fire on TRUNCATE, so each
append-only table also gets a statement-level TRUNCATE guard. It has no opt-out a client can
set (an earlier `fusion.allow_truncate` setting was one, removed by issue 14): the only way past
it is pgtrigger's `SET pgtrigger.ignore`, which core/db_roles.py honours for the owner alone
(the test suite's flush uses it), and the application role has no TRUNCATE privilege anyway.
"""

import pgtrigger


def protect_truncate(name: str) -> pgtrigger.Trigger:
    # pgtrigger.Protect has no statement-level TRUNCATE form, so the function is spelled out.
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        level=pgtrigger.Statement,
        func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only table %', TG_TABLE_NAME;",
    )


def chain_extends(name: str) -> pgtrigger.Trigger:
    """Refuse an INSERT that does not extend the table's hash chain by exactly one link.

    The application appends under an advisory lock; this makes the database itself refuse
    a row slipped in with a gap in `sequence` or a `previous_hash` that is not the last
    row's `content_hash`. (Each row's own hash is canonical JSON computed in Python; the
    verifier checks that.)
    """
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert,
        level=pgtrigger.Row,
        declare=[("last_sequence", "bigint"), ("last_hash", "varchar(64)")],
        func=pgtrigger.Func(
            """
            SELECT sequence, content_hash INTO last_sequence, last_hash
              FROM {meta.db_table} ORDER BY sequence DESC LIMIT 1;
            IF NEW.sequence <> COALESCE(last_sequence, 0) + 1
               OR NEW.previous_hash <> COALESCE(last_hash, repeat('0', 64)) THEN
                RAISE EXCEPTION
                    'pgtrigger: % row (sequence %) does not extend the hash chain (expected %)',
                    TG_TABLE_NAME, NEW.sequence, COALESCE(last_sequence, 0) + 1;
            END IF;
            RETURN NEW;
            """
        ),
    )
