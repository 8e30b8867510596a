"""What a GP reads about referral checks: one of their own, and those still in progress."""

import functools
import uuid

from django.db import connections, router

from core import rows
from core.prepared import statement_sql
from policy.models import PolicyVersion
from policy.selectors import policy_version_light_fields, policy_version_whole
from triage.models import ReferralCheck
from triage.prefetch import CHECK, prefetched_take


def check_get_for_clinician(*, check_id: uuid.UUID, user) -> ReferralCheck | None:
    """The check if this user started it; None for anyone else's, or one that is gone.

    Joins only the version, which every page of the check needs, without its large fields: the
    whole version comes from memory (policy_version_whole). The decision is read on the rare
    page that shows one. Plain SQL built once from the models (core.rows): every page of a
    check makes this lookup, and compiling it with the ORM cost more than running it.
    """
    using = router.db_for_read(ReferralCheck)
    found, row = prefetched_take(CHECK, check_id, user.pk)  # read with the session (H31)
    if not found:
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(statement_sql(connection, _check_sql()), [check_id, user.pk])
            row = cursor.fetchone()
    if row is None:
        return None
    width = rows.width(ReferralCheck)
    check = rows.instance(ReferralCheck, using, row[:width])
    version = rows.instance(PolicyVersion, using, row[width:], policy_version_light_fields())
    check.policy_version = policy_version_whole(version)
    return check


def check_sql_for_clinician() -> str:
    """check_get_for_clinician's SQL (parameters: the check's id, the user's id), for a caller
    that sends it with other statements (triage.session_store)."""
    return _check_sql()


@functools.cache
def _check_sql() -> str:
    return (
        f"SELECT {rows.columns(ReferralCheck, 'rc')}, "  # noqa: S608 (the models' own names)
        f"{rows.columns(PolicyVersion, 'v', policy_version_light_fields())} "
        f'FROM "{ReferralCheck._meta.db_table}" rc '
        f'JOIN "{PolicyVersion._meta.db_table}" v ON v."id" = rc."policy_version_id" '
        'WHERE rc."id" = %s AND rc."clinician_id" = %s'
    )


def check_list_in_progress(*, user) -> list[ReferralCheck]:
    """The user's unsubmitted checks, most recently changed first (plain SQL built once: the
    start page asks on every visit)."""
    using = router.db_for_read(ReferralCheck)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(statement_sql(connection, in_progress_sql()), [user.pk])
        return checks_from_rows(cursor.fetchall(), using)


def checks_from_rows(found: list[tuple], using: str) -> list[ReferralCheck]:
    """The checks that in_progress_sql() read."""
    return [rows.instance(ReferralCheck, using, row) for row in found]


@functools.cache
def in_progress_sql() -> str:
    """A user's checks in progress, most recently changed first; one parameter, the user's id
    (check_list_in_progress, and the start page's one round trip in triage.selectors.practice)."""
    return (
        f"SELECT {rows.columns(ReferralCheck, 'rc')} "  # noqa: S608 (the model's own names)
        f'FROM "{ReferralCheck._meta.db_table}" rc '
        'WHERE rc."clinician_id" = %s AND rc."decision_id" IS NULL ORDER BY rc."updated_at" DESC'
    )
