"""The GP's check, read in the same round trip as the session and the user.

Every page of a referral check (ten of the fifteen requests a referral takes) reads the
session, the user and then the check: the session store already sends the first two together
(triage.session_store); this adds the check when the page asked for is one of a check's, so
the page makes one round trip to PostgreSQL before its view runs instead of two.

The check's SQL is the one check_get_for_clinician runs, for the check named in the path and
the user the session hint names. The row is used only by check_get_for_clinician, only in
this request, and only for that same check and that same user, who must be the signed-in
user decoded from the session (as for the user's own row, hazard H28); in every other case
the check is read as before.
"""

import contextvars
import functools
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

_path: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_path", default=None)
_check: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "prefetched_check", default=None
)


class RequestPathMiddleware:
    """Makes the requested path known to the session store (placed before SessionMiddleware),
    and forgets any prefetched check when the request ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _check.set(None)
        token = _path.set(request.path_info)
        try:
            return self.get_response(request)
        finally:
            _path.reset(token)
            _check.set(None)


def check_id_requested() -> uuid.UUID | None:
    """The check whose page this request is for (from /referrals/checks/<uuid>/...), or None."""
    path = _path.get()
    prefix = _checks_prefix()
    if not path or not path.startswith(prefix):
        return None
    segment = path[len(prefix) :].split("/", 1)[0]
    try:
        return uuid.UUID(segment)
    except ValueError:
        return None


@functools.cache
def _checks_prefix() -> str:
    sample = uuid.UUID(int=0)
    url = reverse("triage:check", args=[sample])
    return url[: url.index(str(sample))]


def prefetched_check_put(check_id: uuid.UUID | None, user_id=None, row=None) -> None:
    """Hold the row (None: no such check of this user) read for `check_id` and `user_id`."""
    _check.set((check_id, user_id, row) if check_id is not None else None)


def prefetched_check_take(check_id: uuid.UUID, user_id) -> tuple[bool, tuple | None]:
    """(True, row or None) when this request already read this check for this user."""
    held = _check.get()
    _check.set(None)
    if held is None or held[0] != check_id or held[1] != user_id:
        return False, None
    return True, held[2]
