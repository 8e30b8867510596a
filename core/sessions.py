"""A signed-in session's idle expiry, renewed at most once a minute instead of on every request.

Sessions stay in the database (ADR 0080): sign-out deletes the row, so a copied cookie is dead
at once. What changed is how often the row is written. With SESSION_SAVE_EVERY_REQUEST every
page cost an UPDATE in its own transaction (BEGIN, UPDATE, COMMIT: three round trips) only to
slide the expiry. Here a session records when it was last renewed and is saved again only when
that is RENEW_SECONDS old, so the server-side expiry trails the last request by less than that,
and the timeout warning is told exactly how long the session has left.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

RENEWED_KEY = "_fusion_renewed_at"
# Much shorter than the timeout warning (SESSION_WARNING_SECONDS, 120 by default), so a GP who
# keeps working never meets a session older than the idle limit minus a minute.
RENEW_SECONDS = 60


def session_renew(session: SessionBase, *, now: float | None = None, force: bool = False) -> bool:
    """Mark the session for saving (which moves its expiry to now + the idle limit) when its
    last renewal is RENEW_SECONDS old, or always with `force`. True when it was marked."""
    now = time.time() if now is None else now
    renewed = session.get(RENEWED_KEY)
    if not force and isinstance(renewed, int | float) and 0 <= now - renewed < RENEW_SECONDS:
        return False
    session[RENEWED_KEY] = now
    return True


def session_seconds_left(session: SessionBase, *, now: float | None = None) -> int:
    """Seconds until the server-side session expires if nothing renews it."""
    renewed = session.get(RENEWED_KEY)
    if not isinstance(renewed, int | float):
        return settings.SESSION_COOKIE_AGE
    now = time.time() if now is None else now
    left = round(settings.SESSION_COOKIE_AGE - (now - renewed))
    return max(0, min(settings.SESSION_COOKIE_AGE, left))


class SessionIdleRenewalMiddleware:
    """Slide a signed-in session's idle expiry, writing the session row at most once a minute.

    Runs before the view so that the page (the timeout warning) sees the renewal. Only a
    signed-in session is renewed: a request without a session cookie makes no query, and an
    expired or signed-out cookie does not bring an empty session row back to life.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get(SESSION_KEY):
            session_renew(request.session)
        return self.get_response(request)
