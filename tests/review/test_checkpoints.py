"""Signed checkpoints outside the database: written, never overwritten, checked with the public
key, refused when the database no longer extends them; the access log chain; the guards check."""

import base64
import hashlib
import json

import pgtrigger
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from core.chain import canonical_json
from core.checkpoints import (
    CheckpointError,
    checkpoint_paths,
    checkpoint_sign,
    checkpoint_store,
    public_key_load,
    signing_key_load,
)
from review.services.checkpoints import checkpoint_due
from review.services.verify import chain_verify
from triage.models import AccessEvent, Decision
from triage.services.access import ACCESS_CHAIN, access_event_record


@pytest.fixture
def recorded(checkpoints, make_decision, make_review, reviewer):
    """Three decisions, one review and two access-log entries."""
    decisions = [make_decision() for _ in range(3)]
    make_review(decisions[0])
    for decision in decisions[:2]:
        access_event_record(user=reviewer, action=AccessEvent.Action.VIEW, decision=decision)
    return decisions


def read(path) -> dict:
    return json.loads(path.read_text())


def test_checkpoint_records_the_head_of_every_chain_and_each_published_version(
    recorded, checkpoints, policy_v1
):
    call_command("chain_checkpoint")
    (path,) = checkpoint_paths(checkpoints)
    body = read(path)["checkpoint"]
    last = Decision.objects.order_by("-sequence").first()
    assert body["serial"] == 1 and body["previous"] is None
    assert body["chains"]["decisions"] == {
        "sequence": 3,
        "hash": last.content_hash,
        "count": 3,
    }
    assert body["chains"]["reviews"]["count"] == 1
    assert body["chains"]["access_log"]["count"] == 2
    assert body["chains"]["corrections"] == {"sequence": 0, "hash": "", "count": 0}
    assert set(body["chains"]) == {
        "decisions",
        "reviews",
        "corrections",
        "startback_scores",
        "practice_replies",
        "access_log",
    }
    assert body["policy_versions"] == [
        {"policy": "lumbar-spinal-fusion", "number": 1, "content_hash": policy_v1.content_hash}
    ]


def test_checkpoint_signature_is_over_the_canonical_json_and_verifies_with_the_public_key(
    recorded, checkpoints
):
    call_command("chain_checkpoint")
    document = read(checkpoint_paths(checkpoints)[0])
    # What `jq -cjS .checkpoint` prints: keys sorted, no spaces.
    signed = canonical_json(document["checkpoint"]).encode()
    assert (
        signed == json.dumps(document["checkpoint"], sort_keys=True, separators=(",", ":")).encode()
    )
    public_key_load().verify(base64.b64decode(document["signature"]), signed)
    assert document["algorithm"] == "Ed25519"


def test_nothing_is_written_when_nothing_changed_and_the_next_names_its_predecessor(
    recorded, checkpoints, make_decision, capsys
):
    call_command("chain_checkpoint")
    call_command("chain_checkpoint")
    assert "Nothing changed since checkpoint 1" in capsys.readouterr().out
    make_decision()
    call_command("chain_checkpoint")
    first, second = checkpoint_paths(checkpoints)
    link = read(second)["checkpoint"]["previous"]
    assert link["serial"] == 1
    signed_first = canonical_json(read(first)["checkpoint"]).encode()
    assert link["sha256"] == hashlib.sha256(signed_first).hexdigest()
    call_command("chain_checkpoint", force=True)
    assert len(checkpoint_paths(checkpoints)) == 3


def test_a_checkpoint_file_is_never_overwritten(recorded, checkpoints):
    call_command("chain_checkpoint")
    (path,) = checkpoint_paths(checkpoints)
    before = path.read_text()
    document = checkpoint_sign(read(path)["checkpoint"], signing_key_load())
    with pytest.raises(CheckpointError, match="already exists: checkpoints are never overwritten"):
        checkpoint_store(document, checkpoints)
    assert path.read_text() == before


def test_verify_chain_checks_against_the_latest_checkpoint(recorded, checkpoints, capsys):
    call_command("chain_checkpoint")
    call_command("verify_chain")
    out = capsys.readouterr().out
    assert "2 access log entries verified" in out
    assert "checked against checkpoint 1 (" in out


def test_a_forged_checkpoint_signed_with_another_key_is_rejected(
    recorded, checkpoints, make_decision
):
    call_command("chain_checkpoint")
    genuine = read(checkpoint_paths(checkpoints)[0])["checkpoint"]
    forged = dict(genuine, serial=2, chains={**genuine["chains"]})
    forged["chains"]["decisions"] = {"sequence": 1, "hash": "f" * 64, "count": 1}
    checkpoint_store(checkpoint_sign(forged, Ed25519PrivateKey.generate()), checkpoints)

    with pytest.raises(CommandError) as failure:
        call_command("verify_chain")
    assert (
        "checkpoint-00000002.json: the signature does not verify with the checkpoint public key"
        in str(failure.value)
    )
    assert "forged, altered or signed with another key" in str(failure.value)
    # The comparison still uses the genuine checkpoint before it.
    run = chain_verify(run_by="test")
    assert run.checkpoint.checkpoint.serial == 1


