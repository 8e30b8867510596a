"""The signed-in user, loaded with their roles and their practice in one query per request.

Every GP page needs three things about the user: the account, the roles (core.roles) and the
practice (triage.selectors.practice). Django's ModelBackend loads the account alone, and the
other two then cost a query each. This backend loads all three together, on every request, from
the database: role and practice changes still take effect on the next page, as before. The query
is plain SQL built once per process from the models (core.rows): compiling it with the ORM on
every request cost more CPU than PostgreSQL spent running it.
"""

import contextvars
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router

from core import rows
from core.roles import ROLES, user_roles_set
from triage.models import Clinician, Practice

BACKEND = "triage.auth.UserWithRolesBackend"


@functools.cache
def _user_sql() -> str:
    user = get_user_model()
    membership = user.groups.through._meta
    group_column = membership.get_field("group").column
    user_column = membership.get_field(user._meta.model_name).column
    return (
        f"SELECT {rows.columns(user, 'u')}, {rows.columns(Clinician, 'c')}, "  # noqa: S608
        f"{rows.columns(Practice, 'p')}, "
        f'ARRAY(SELECT g."name" FROM "{Group._meta.db_table}" g '
        f'JOIN "{membership.db_table}" ug ON ug."{group_column}" = g."id" '
        f'WHERE ug."{user_column}" = u."id" AND g."name" = ANY(%s)) '
        f'FROM "{user._meta.db_table}" u '
        f'LEFT JOIN "{Clinician._meta.db_table}" c ON c."user_id" = u."id" '
        f'LEFT JOIN "{Practice._meta.db_table}" p ON p."id" = c."practice_id" '
        f'WHERE u."id" = %s'
    )


def user_id_clean(user_id):
    """The user id as the model's primary key type, or None when it is not one."""
    try:
        return get_user_model()._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 (a session holding a malformed id signs nobody in)
        return None


def user_sql_and_params(user_id) -> tuple[str, list]:
    """The one query reading the user with roles, clinician and practice (see user_from_row)."""
    return _user_sql(), [list(ROLES), user_id]


def user_with_roles_and_practice(user_id):
    """The user (or None) with their roles set and their clinician and practice cached on it:
    the row the session store already read with the session (triage.session_store) when it
    read this user's, otherwise one query."""
    user_id = user_id_clean(user_id)
    if user_id is None:
        return None
    using = router.db_for_read(get_user_model())
    found, row = prefetched_user_take(user_id)
    if not found:
        with connections[using].cursor() as cursor:
            cursor.execute(*user_sql_and_params(user_id))
            row = cursor.fetchone()
    return user_from_row(row, using) if row is not None else None


def user_from_row(row, using: str):
    model = get_user_model()
    user_end = rows.width(model)
    clinician_end = user_end + rows.width(Clinician)
    practice_end = clinician_end + rows.width(Practice)
    user = rows.instance(model, using, row[:user_end])
    clinician = None
    if row[user_end] is not None:
        clinician = rows.instance(Clinician, using, row[user_end:clinician_end])
        practice = rows.instance(Practice, using, row[clinician_end:practice_end])
        Clinician.practice.field.set_cached_value(clinician, practice)
        Clinician.user.field.set_cached_value(clinician, user)
    # Cached even when None: user.clinician then raises DoesNotExist without a query, as
    # select_related leaves it.
    model.clinician.related.set_cached_value(user, clinician)
    user_roles_set(user, row[practice_end])
    return user


# The user row the session store read in this request, with the session, for the id it
# expected; taken (and cleared) by the first get_user of the request. Set on every session
# load, so a row can never outlive the request that read it.
_prefetched: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "prefetched_user", default=None
)


def prefetched_user_put(user_id, row) -> None:
    _prefetched.set((user_id, row) if user_id is not None else None)


def prefetched_user_take(user_id) -> tuple[bool, tuple | None]:
    """(True, row or None) when the session store read this user's row in this request."""
    held = _prefetched.get()
    _prefetched.set(None)
    if held is None or held[0] != user_id:
        return False, None
    return True, held[1]


class UserWithRolesBackend(ModelBackend):
    """ModelBackend whose get_user also reads the user's roles and clinician (with practice)."""

    def get_user(self, user_id):
        user = user_with_roles_and_practice(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
