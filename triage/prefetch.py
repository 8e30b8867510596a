"""The GP's check or decision, read in the same round trip as the session and the user.

Every page of a referral check (ten of the fifteen requests a referral takes) reads the
session, the user and then the check, and the decision page the decision: the session store
already sends the first two together (triage.session_store); this adds the check when the page
asked for is one of a check's, or the decision on the GP's decision page, so the page makes
one round trip to PostgreSQL before its view runs instead of two. The start page and a new
check read the version in effect the same way (it is the same for every user).

The SQL is the one check_get_for_clinician or decision_get_for_practice runs, for the check or
reference named in the path and the user the session hint names (for a decision, that user's
practice). The row is used only by those functions, only in this request, and only for that
same check or reference and that same user, who must be the signed-in user decoded from the
session (as for the user's own row, hazard H28), and a decision only if it is the signed-in
user's practice's; in every other case it is read as before (H31).
"""

import contextvars
import functools
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from policy.models import PolicyVersion
from policy.selectors import InEffectQuery, policy_version_in_effect
from triage.references import SHAPE

_path: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_path", default=None)
# (what, key, user id, row): one read made with the session, for this request only.
_held: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("prefetched", default=None)
CHECK = "check"
DECISION = "decision"
IN_EFFECT = "in_effect"


class RequestPathMiddleware:
    """Makes the requested path known to the session store (placed before SessionMiddleware),
    and forgets any prefetched row when the request ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _held.set(None)
        token = _path.set(request.path_info)
        try:
            return self.get_response(request)
        finally:
            _path.reset(token)
            _held.set(None)


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


def decision_reference_requested() -> str | None:
    """The reference of the GP's decision page this request is for, or None."""
    path = _path.get()
    prefix = _decisions_prefix()
    if not path or not path.startswith(prefix) or not path.endswith("/"):
        return None
    reference = path[len(prefix) : -1]
    return reference if SHAPE.match(reference) else None


@functools.cache
def _decisions_prefix() -> str:
    sample = "FT-2222-2222"
    url = reverse("triage:decision", args=[sample])
    return url[: url.index(sample)]


def version_in_effect_requested() -> bool:
    """Whether this request is for the GP's start page or starts a check: both read which
    policy version is in effect today."""
    return _path.get() in _version_paths()


@functools.cache
def _version_paths() -> frozenset[str]:
    return frozenset((reverse("triage:start"), reverse("triage:begin")))


def version_in_effect(user) -> PolicyVersion | None:
    """policy_version_in_effect(from_memory=True), from the row read with the session when
    there is one for today and this user, else asked now. The same compiled rule either way
    (policy.selectors.policy_version_in_effect_query)."""
    found, row = prefetched_take(IN_EFFECT, timezone.localdate(), user.pk)
    if found:
        return InEffectQuery.version([row] if row is not None else [])
    return policy_version_in_effect(from_memory=True)


def prefetched_put(what: str | None, key=None, user_id=None, row=None) -> None:
    """Hold the row (None: nothing found) read for `key` and `user_id`; None forgets."""
    _held.set((what, key, user_id, row) if what is not None else None)


def prefetched_take(what: str, key, user_id) -> tuple[bool, tuple | None]:
    """(True, row or None) when this request already read `what` for this key and user."""
    held = _held.get()
    _held.set(None)
    if held is None or held[:3] != (what, key, user_id):
        return False, None
    return True, held[3]
