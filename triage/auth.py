"""The signed-in user, loaded with their roles and their practice in one query per request.

Every GP page needs three things about the user: the account, the roles (core.roles) and the
practice (triage.selectors.practice). Django's ModelBackend loads the account alone, and the
other two then cost a query each. This backend loads all three together, on every request, from
the database: role and practice changes still take effect on the next page, as before.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from core.roles import ROLES, user_roles_set

BACKEND = "triage.auth.UserWithRolesBackend"


class UserWithRolesBackend(ModelBackend):
    """ModelBackend whose get_user also reads the user's roles and clinician (with practice)."""

    def get_user(self, user_id):
        roles = Group.objects.filter(user=OuterRef("pk"), name__in=ROLES).values("name")
        user = (
            self.user_model_queryset()
            .select_related("clinician__practice")
            .annotate(fusion_role_names=ArraySubquery(roles))
            .filter(pk=user_id)[:1]  # no first(): its ORDER BY costs more to compile than to run
        )
        user = next(iter(user), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user_roles_set(user, user.fusion_role_names)
        return user

    def user_model_queryset(self):
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.all()
