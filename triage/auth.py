"""The signed-in user, loaded with their roles and their practice in one query per request.

Every GP page needs three things about the user: the account, the roles (core.roles) and the
practice (triage.selectors.practice). Django's ModelBackend loads the account alone, and the
other two then cost a query each. This backend loads all three together, on every request, from
the database: role and practice changes still take effect on the next page, as before. The query
is plain SQL built once per process from the models (core.rows): compiling it with the ORM on
every request cost more CPU than PostgreSQL spent running it.
"""

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


def user_with_roles_and_practice(user_id):
    """The user (or None) with their roles set and their clinician and practice cached on it."""
    model = get_user_model()
    try:
        user_id = model._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 (a session holding a malformed id signs nobody in)
        return None
    using = router.db_for_read(model)
    with connections[using].cursor() as cursor:
        cursor.execute(_user_sql(), [list(ROLES), user_id])
        row = cursor.fetchone()
    if row is None:
        return None
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


class UserWithRolesBackend(ModelBackend):
    """ModelBackend whose get_user also reads the user's roles and clinician (with practice)."""

    def get_user(self, user_id):
        user = user_with_roles_and_practice(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
