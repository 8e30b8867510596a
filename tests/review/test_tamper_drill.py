"""The tamper drill (docs/security-testing.md): as the database owner, with the append-only
triggers switched off, an attacker rewrites history the way the chain walk alone cannot see.
After a signed checkpoint was taken, `verify_chain` fails naming what happened, each time."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.checkpoints import checkpoint_paths
from policy.services import content_hash_compute
from review.models import ChainVerification
from triage.models import AccessEvent, Decision
from triage.services.access import access_event_record
from triage.services.decisions import DECISION_CHAIN


def as_owner_with_triggers_off(tables: list[str], *statements: str, params=None) -> None:
    """Run `statements` with every trigger on `tables` disabled, as the owner (the suite's
    connection), then switch the triggers back on: what someone holding the owner role can do."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks block the ALTER
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        for statement in statements:
            cursor.execute(statement, params)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")


def verify_chain_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_chain")
    return str(failure.value)


@pytest.fixture
def history(checkpoints, make_decision, make_review, reviewer, policy_v1):
    """Five decisions, two reviews, three access-log entries, a clean verification run, and a
    signed checkpoint of all of it."""
    decisions = [make_decision() for _ in range(5)]
    make_review(decisions[0], "agree")
    make_review(decisions[1], "more_information")
    for decision in decisions[:3]:
        access_event_record(user=reviewer, action=AccessEvent.Action.VIEW, decision=decision)
    call_command("verify_chain")
    call_command("chain_checkpoint")
    return decisions


def test_drill_a_decision_edited_and_every_later_hash_recomputed_is_named(history):
    """The walk finds nothing wrong (every hash was recomputed with the project's own function);
    the checkpoint's head no longer matches."""
    edited = history[1]
    as_owner_with_triggers_off(
        ["triage_decision"],
        "UPDATE triage_decision SET outcome = 'urgent_pathway' WHERE id = %s",
        params=[edited.pk],
    )
    previous = Decision.objects.get(sequence=edited.sequence - 1).content_hash
    for decision in Decision.objects.filter(sequence__gte=edited.sequence).order_by("sequence"):
        decision.previous_hash = previous
        previous = DECISION_CHAIN.row_hash(decision)
        as_owner_with_triggers_off(
            ["triage_decision"],
            "UPDATE triage_decision SET previous_hash = %s, content_hash = %s WHERE id = %s",
            params=[decision.previous_hash, previous, decision.pk],
        )

    message = verify_chain_fails()

    assert "content hash does not match" not in message  # the walk alone is fooled
    assert (
        "The decision chain was rewritten: sequence 5 now has hash" in message
        and "but checkpoint 1" in message
        and "rows up to sequence 5 were changed and their hashes recomputed" in message
    )


def test_drill_b_newest_decisions_deleted_with_the_verification_history_is_named(history):
    as_owner_with_triggers_off(
        ["triage_decision", "triage_chainverification"],
        "DELETE FROM triage_decision WHERE sequence > 3",
        "DELETE FROM triage_chainverification",
    )
    message = verify_chain_fails()
    assert (
        "The decision chain ends at sequence 3, but checkpoint 1" in message
        and "recorded 5 — rows were deleted from the end" in message
    )
    assert ChainVerification.objects.filter(ok=False).count() == 1


def test_drill_c_access_log_truncated_is_named(history):
    as_owner_with_triggers_off(["triage_accessevent"], "TRUNCATE triage_accessevent")
    message = verify_chain_fails()
    assert (
        "The access log chain is empty, but checkpoint 1" in message
        and "recorded 3 rows — the table was truncated or emptied" in message
    )


def test_drill_d_published_policy_version_edited_is_named(history, policy_v1):
    as_owner_with_triggers_off(
        ["policy_policyversion"],
        "UPDATE policy_policyversion SET statement = 'Fusion is routinely commissioned.' "
        "WHERE id = %s",
        params=[policy_v1.pk],
    )
    message = verify_chain_fails()
    assert (
        "Published policy version 1 (lumbar-spinal-fusion) was edited: its content no longer "
        "gives its stored hash" in message
    )


def test_drill_d_policy_version_edited_with_its_hash_recomputed_is_named(history, policy_v1):
    policy_v1.statement = "Fusion is routinely commissioned."
    as_owner_with_triggers_off(
        ["policy_policyversion"],
        "UPDATE policy_policyversion SET statement = %s, content_hash = %s WHERE id = %s",
        params=[policy_v1.statement, content_hash_compute(policy_v1), policy_v1.pk],
    )
    message = verify_chain_fails()
    assert "Published policy version 1 (lumbar-spinal-fusion) has stored hash" in message
    assert "the version was edited and its hash recomputed" in message
    assert (
        "5 decisions (the first " in message
        and "cite a policy hash that is no longer the hash of their version (version 1)" in message
    )


def test_drill_tampering_also_stops_the_next_checkpoint(history, checkpoints):
    """A rewrite is never laundered into a fresh signature: the next checkpoint is refused."""
    as_owner_with_triggers_off(["triage_accessevent"], "TRUNCATE triage_accessevent")
    with pytest.raises(CommandError, match="No checkpoint was written: the database no longer"):
        call_command("chain_checkpoint")
    assert [p.name for p in checkpoint_paths(checkpoints)] == ["checkpoint-00000001.json"]
