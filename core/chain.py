"""Hash chains for append-only tables: canonical JSON, SHA-256, and a serialised append.

Each chained row stores the SHA-256 of its canonical content and the hash of
the row before it. Appends take a transaction-level advisory lock, so two
concurrent submissions can never both link to the same predecessor (and the
unique constraint on previous_hash would refuse it if they tried).
"""

import contextlib
import datetime
import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.sql import InsertQuery
from django.dispatch import Signal

from core.prepared import statement_sql

GENESIS_HASH = "0" * 64

# Sent inside the appending transaction after rows were linked onto a chain, with `chain`,
# `first_sequence` and `last_sequence`: lets a higher app react (review takes a signed checkpoint
# every CHECKPOINT_EVERY decisions) without this module knowing it.
chain_appended = Signal()
M = TypeVar("M", bound=models.Model)


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


def chain_tail(model: type[models.Model]) -> tuple[int, str]:
    """(sequence, content_hash) of the last row, or (0, GENESIS_HASH) for an empty chain.

    Plain SQL (the table's own names): it runs under the chain's lock, so every bit of CPU
    spent on it is time every other writer of the chain waits."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "sequence", "content_hash" FROM "{table}" '  # noqa: S608 (model's table)
            'ORDER BY "sequence" DESC LIMIT 1'
        )
        last = cursor.fetchone()
    return tuple(last) if last else (0, GENESIS_HASH)


@dataclass(frozen=True)
class ReadUnderLock:
    """SQL sent in the same round trip as the chain's lock and tail, after them, so it sees
    every append committed before the lock was granted: an idempotency lookup, say. `read`
    gets the cursor on the first result of `sql` and returns what the caller needs."""

    sql: str
    params: Sequence[Any]
    read: Callable[[Any], Any]


def chain_lock_and_tail(model: type[models.Model], lock_id: int) -> tuple[int, str]:
    """Take the chain's lock until the surrounding transaction ends, then read its tail
    (as chain_tail), in one round trip to PostgreSQL.

    Gives up after CHAIN_LOCK_TIMEOUT_MS (OperationalError, shown as the 503 page) rather than
    letting a submission hang behind a stuck holder of the lock. The statements run in order
    in this transaction, so the tail is read after the lock is held and sees every append
    committed before it."""
    with connection.cursor() as cursor:
        cursor.execute(_lock_and_tail_sql(model, lock_id))
        return _tail_fetched(cursor)


def _lock_and_tail_sql(model: type[models.Model], lock_id: int) -> str:
    return (
        f"SET LOCAL lock_timeout = {int(settings.CHAIN_LOCK_TIMEOUT_MS)}; "  # noqa: S608
        f"SELECT pg_advisory_xact_lock({int(lock_id)}); "  # (integers)
        f"{statement_sql(connection, _tail_sql(model))}"
    )


@functools.cache
def _tail_sql(model: type[models.Model]) -> str:
    return (
        f'SELECT "sequence", "content_hash" FROM "{model._meta.db_table}" '  # noqa: S608
        'ORDER BY "sequence" DESC LIMIT 1'  # (the model's table)
    )


def _tail_fetched(cursor) -> tuple[int, str]:
    """The tail from the last result of a multi-statement query ending with the tail's SELECT."""
    while cursor.nextset():
        pass
    last = cursor.fetchone()
    return tuple(last) if last else (0, GENESIS_HASH)


