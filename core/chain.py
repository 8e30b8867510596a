"""Hash chains for append-only tables: canonical JSON, SHA-256, and a serialised append.

Each chained row stores the SHA-256 of its canonical content and the hash of
the row before it. Appends take a transaction-level advisory lock, so two
concurrent submissions can never both link to the same predecessor (and the
unique constraint on previous_hash would refuse it if they tried).
"""

import datetime
import hashlib
import json
import uuid
from typing import Any

from django.db import connection, models

GENESIS_HASH = "0" * 64
# Advisory lock keys, one per chain (arbitrary constants, unique in this database).
DECISION_CHAIN_LOCK = 730_001
REVIEW_CHAIN_LOCK = 730_002


def _default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def canonical_json(data: dict) -> str:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def content_hash(data: dict) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def chain_lock(lock_id: int) -> None:
    """Serialise appends to one chain until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def chain_tail(model: type[models.Model]) -> tuple[int, str]:
    """(sequence, content_hash) of the last row, or (0, GENESIS_HASH) for an empty chain."""
    last = model.objects.order_by("-sequence").values_list("sequence", "content_hash").first()
    return last or (0, GENESIS_HASH)