def test_a_checkpoint_edited_after_signing_is_rejected(recorded, checkpoints):
    call_command("chain_checkpoint")
    (path,) = checkpoint_paths(checkpoints)
    document = read(path)
    document["checkpoint"]["chains"]["decisions"]["count"] = 2
    path.chmod(0o644)
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="checkpoint-00000001.json: the signature does not"):
        call_command("verify_chain")


def test_the_signing_key_can_come_from_the_environment_as_base64(settings, recorded, checkpoints):
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    settings.CHECKPOINT_SIGNING_KEY = base64.b64encode(raw).decode()
    call_command("chain_checkpoint")
    document = read(checkpoint_paths(checkpoints)[0])
    key.public_key().verify(
        base64.b64decode(document["signature"]), canonical_json(document["checkpoint"]).encode()
    )


def test_a_bad_signing_key_is_a_clear_error(settings, recorded, checkpoints):
    settings.CHECKPOINT_SIGNING_KEY = "not a key"
    with pytest.raises(CommandError, match="CHECKPOINT_SIGNING_KEY is not an Ed25519 private"):
        call_command("chain_checkpoint")
    settings.CHECKPOINT_SIGNING_KEY = ""
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(checkpoints / "missing.pem")
    with pytest.raises(CommandError, match="missing.pem cannot be read"):
        call_command("chain_checkpoint")


def test_generate_key_writes_a_key_once_and_never_replaces_it(settings, tmp_path, capsys):
    settings.CHECKPOINT_SIGNING_KEY_FILE = str(tmp_path / ".keys" / "signing.pem")
    call_command("chain_checkpoint", generate_key=True)
    first = (tmp_path / ".keys" / "signing.pem").read_text()
    call_command("chain_checkpoint", generate_key=True)
    assert (tmp_path / ".keys" / "signing.pem").read_text() == first
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert oct((tmp_path / ".keys" / "signing.pem").stat().st_mode & 0o777) == "0o600"
    assert "already exists; kept" in capsys.readouterr().out


def test_a_verifier_with_only_the_public_key_checks_checkpoints(settings, recorded, checkpoints):
    call_command("chain_checkpoint")
    public = checkpoints.parent / "public.pem"
    public.write_bytes(
        signing_key_load()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    settings.CHECKPOINT_SIGNING_KEY_FILE = ""
    settings.CHECKPOINT_PUBLIC_KEY_FILE = str(public)
    assert chain_verify(run_by="test").ok


# After every N decisions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "every", "due"),
    [(1, 1, 100, False), (100, 100, 100, True), (99, 101, 100, True), (101, 199, 100, False),
     (1, 300, 100, True), (5, 5, 0, False)],
)  # fmt: skip
def test_checkpoint_is_due_when_the_decision_chain_passes_a_multiple_of_n(first, last, every, due):
    assert checkpoint_due(first_sequence=first, last_sequence=last, every=every) is due


def test_the_worker_takes_a_checkpoint_every_n_decisions(
    settings, checkpoints, make_decision, run_worker
):
    settings.CHECKPOINT_EVERY = 2
    make_decision()
    run_worker()
    assert checkpoint_paths(checkpoints) == []
    make_decision()
    run_worker()
    (path,) = checkpoint_paths(checkpoints)
    assert read(path)["checkpoint"]["chains"]["decisions"]["count"] == 2


# Consistency: the history only grew --------------------------------------------------------


def test_consistency_with_an_earlier_checkpoint_after_the_chains_grew(
    recorded, checkpoints, make_decision, reviewer, tmp_path, capsys
):
    call_command("chain_checkpoint")
    held = tmp_path / "held.json"
    held.write_text(checkpoint_paths(checkpoints)[0].read_text())
    make_decision()
    access_event_record(user=reviewer, action=AccessEvent.Action.EXPORT, query="{}")
    call_command("chain_checkpoint")
    call_command("chain_checkpoint", verify_consistency=str(held))
    out = capsys.readouterr().out
    assert "Consistent: every chain extends checkpoint 1" in out
    assert "decisions +1" in out and "access_log +1" in out


def test_consistency_fails_when_the_history_was_rewritten_since(recorded, checkpoints, tmp_path):
    call_command("chain_checkpoint")
    held = tmp_path / "held.json"
    held.write_text(checkpoint_paths(checkpoints)[0].read_text())
    with pgtrigger.ignore("triage.Decision:decision_append_only"):
        Decision.objects.filter(sequence=3).delete()
    with pytest.raises(CommandError) as failure:
        call_command("chain_checkpoint", verify_consistency=str(held))
    assert "The history did not only grow since checkpoint 1" in str(failure.value)
    assert "rows were deleted from the end" in str(failure.value)


