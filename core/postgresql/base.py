"""PostgreSQL, with the per-request connection health check answered from the socket, and
the names of the statements prepared on the connection (core.prepared).

Django's `CONN_HEALTH_CHECKS` sends `SELECT 1` before the first query of every request that
reuses a connection: a round trip on every request, about a tenth of a gunicorn worker's time
under the GP journey (py-spy, ADR 0083). A connection the server has ended is not silent, though:
on a restart, a failover, `pg_terminate_backend`, an idle-session timeout or a pooler closing it,
the server sends its error and closes its end, so the socket of an idle connection becomes
readable. So before the first query of a request, an idle connection whose socket has nothing to
read is used as it is; one with anything to read (that error, end of file, or a notification),
one not idle, or one whose socket cannot be polled gets Django's own `SELECT 1` check, and is
replaced if that fails. After a database error Django still checks with `SELECT 1`
(`is_usable`, unchanged).

What this cannot see is what `SELECT 1` could not answer in time either: a peer that vanished
without closing (a host powered off), where the first query waits for TCP to give up.
"""

import select

from django.db.backends.postgresql import base, operations
from psycopg.pq import TransactionStatus

from core.prepared import expanded


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        return expanded(super().last_executed_query(cursor, sql, params))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Statements prepared on the current connection (core.prepared); None when unknown.
        self.prepared_names: set[str] | None = set()

    def connect(self) -> None:
        self.prepared_names = set()
        super().connect()

    def close_if_unusable_or_obsolete(self) -> None:
        if self.errors_occurred:
            # After an error nothing says what is still prepared: ask on next use.
            self.prepared_names = None
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self.connection_quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connection_quiet(self) -> bool:
        """True if the connection is open, idle, and the server has sent nothing since."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
            return not poller.poll(0)
        except (OSError, ValueError, AttributeError):
            return False
