"""Statements prepared once per database connection and run by `EXECUTE` (ADR 0083).

PostgreSQL parses and plans every statement it is sent. The reads every signed-in page makes
(the session with its user, and the page's check, decision or version) are short index
lookups, and planning them cost PostgreSQL about three times running them: 0.42 ms of its CPU
for the session, user and check, against 0.11 ms by `EXECUTE` of the same statements prepared.
The project binds parameters on the client so that several statements travel in one round trip
(ADR 0081); `EXECUTE name(...)` is itself a statement, so it travels the same way.

`statement_sql(connection, sql)` gives the text to send in place of `sql` (same `%s`
parameters, same results): `EXECUTE` of a statement prepared on this connection, preparing it
first (its own round trip, once per connection), or `sql` itself when the database's
`PREPARE_STATEMENTS` is off. Turn it off (`DATABASE_PREPARED_STATEMENTS=false`) behind a pooler
that hands each transaction to any server connection (PgBouncer in transaction mode): a
statement prepared on one server connection is unknown on the others.

A statement to prepare must give each parameter a type PostgreSQL can infer (a column it is
compared with or stored in, or a cast): `PREPARE` refuses `%s IS NULL` alone.

Names come from the statement's text, so a name always means the same statement, on any
connection and in any process. What is prepared is known per connection
(core.postgresql.DatabaseWrapper.prepared_names): empty when the connection is new, and
unknown after any database error on it, when the next use asks PostgreSQL what it holds
(`pg_prepared_statements`) and prepares what is missing.
"""

import functools
import hashlib
import re

_PLACEHOLDER = re.compile(r"%%|%s")
_EXECUTE = re.compile(r"EXECUTE (fusion_[0-9a-f]{24})")
# Each name made in this process, with the SQL it stands for (for `expanded`).
_texts: dict[str, str] = {}


def statement_sql(connection, sql: str) -> str:
    """What to send in place of `sql` on `connection` (a Django connection): see the module."""
    if not connection.settings_dict.get("PREPARE_STATEMENTS"):
        return sql
    # As the cursor would before its first query: a connection replaced after its health check
    # would not have what is prepared on the old one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if not hasattr(connection, "prepared_names"):  # another backend
        return sql
    name, body, execute = _parts(sql)
    with connection.wrap_database_errors:
        if connection.prepared_names is None:
            # Unknown since an error: asked, not guessed, as a PREPARE of a statement already
            # there would fail, and inside a transaction take the whole transaction with it.
            rows = connection.connection.execute("SELECT name FROM pg_prepared_statements")
            connection.prepared_names = {held for (held,) in rows.fetchall()}
        if name not in connection.prepared_names:
            connection.connection.execute(f"PREPARE {name} AS {body}")
            connection.prepared_names.add(name)
    return execute


@functools.lru_cache(maxsize=256)
def _parts(sql: str) -> tuple[str, str, str]:
    """(name, the body with $1.. for PREPARE, the EXECUTE with %s for each parameter)."""
    name = "fusion_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
    count = 0

    def numbered(match: re.Match) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    body = _PLACEHOLDER.sub(numbered, sql)
    _texts[name] = sql
    arguments = ", ".join(["%s"] * count)
    return name, body, f"EXECUTE {name}({arguments})" if count else f"EXECUTE {name}"


def expanded(sent: str) -> str:
    """`sent` with each EXECUTE of a statement named here shown as that statement's SQL, its
    arguments after it: what Django logs and captures as a query (core.postgresql), so a log
    or a test reads the statement PostgreSQL ran, not only its name."""

    def shown(match: re.Match) -> str:
        text = _texts.get(match[1])
        return match[0] if text is None else f"{text} /* EXECUTE {match[1]} */ "

    return _EXECUTE.sub(shown, sent)
