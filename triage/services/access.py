"""The access log: who viewed which decision, and who exported what (append-only)."""

import hashlib
import hmac

from django.conf import settings

from triage.models import AccessEvent, Decision


def access_event_record(
    *, user, action: str, decision: Decision | None = None, query: str = ""
) -> AccessEvent:
    event = AccessEvent(user=user, action=action, decision=decision, query=query)
    event.full_clean(
        validate_unique=False, validate_constraints=False, exclude=["user", "decision"]
    )
    event.save(force_insert=True)
    return event


def nhs_number_search_hash(nhs_number: str) -> str:
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of a searched NHS number, for the access log.

    The log can then show that the same number was searched again, and an auditor holding a
    number can check it, without the log itself holding NHS numbers.
    """
    digits = "".join(ch for ch in nhs_number if ch.isdigit())
    return hmac.new(settings.SECRET_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()
