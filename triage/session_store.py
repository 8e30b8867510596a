"""Database sessions whose per-request read also brings the signed-in user, in one round trip.

Every signed-in page reads the session row and then the user with roles and practice
(triage.auth): two round trips to PostgreSQL, each a wait for the database and a switch of
the CPU to it and back. Once this process has seen a session, it remembers whose it is
(a hint, keyed by the session key), and the next request sends both SELECTs together. The
hint only chooses which user row to fetch: the session row is still read, so a signed-out or
expired session is gone at once; the user row is still read, so a role or practice change
applies on the next page; and the row is used only when the session data, decoded, names that
same user (triage.auth.prefetched_user_take), otherwise the user is read as before. On a page of
a referral check, the check is read in the same round trip too, on the GP's decision page the
decision, and on the start page or a new check the version in effect (triage.prefetch).
"""

import threading
from collections import OrderedDict

from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import connections, router
from django.utils import timezone

from core import session_store
from core.prepared import statement_sql
from policy.selectors import policy_version_in_effect_query
from triage.auth import prefetched_user_put, user_id_clean, user_sql_and_params
from triage.models import Decision, ReferralCheck
from triage.prefetch import (
    CHECK,
    DECISION,
    IN_EFFECT,
    check_id_requested,
    decision_reference_requested,
    prefetched_put,
    version_in_effect_requested,
)
from triage.selectors.checks import check_sql_for_clinician
from triage.selectors.practice import decision_sql_for_user

HINTS_SIZE = 10_000
_hints: OrderedDict[str, object] = OrderedDict()
_hints_lock = threading.Lock()


def _hint_get(session_key: str):
    with _hints_lock:
        return _hints.get(session_key)


def _hint_put(session_key: str, user_id) -> None:
    with _hints_lock:
        _hints[session_key] = user_id
        _hints.move_to_end(session_key)
        while len(_hints) > HINTS_SIZE:
            _hints.popitem(last=False)


class SessionStore(session_store.SessionStore):
    def _get_session_from_db(self):
        prefetched_user_put(None, None)
        prefetched_put(None)
        user_id = _hint_get(self.session_key) if self.session_key else None
        using = router.db_for_read(self.model)
        if user_id is None or using != router.db_for_read(get_user_model()):
            return super()._get_session_from_db()
        connection = connections[using]
        user_sql, user_params = user_sql_and_params(user_id)
        what, key, also_sql, also_params = _page_read(user_id, using)
        reads = (session_store.session_sql(), user_sql)
        sent = "; ".join(statement_sql(connection, sql) for sql in reads)
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sent}{also_sql}",
                [self.session_key, timezone.now(), *user_params, *also_params],
            )
            session_row = cursor.fetchone()
            cursor.nextset()
            user_row = cursor.fetchone()
            page_row = cursor.fetchone() if what is not None and cursor.nextset() else None
        if session_row is None:
            self._session_key = None
            return None
        prefetched_user_put(user_id, user_row)
        prefetched_put(what, key, user_id, page_row)
        return self.model(
            session_key=self.session_key, session_data=session_row[0], expire_date=session_row[1]
        )

    def load(self):
        data = super().load()
        if self.session_key and (user_id := user_id_clean(data.get(SESSION_KEY))) is not None:
            _hint_put(self.session_key, user_id)
        return data


def _page_read(user_id, using: str) -> tuple[str | None, object, str, list]:
    """The check or decision this page will read (triage.prefetch), as (what, key, "; SQL",
    parameters), or (None, None, "", []) for any other page."""
    if using != router.db_for_read(ReferralCheck) or using != router.db_for_read(Decision):
        return None, None, "", []
    connection = connections[using]
    if (check_id := check_id_requested()) is not None:
        sql = statement_sql(connection, check_sql_for_clinician())
        return CHECK, check_id, f"; {sql}", [check_id, user_id]
    if (reference := decision_reference_requested()) is not None:
        sql = statement_sql(connection, decision_sql_for_user())
        return DECISION, reference, f"; {sql}", [reference, user_id]
    if version_in_effect_requested():
        today = timezone.localdate()
        query = policy_version_in_effect_query(today)
        return IN_EFFECT, today, f"; {statement_sql(connection, query.sql)}", query.params
    return None, None, "", []
