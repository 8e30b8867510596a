"""The access log's append in a transaction of its own (core.chain.chain_append_alone): two
round trips instead of four, and still linked, committed, serialised and all-or-nothing."""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from psycopg.pq import TransactionStatus

from core.chain import GENESIS_HASH, chain_appended
from triage.models import AccessEvent
from triage.services.access import ACCESS_CHAIN, access_event_record

pytestmark = pytest.mark.django_db(transaction=True)


def _chain_intact() -> list[AccessEvent]:
    rows = list(AccessEvent.objects.order_by("sequence"))
    previous = GENESIS_HASH
    for number, event in enumerate(rows, start=1):
        assert event.sequence == number
        assert event.previous_hash == previous
        assert ACCESS_CHAIN.row_hash(event) == event.content_hash
        previous = event.content_hash
    return rows


def _idle() -> bool:
    return connection.connection.info.transaction_status == TransactionStatus.IDLE


def test_an_event_appended_alone_is_linked_and_committed(gp):
    events = [access_event_record(user=gp, action="view", query=f'{{"n": {n}}}') for n in range(3)]
    assert [e.sequence for e in events] == [1, 2, 3]
    assert all(e.pk and not e._state.adding for e in events)
    assert _idle(), "no transaction may be left open after the append"
    assert [e.pk for e in _chain_intact()] == [e.pk for e in events]

    seen = []

    def other_connection():  # committed: another connection sees every row
        seen.append(AccessEvent.objects.count())
        connections.close_all()

    thread = threading.Thread(target=other_connection)
    thread.start()
    thread.join()
    assert seen == [3]


def test_concurrent_events_never_fork_the_access_chain(gp):
    errors = []

    def append(n):
        try:
            for _ in range(n):
                access_event_record(user=gp, action="view", query='{"kind": "gp_view"}')
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(10,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(_chain_intact()) == 80


def test_a_failed_insert_rolls_back_and_leaves_the_connection_usable(gp):
    access_event_record(user=gp, action="view")
    gp.pk, real_pk = 999_999_999, gp.pk  # no such user: the foreign key fails at COMMIT
    with pytest.raises(IntegrityError):
        access_event_record(user=gp, action="view")
    gp.pk = real_pk
    assert _idle()
    access_event_record(user=gp, action="view")  # the chain goes on from the stored tail
    assert [e.sequence for e in _chain_intact()] == [1, 2]


def test_a_failing_listener_rolls_the_append_back(gp):
    def refuse(**kwargs):
        raise RuntimeError("listener failed")

    chain_appended.connect(refuse, dispatch_uid="test_refuse")
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            access_event_record(user=gp, action="view")
    finally:
        chain_appended.disconnect(dispatch_uid="test_refuse")
    assert _idle()
    assert AccessEvent.objects.count() == 0
    assert access_event_record(user=gp, action="view").sequence == 1


def test_inside_a_transaction_the_append_is_part_of_it(gp):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            assert access_event_record(user=gp, action="view").sequence == 1
            raise RuntimeError("the caller's transaction fails")
    assert AccessEvent.objects.count() == 0
    with transaction.atomic():
        access_event_record(user=gp, action="view")
    assert [e.sequence for e in _chain_intact()] == [1]


def test_sql_sent_with_an_insert_goes_only_with_a_single_row():
    from core.chain import SentWithInsert, chain_append
    from triage.services.decisions import DECISION_CHAIN

    with pytest.raises(ValueError, match="exactly one row"):
        chain_append(
            DECISION_CHAIN, [], with_insert=SentWithInsert("SELECT 1", [], lambda c, r: None)
        )
