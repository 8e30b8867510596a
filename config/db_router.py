"""Sends the reviewer workspace's reads to a read replica when DATABASE_REPLICA_URL is set.

Only reads made while `replica_reads()` is active go to the `replica` alias, and only for the
decision and policy tables; the middleware below turns it on for GET and HEAD requests under
REPLICA_READ_PATHS (the reviewer workspace). Everything else stays on `default`: every write,
the GP's pages (a GP must see the decision just made), sessions, users and sign-in throttling
(a lagging replica must never sign anyone out), the access log (each view writes to it and then
lists it), and any read inside a transaction on `default`.
"""

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

DEFAULT = "default"
REPLICA = "replica"
# Tables a replica may serve (app labels), and the models among them it never serves.
REPLICA_APPS = frozenset({"triage", "policy", "review"})
PRIMARY_ONLY_MODELS = frozenset({"triage.accessevent"})

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_reads", default=False
)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let reads of decisions and policies in this block go to the replica, if one is set."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_enabled() -> bool:
    return getattr(settings, "REPLICA_READS", False) and REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads to the replica only when asked and only when safe; writes always to default."""

    def db_for_read(self, model: type[Model], **hints) -> str:
        if (
            _replica_reads.get()
            and replica_enabled()
            and model._meta.app_label in REPLICA_APPS
            and model._meta.label_lower not in PRIMARY_ONLY_MODELS
            and not connections[DEFAULT].in_atomic_block
        ):
            return REPLICA
        return DEFAULT

    def db_for_write(self, model: type[Model], **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Model, obj2: Model, **hints) -> bool:
        # Both aliases hold the same rows: a decision read from the replica may point at a
        # user read from default.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == DEFAULT


def _stream_on_replica(content: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed response (the CSV export) runs its query after the view returns."""
    iterator = iter(content)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


class ReplicaReadsMiddleware:
    """Turns on replica reads for safe requests under settings.REPLICA_READ_PATHS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (
            replica_enabled()
            and request.method in ("GET", "HEAD")
            and request.path.startswith(tuple(settings.REPLICA_READ_PATHS))
        ):
            return self.get_response(request)
        with replica_reads():
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = _stream_on_replica(response.streaming_content)
        return response
