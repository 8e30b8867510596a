"""Database guards shared by the append-only tables of both apps.

Row triggers (pgtrigger.Protect on UPDATE and DELETE) do not fire on TRUNCATE, so each
append-only table also gets a statement-level TRUNCATE guard. The test suite has to empty
tables between transactional tests, so the guard lets a session opt out explicitly with
`SET fusion.allow_truncate = 'on'` (only tests/conftest.py does; a superuser who can do
that could equally disable the triggers, which the hash chain would reveal).
"""

import pgtrigger

TRUNCATE_SETTING = "fusion.allow_truncate"


def protect_truncate(name: str) -> pgtrigger.Trigger:
    # pgtrigger.Protect has no statement-level TRUNCATE form, so the function is spelled out.
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        level=pgtrigger.Statement,
        condition=pgtrigger.Condition(
            f"current_setting('{TRUNCATE_SETTING}', true) IS DISTINCT FROM 'on'"
        ),
        func="RAISE EXCEPTION 'pgtrigger: Cannot truncate the append-only table %', TG_TABLE_NAME;",
    )
