"""Policy versions: published ones are frozen by the database; drafts are edited and published."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.utils import timezone

from policy import engine
from policy.models import PolicyEditEvent, PolicyVersion
from policy.selectors import policy_version_in_effect
from policy.services import (
    DraftChanges,
    PolicyError,
    content_hash_compute,
    policy_rules,
    policy_seed,
    policy_version_discard,
    policy_version_draft_start,
    policy_version_draft_update,
    policy_version_publish,
)
from tests.conftest import publish_draft


def test_seed_loads_every_section_and_criterion_as_published_version_1(policy_v1):
    assert policy_v1.status == "published"
    assert policy_v1.number == 1
    assert "not routinely be commissioned" in policy_v1.statement
    assert "Sacroiliac joint dysfunction" in policy_v1.exclusions
    assert "STaRT Back" in policy_v1.primary_care_management
    assert len(policy_v1.rules["criteria"]) == 15
    assert policy_v1.content_hash == content_hash_compute(policy_v1)


def test_seed_is_idempotent(policy_v1):
    again, created = policy_seed()
    assert not created
    assert again.pk == policy_v1.pk
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE policy_policyversion SET statement = 'tampered'",
        "UPDATE policy_policyversion SET rules = '{}'::jsonb",
        "DELETE FROM policy_policyversion",
    ],
)
def test_raw_sql_cannot_change_a_published_version(policy_v1, sql):
    with pytest.raises(DatabaseError, match="published_version_immutable"):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_a_draft_can_be_edited_by_sql_but_a_discarded_one_is_frozen(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE policy_policyversion SET statement = 'x' WHERE id = %s", [draft.pk])
    policy_version_discard(version=draft, user=policy_admin)
    with pytest.raises(DatabaseError, match="published_version_immutable"):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE policy_policyversion SET status = 'draft' WHERE id = %s", [draft.pk]
            )


def test_edit_events_are_append_only(policy_v1, policy_admin):
    policy_version_draft_start(user=policy_admin)
    with pytest.raises(DatabaseError, match="edit_events_append_only"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM policy_policyeditevent")


def test_draft_starts_as_a_copy_of_the_current_version(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    assert draft.number is None  # numbers are given at publish
    assert draft.status == "draft"
    assert draft.based_on == policy_v1
    assert draft.rules == policy_v1.rules
    assert draft.statement == policy_v1.statement
    assert policy_version_draft_start(user=policy_admin).pk == draft.pk


def test_publishing_refuses_a_past_date_and_an_empty_section(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(sections={"rationale": ""}, criteria={}, questions={}),
    )
    with pytest.raises(PolicyError) as caught:
        policy_version_publish(
            version=draft,
            user=policy_admin,
            effective_from=timezone.localdate() - datetime.timedelta(days=1),
        )
    problems = " | ".join(caught.value.problems)
    assert "must be today or in the future" in problems
    assert "'Rationale' section is empty" in problems
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_refuses_rules_with_a_missing_or_unknown_criterion(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    rules = json.loads(json.dumps(draft.rules))
    rules["criteria"] = [c for c in rules["criteria"] if c["code"] != "scoliosis"]
    rules["criteria"].append({**rules["criteria"][-1], "code": "made_up"})
    PolicyVersion.objects.filter(pk=draft.pk).update(rules=rules)
    draft.refresh_from_db()
    with pytest.raises(PolicyError) as caught:
        policy_version_publish(
            version=draft, user=policy_admin, effective_from=timezone.localdate()
        )
    problems = " | ".join(caught.value.problems)
    assert "scoliosis" in problems
    assert "made_up" in problems


def test_recategorised_criterion_changes_the_outcome_for_the_new_version_only(
    policy_v1, policy_admin, second_policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            # A recategorised criterion's quote must appear in its new section.
            sections={"exceptions": draft.exceptions + "\n- Sacroiliac joint dysfunction"},
            criteria={"sacroiliac_joint_dysfunction": {"category": "exception"}},
            questions={},
        ),
    )
    v2 = publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
    )
    answers = engine.parse_answers(
        {
            "pain_location": "back_only",
            "red_flags": [],
            "conditions": ["sacroiliac_joint_dysfunction"],
            "decompression_planned": False,
            "decompression_destabilising": None,
        }
    )
    assert engine.evaluate(policy_rules(policy_v1), answers).outcome == "outside_statement"
    assert engine.evaluate(policy_rules(v2), answers).outcome == "usual_pathway_exception"


def test_future_dated_version_is_scheduled_not_current(
    policy_v1, policy_admin, second_policy_admin
):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(sections={"rationale": "Later."}, criteria={}, questions={}),
    )
    later = timezone.localdate() + datetime.timedelta(days=30)
    publish_draft(draft, author=policy_admin, approver=second_policy_admin, effective_from=later)
    assert policy_version_in_effect() == policy_v1
    assert policy_version_in_effect(on=later).number == 2


def test_published_version_cannot_be_edited_through_the_service(policy_v1, policy_admin):
    with pytest.raises(PolicyError):
        policy_version_draft_update(
            version=policy_v1,
            user=policy_admin,
            changes=DraftChanges(sections={"statement": "x"}, criteria={}, questions={}),
        )


def test_who_changed_what_is_recorded(policy_v1, policy_admin):
    draft = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=draft,
        user=policy_admin,
        changes=DraftChanges(
            sections={"statement": "New statement."},
            criteria={"scoliosis": {"label": "Scoliosis (non-mechanical)"}},
            questions={},
        ),
    )
    events = list(PolicyEditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["created", "edited"]
    assert "section statement" in events[1].changed
    assert "criterion scoliosis label" in events[1].changed
    assert events[1].user == policy_admin


def evaluate(monkeypatch, payload, *args) -> dict:
    monkeypatch.setattr("sys.stdin", StringIO(payload))
    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_command_prints_the_decision(policy_v1, monkeypatch):
    answers = {
        "pain_location": "back_and_leg",
        "red_flags": [],
        "conditions": [],
        "decompression_planned": True,
        "decompression_destabilising": True,
    }
    result = evaluate(monkeypatch, json.dumps(answers))
    assert result["outcome"] == "fusion_appropriate_with_decompression"
    assert result["policy_version"] == 1
    assert result["policy_hash"] == policy_v1.content_hash
    assert [f["clause"] for f in result["findings"]] == ["decompression", "statement"]


@pytest.mark.parametrize(
    ("payload", "args", "named"),
    [
        ('{"pain_location": "back_only"}', [], "missing"),
        ("not json", [], "not valid JSON"),
        (
            '{"pain_location": "hip", "red_flags": [], "conditions": [], '
            '"decompression_planned": false, "decompression_destabilising": null}',
            [],
            "pain_location",
        ),
        ("{}", ["--version", "9"], "no published policy version 9"),
    ],
)
def test_evaluate_command_exits_2_naming_the_bad_input(
    policy_v1, monkeypatch, payload, args, named
):
    with pytest.raises(CommandError) as caught:
        evaluate(monkeypatch, payload, *args)
    assert caught.value.returncode == 2
    assert named in str(caught.value)


@pytest.mark.parametrize("table", ["policy_policyversion", "policy_policyeditevent"])
def test_truncate_of_policy_history_is_refused(policy_v1, table):
    with pytest.raises(DatabaseError, match="Cannot truncate the append-only table"):
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks of this test's inserts first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table} CASCADE")


def test_new_draft_builds_on_a_scheduled_version_not_only_the_current_one(
    policy_v1, policy_admin, second_policy_admin
):
    v2 = policy_version_draft_start(user=policy_admin)
    policy_version_draft_update(
        version=v2,
        user=policy_admin,
        changes=DraftChanges(
            sections={"rationale": "Scheduled rationale."}, criteria={}, questions={}
        ),
    )
    publish_draft(
        v2,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate() + datetime.timedelta(days=10),
    )
    v3 = policy_version_draft_start(user=policy_admin)
    assert v3.based_on.number == 2
    assert v3.rationale == "Scheduled rationale."
