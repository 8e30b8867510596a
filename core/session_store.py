"""Django's database sessions, with the one read every request makes written as plain SQL.

Behaviour is Django's `db` engine exactly (SESSION_ENGINE, ADR 0080): the row is looked up by
key among the unexpired, a missing or expired one leaves the session empty and keyless, and
saving, creating and deleting are Django's own. Only the lookup skips the ORM, whose compiling
of this one-row query cost more CPU than PostgreSQL spends running it (core.rows).
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core.prepared import statement_sql


@functools.cache
def session_sql() -> str:
    """The lookup (parameters: the session key, now), for a caller that sends it with more."""
    table = db.SessionStore.get_model_class()._meta.db_table
    return (
        f'SELECT "session_data", "expire_date" FROM "{table}" '  # noqa: S608 (model's table)
        'WHERE "session_key" = %s AND "expire_date" > %s'
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        connection = connections[router.db_for_read(self.model)]
        sql = statement_sql(connection, session_sql())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
