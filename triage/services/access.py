"""The access log: who viewed which decision, and who exported what (append-only)."""

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
