"""The three roles of the service, held as Django auth groups, and the checks views use."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

GP = "GP"
REVIEWER = "ICB reviewer"
POLICY_ADMIN = "Policy admin"
ROLES = (GP, REVIEWER, POLICY_ADMIN)

# Where each role lands after signing in, in order of preference.
START_PAGES = {
    GP: "triage:start",
    REVIEWER: "review:list",
    POLICY_ADMIN: "policy:manage",
}


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_fusion_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._fusion_roles = cached
    return cached


def user_roles_set(user, roles) -> None:
    """Give `user` the roles already read with it (triage.auth), so user_roles makes no query."""
    user._fusion_roles = set(roles) & set(ROLES)


def start_page_for(user) -> str | None:
    roles = user_roles(user)
    for role in ROLES:
        if role in roles:
            return START_PAGES[role]
    return None


def role_required(*roles: str) -> Callable:
    """Sign-in required; then 403 unless the user holds one of `roles`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not user_roles(request.user) & set(roles):
                raise PermissionDenied("Your account does not have the role for this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
