"""Statements prepared once per connection and run by EXECUTE (core.prepared).

Each test uses its own connection to the test database, beside the test's own, and reads
`pg_prepared_statements` on it, so what PostgreSQL holds is checked, not what Python believes.
"""

import pytest
from django.db import DatabaseError, connections

from core.prepared import expanded, statement_sql

pytestmark = pytest.mark.django_db

SQL = "SELECT %s::int + 1 AS next, 'a%%b' AS percent, %s::text AS word"


@pytest.fixture
def other(monkeypatch):
    """A connection of its own, with prepared statements on whatever the environment says
    (the suite also runs with DATABASE_PREPARED_STATEMENTS=false: tests/core/test_settings.py)."""
    wrapper = connections.create_connection("default")
    monkeypatch.setitem(wrapper.settings_dict, "PREPARE_STATEMENTS", True)
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def held(wrapper) -> dict[str, str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def run(wrapper, sql, params):
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_statement_is_prepared_once_and_gives_the_same_rows_by_execute(other):
    sent = statement_sql(other, SQL)

    assert sent.startswith("EXECUTE fusion_") and sent.endswith("(%s, %s)")
    name = sent.split()[1].split("(")[0]
    assert "$1::int + 1" in held(other)[name] and "'a%b'" in held(other)[name]
    assert run(other, sent, [41, "x"]) == run(other, SQL, [41, "x"]) == [(42, "a%b", "x")]
    assert statement_sql(other, SQL) == sent
    assert len(held(other)) == 1


def test_a_statement_without_parameters_runs_by_execute(other):
    sent = statement_sql(other, "SELECT 7")
    assert "(" not in sent
    assert run(other, sent, None) == [(7,)]


def test_a_new_connection_prepares_again(other):
    statement_sql(other, SQL)
    pid = other.connection.info.backend_pid
    other.close()

    sent = statement_sql(other, SQL)

    assert other.connection.info.backend_pid != pid
    assert run(other, sent, [1, "y"]) == [(2, "a%b", "y")]


def test_after_an_error_a_statement_still_held_is_prepared_again_without_failing(other):
    statement_sql(other, SQL)
    with pytest.raises(DatabaseError), other.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert other.errors_occurred
    other.close_if_unusable_or_obsolete()  # what Django does at the end of a request
    assert other.connection is not None and other.prepared_names is None

    sent = statement_sql(other, SQL)

    assert run(other, sent, [2, "z"]) == [(3, "a%b", "z")]


def test_a_first_use_after_an_error_inside_a_transaction_leaves_the_transaction_usable(other):
    """After an error the connection asks what is still prepared: preparing a statement that is
    still there would fail, and inside a transaction abort it."""
    statement_sql(other, SQL)
    other.prepared_names = None  # as after an error (close_if_unusable_or_obsolete)
    other.connection.execute("BEGIN")

    sent = statement_sql(other, SQL)

    assert run(other, sent, [8, "t"]) == [(9, "a%b", "t")]
    other.connection.execute("ROLLBACK")


def test_statements_dropped_behind_its_back_are_prepared_again_after_the_failure(other):
    sent = statement_sql(other, SQL)
    with other.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError, match="does not exist"):
        run(other, sent, [1, "y"])
    other.close_if_unusable_or_obsolete()

    assert run(other, statement_sql(other, SQL), [5, "w"]) == [(6, "a%b", "w")]


def test_with_prepared_statements_off_the_sql_is_sent_as_it_is(other, monkeypatch):
    monkeypatch.setitem(other.settings_dict, "PREPARE_STATEMENTS", False)

    assert statement_sql(other, SQL) == SQL
    assert held(other) == {}


def test_a_logged_execute_shows_the_statement_it_runs(other):
    sent = statement_sql(other, SQL)
    shown = expanded(sent.replace("%s", "1", 1).replace("%s", "'v'"))
    assert shown.startswith(SQL) and shown.endswith("(1, 'v')")
    assert expanded("EXECUTE fusion_" + "0" * 24) == "EXECUTE fusion_" + "0" * 24
