"""The access log: who viewed which decision, and who exported what (append-only and
hash-chained, like the decisions)."""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from core.chain import Chain, chain_append_alone
from triage.models import AccessEvent, Decision

# Same columns as migration 0015 froze when it linked the rows logged before the chain existed.
ACCESS_CHAIN = Chain(
    model=AccessEvent,
    lock_id=730_005,
    hashed_fields=("sequence", "user_id", "action", "decision_id", "query", "at", "previous_hash"),
)


def access_event_record(
    *, user, action: str, decision: Decision | None = None, query: str = ""
) -> AccessEvent:
    event = AccessEvent(user=user, action=action, decision=decision, query=query, at=timezone.now())
    event.full_clean(
        validate_unique=False,
        validate_constraints=False,
        exclude=["user", "decision", "sequence", "previous_hash", "content_hash"],
    )
    return chain_append_alone(ACCESS_CHAIN, event)


def nhs_number_search_hash(nhs_number: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of a searched NHS number, for the access log.

    The log can then show that the same number was searched again, and an auditor holding a
    number can check it, without the log itself holding NHS numbers.
    """
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    return hmac.new(settings.SECRET_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()
