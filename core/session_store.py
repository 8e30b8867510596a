"""Django's database sessions, with the one read every request makes written as plain SQL.

Behaviour is Django's `db` engine exactly (SESSION_ENGINE, ADR 0080): the row is looked up by
key among the unexpired, a missing or expired one leaves the session empty and keyless, and
saving, creating and deleting are Django's own. Only the lookup skips the ORM, whose compiling
of this one-row query cost more CPU than PostgreSQL spends running it (core.rows).
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        table = self.model._meta.db_table
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f'SELECT "session_data", "expire_date" FROM "{table}" '  # noqa: S608 (model's table)
                'WHERE "session_key" = %s AND "expire_date" > %s',
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
