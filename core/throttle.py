"""Sign-in throttling that an attacker cannot turn against real users.

django-axes locks a (username, client address) pair after AXES_FAILURE_LIMIT failures, so
wrong passwords from one place never lock the same user out from another (every client
behind a shared proxy address still has its own username). Password spraying (a few
guesses at each of many usernames from one address) is caught by a second, higher limit on
all failures from one address, whatever the usernames.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from this request's client address, across usernames, in the cool-off."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler, plus the per-address limit across usernames."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the outermost trusted proxy saw it (AXES_CLIENT_IP_CALLABLE).

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    PROXY_COUNT trusted proxies the client is the PROXY_COUNT-th entry from the right; anything
    further left was written by the client and is ignored. With no proxy, REMOTE_ADDR.
    """
    count = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-count] if len(hops) >= count else remote