def test_consistency_names_a_fork_when_the_folder_holds_another_checkpoint_1(
    recorded, checkpoints, tmp_path
):
    """Someone holding the signing key re-signs a different history under the same number:
    the checkpoint you kept proves it."""
    call_command("chain_checkpoint")
    held = tmp_path / "held.json"
    (path,) = checkpoint_paths(checkpoints)
    held.write_text(path.read_text())
    body = read(path)["checkpoint"]
    path.unlink()
    checkpoint_store(
        checkpoint_sign(dict(body, created_at="2026-01-01T00:00:00+00:00"), signing_key_load()),
        checkpoints,
    )
    with pytest.raises(CommandError, match="two different histories were signed"):
        call_command("chain_checkpoint", verify_consistency=str(held))


def test_consistency_refuses_a_held_checkpoint_with_a_bad_signature(
    recorded, checkpoints, tmp_path
):
    body = {"format": "fusion-triage-checkpoint/1", "serial": 1, "chains": {}}
    held = tmp_path / "held.json"
    held.write_text(json.dumps(checkpoint_sign(body, Ed25519PrivateKey.generate())))
    with pytest.raises(CommandError, match="the signature does not verify"):
        call_command("chain_checkpoint", verify_consistency=str(held))


# The access log chain and the guards ---------------------------------------------------------


def test_access_events_are_appended_to_their_own_hash_chain(recorded):
    first, second = AccessEvent.objects.order_by("sequence")
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.previous_hash == first.content_hash
    assert second.content_hash == ACCESS_CHAIN.row_hash(second)


def test_verifier_catches_an_edited_access_event(recorded):
    with pgtrigger.ignore("triage.AccessEvent:access_event_append_only"):
        AccessEvent.objects.filter(sequence=2).update(query="nothing to see")
    run = chain_verify(run_by="test")
    assert not run.ok
    assert "access log entry (sequence 2, view by user" in run.first_problem
    assert "content hash does not match — the row was edited" in run.first_problem


def test_verifier_catches_a_deleted_access_event(recorded):
    with pgtrigger.ignore("triage.AccessEvent:access_event_append_only"):
        AccessEvent.objects.filter(sequence=1).delete()
    assert "sequence 1 missing — a row was deleted" in chain_verify(run_by="test").first_problem


def _pgid(uri: str) -> tuple[str, str]:
    ((model, trigger),) = pgtrigger.registered(uri)
    return model._meta.db_table, trigger.get_pgid(model)


def test_verifier_names_a_disabled_trigger(recorded):
    table, pgid = _pgid("triage.Decision:decision_append_only")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {pgid}")
    run = chain_verify(run_by="test")
    assert (
        "The trigger decision_append_only on triage_decision is disabled (tgenabled 'D')"
        in run.first_problem
    )


def test_verifier_names_a_dropped_trigger(recorded):
    table, pgid = _pgid("triage.AccessEvent:access_event_no_truncate")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {pgid} ON {table}")
    run = chain_verify(run_by="test")
    assert (
        "The trigger access_event_no_truncate on triage_accessevent is missing — it was dropped"
        in run.first_problem
    )


def test_verifier_names_a_trigger_whose_function_was_replaced(recorded):
    _table, pgid = _pgid("review.Review:review_append_only")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {pgid}() RETURNS TRIGGER AS $$ BEGIN RETURN NEW; END; $$ "
            "LANGUAGE plpgsql"
        )
    run = chain_verify(run_by="test")
    assert (
        "The trigger review_append_only on triage_review runs a function that is not the one "
        "the code declares" in run.first_problem
    )


def test_verifier_names_an_application_role_granted_update_on_an_audit_table(settings, recorded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'fusion_drill_app'")
        if cursor.fetchone() is None:
            cursor.execute("CREATE ROLE fusion_drill_app")
        cursor.execute("GRANT UPDATE ON triage_decision TO fusion_drill_app")
    settings.DATABASE_APP_ROLE = "fusion_drill_app"
    run = chain_verify(run_by="test")
    assert (
        "The application role fusion_drill_app may UPDATE on triage_decision" in run.first_problem
    )


def test_the_checkpointed_head_deleted_from_the_middle_is_named(recorded, make_decision):
    call_command("chain_checkpoint")
    make_decision()
    with pgtrigger.ignore("triage.Decision:decision_append_only"):
        Decision.objects.filter(sequence=3).delete()
    problems = chain_verify(run_by="test").problems
    assert any("sequence 3 missing — a row was deleted" in p for p in problems)
    assert "Sequence 3 of the decision chain, the head checkpoint 1 (" in "\n".join(
        problems
    ) and "signed, is missing — the row was deleted." in "\n".join(problems)