def _lock_tail_and_read(chain: "Chain", also: ReadUnderLock) -> tuple[tuple[int, str], Any]:
    """chain_lock_and_tail with `also` in the same round trip: ((sequence, hash), its result)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{_lock_and_tail_sql(chain.model, chain.lock_id)}; {also.sql}", also.params)
        cursor.nextset()  # SET LOCAL -> the lock
        cursor.nextset()  # -> the tail
        last = cursor.fetchone()
        cursor.nextset()  # -> the first result of `also`
        found = also.read(cursor)
        while cursor.nextset():
            pass
    return (tuple(last) if last else (0, GENESIS_HASH)), found


@dataclass(frozen=True)
class SentWithInsert:
    """SQL sent in the same round trip as the INSERT of a single appended row, after it, in the
    same transaction (a write that follows from the new row: marking the check that made a
    decision). `read` gets the cursor on the first result of `sql` and the inserted row, and
    raises to roll the whole append back if that result is not what it must be."""

    sql: str
    params: Sequence[Any]
    read: Callable[[Any, Any], None]


@dataclass(frozen=True)
class Chain:
    """One hash-chained table: its model, its advisory lock and the columns its hash covers."""

    model: type[models.Model]
    # Advisory lock key (an arbitrary constant, unique among the chains in this database).
    lock_id: int
    # Every column the content hash covers, in no particular order (keys are sorted).
    hashed_fields: tuple[str, ...]

    def content(self, row: Mapping) -> dict:
        return {field: row[field] for field in self.hashed_fields}

    def row_hash(self, row: models.Model) -> str:
        return content_hash({field: getattr(row, field) for field in self.hashed_fields})


def chain_append(
    chain: Chain,
    rows: Sequence[M],
    *,
    find_existing: Callable[[], M | None] | ReadUnderLock | None = None,
    batch_size: int = 1000,
    with_insert: SentWithInsert | None = None,
) -> tuple[list[M], bool]:
    """Link `rows` (unsaved, in order) onto the end of `chain` and insert them; (rows, created).

    Under the chain's advisory lock: `find_existing` is asked first, so an idempotent caller
    that finds its row already stored gets ([that row], False) and nothing is written. As a
    ReadUnderLock it goes to PostgreSQL with the lock and the tail, in one round trip; its
    `read` returns the stored row or None. `with_insert` (one row only) goes with the INSERT,
    and is not sent when nothing is written.
    """
    if with_insert is not None and len(rows) != 1:
        raise ValueError("with_insert goes with the INSERT of exactly one row")
    # No savepoint inside a caller's transaction (a submit's): a failure here fails the whole
    # transaction anyway, and the SAVEPOINT and RELEASE would cost two round trips.
    with transaction.atomic(savepoint=False):
        if isinstance(find_existing, ReadUnderLock):
            (sequence, previous_hash), found = _lock_tail_and_read(chain, find_existing)
        else:
            sequence, previous_hash = chain_lock_and_tail(chain.model, chain.lock_id)
            found = find_existing() if find_existing is not None else None
        if found is not None:
            return [found], False
        for row in rows:
            sequence += 1
            row.sequence = sequence
            row.previous_hash = previous_hash
            row.content_hash = previous_hash = chain.row_hash(row)
        if with_insert is not None:
            _insert_with(rows[0], with_insert)
        elif len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            chain.model.objects.bulk_create(rows, batch_size=batch_size)
        if rows:
            chain_appended.send(
                sender=Chain,
                chain=chain,
                first_sequence=rows[0].sequence,
                last_sequence=rows[-1].sequence,
            )
    return list(rows), True


def chain_append_alone(chain: Chain, row: M) -> M:
    """Link one unsaved row onto `chain` and insert it in a transaction of its own, in two round
    trips to PostgreSQL: BEGIN with the lock and the tail, then the INSERT with COMMIT.

    chain_append in its own atomic block takes four (BEGIN, lock and tail, INSERT, COMMIT), and
    the access log appends one row on every decision page. Inside a transaction (a caller's
    atomic block) this is chain_append. `chain_appended` is sent inside the transaction, before
    the INSERT; anything failing rolls the whole transaction back, the row included.
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        (row,), _ = chain_append(chain, [row])
        return row
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"BEGIN; {_lock_and_tail_sql(chain.model, chain.lock_id)}")
            sequence, previous_hash = _tail_fetched(cursor)
            row.sequence = sequence + 1
            row.previous_hash = previous_hash
            row.content_hash = chain.row_hash(row)
            chain_appended.send(
                sender=Chain, chain=chain, first_sequence=row.sequence, last_sequence=row.sequence
            )
            sql, params = _insert_sql(row)
            cursor.execute(f"{statement_sql(connection, sql)}; COMMIT", params)
            returned = cursor.fetchone()
            while cursor.nextset():
                pass
        except BaseException:
            with contextlib.suppress(Exception):  # a broken connection rolls back by itself
                cursor.execute("ROLLBACK")
            raise
    _inserted(row, returned)
    return row


def _insert_with(row: models.Model, also: SentWithInsert) -> None:
    """`row.save(force_insert=True)` with `also` after the INSERT, in one round trip."""
    sql, params = _insert_sql(row)
    sql = statement_sql(connection, sql)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql}; {also.sql}", (*params, *also.params))
        returned = cursor.fetchone()
        _inserted(row, returned)
        cursor.nextset()
        also.read(cursor, row)
        while cursor.nextset():
            pass


def _inserted(row: models.Model, returned: Sequence[Any]) -> None:
    """Mark `row` as saved, with what its INSERT returned (its id), as save() would."""
    for field, value in zip(row._meta.db_returning_fields, returned, strict=True):
        setattr(row, field.attname, value)
    row._state.adding = False
    row._state.db = connection.alias


def _insert_sql(row: models.Model) -> tuple[str, tuple]:
    """The INSERT ... RETURNING that `row.save(force_insert=True)` would send, by the ORM's own
    compiler (field conversion and defaults as in save)."""
    meta = row._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    query = InsertQuery(row.__class__)
    query.insert_values(fields, [row])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = meta.db_returning_fields
    [(sql, params)] = compiler.as_sql()
    return sql, params
