"""The per-request connection health check reads the socket, and sends a query only when needed.

Each test opens its own connection to the test database beside the test's own (which is inside
the test's transaction), ends it or not from the test's connection, and asks what Django asks
before a request's first query. `pg_stat_activity.query` shows the last statement the checked
connection sent, so a `SELECT 1` health check would show there.
"""

import select
import time

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db

MARKER = "SELECT 'last statement before the health check'"


@pytest.fixture
def other():
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def statement_last_sent(backend_pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        return cursor.fetchone()[0]


def health_check_at_request_start(wrapper) -> None:
    """What Django does before the first query of a request on a reused connection."""
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()


def socket_readable(wrapper, seconds: float = 5.0) -> bool:
    poller = select.poll()
    poller.register(wrapper.connection.fileno(), select.POLLIN | select.POLLHUP)
    return bool(poller.poll(seconds * 1000))


def test_engine_is_the_project_backend_with_health_checks_on(other):
    assert other.settings_dict["ENGINE"] == "core.postgresql"
    assert other.health_check_enabled is True


def test_quiet_idle_connection_is_reused_without_a_round_trip(other):
    with other.cursor() as cursor:
        cursor.execute(MARKER)
    pid = other.connection.info.backend_pid

    health_check_at_request_start(other)

    assert other.connection is not None and other.health_check_done
    assert statement_last_sent(pid) == MARKER
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid


def test_connection_ended_by_the_server_is_replaced_before_the_request_uses_it(other):
    pid = other.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    assert socket_readable(other), "the server's goodbye never reached the socket"

    health_check_at_request_start(other)

    assert other.connection is None
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_connection_with_something_to_read_is_checked_with_a_query(other):
    with other.cursor() as cursor:
        cursor.execute("LISTEN health_check_test")
    pid = other.connection.info.backend_pid
    # Sent from a third connection, which commits at once (the test's own commits only at the
    # end of the test).
    notifier = connections.create_connection("default")
    try:
        with notifier.cursor() as cursor:
            cursor.execute("NOTIFY health_check_test")
    finally:
        notifier.close()
    deadline = time.monotonic() + 5
    while not socket_readable(other, 0.1) and time.monotonic() < deadline:
        pass

    health_check_at_request_start(other)

    assert other.connection is not None, "a live connection with a notification was dropped"
    assert statement_last_sent(pid) == "SELECT 1"


def test_connection_inside_a_transaction_is_checked_with_a_query(other):
    other.connection.execute("BEGIN")
    other.connection.execute(MARKER)
    pid = other.connection.info.backend_pid

    health_check_at_request_start(other)

    assert statement_last_sent(pid) == "SELECT 1"
    other.connection.execute("ROLLBACK")
