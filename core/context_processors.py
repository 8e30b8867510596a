"""Header navigation for the signed-in user's roles, and the Beta banner's feedback address."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch

from core.links import link
from core.roles import GP, POLICY_ADMIN, REVIEWER, user_roles
from core.sessions import session_seconds_left

NAVIGATION = (
    (GP, "Referrals", "triage:start"),
    (REVIEWER, "Decisions", "review:list"),
    (REVIEWER, "Dashboard", "review:dashboard"),
    (POLICY_ADMIN, "Policy versions", "policy:manage"),
)


def navigation(request: HttpRequest) -> dict:
    roles = user_roles(getattr(request, "user", None)) if hasattr(request, "user") else set()
    items = []
    for role, text, url_name in NAVIGATION:
        if role not in roles:
            continue
        try:
            href = link(url_name)
        except NoReverseMatch:
            continue
        items.append({"text": text, "href": href, "current": request.path.startswith(href)})
    return {"nav_items": items}


def session_timeout(request: HttpRequest) -> dict:
    """When the timeout warning opens: the seconds the session has left (it is renewed at most
    once a minute, core.sessions) and how long before the sign-out to warn."""
    session = getattr(request, "session", None)
    idle = session_seconds_left(session) if session is not None else settings.SESSION_COOKIE_AGE
    return {
        "session_idle_seconds": idle,
        "session_warning_seconds": min(settings.SESSION_WARNING_SECONDS, idle),
    }


def feedback(request: HttpRequest) -> dict:
    return {"feedback_url": settings.FEEDBACK_URL}
