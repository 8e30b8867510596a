"""Policy test cases: named scenarios with expected outcomes, JSON import/export, draft results."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from policy.models import PolicyScenario
from policy.scenarios import (
    SEED_FILE,
    ScenarioError,
    policy_scenario_results,
    policy_scenarios_export,
    policy_scenarios_import,
    policy_scenarios_seed,
)
from policy.services import PolicyError, PublishConfirmations
from tests.conftest import answers_for, publish_draft
from tests.engine.test_scenarios import SCENARIOS
from tests.policy.test_drafts import recategorise_sijd


def test_seed_holds_the_named_clinical_scenarios_of_the_engine_tests(policy_v1):
    assert policy_scenarios_seed(policy=policy_v1.policy) == len(SCENARIOS)
    seeded = {s.name: s for s in PolicyScenario.objects.all()}
    for param in SCENARIOS:
        answers, outcome, _ = param.values
        scenario = seeded[param.id.replace("_", " ").capitalize()]
        assert scenario.answers == answers.to_dict()
        assert scenario.expected_outcome == outcome
    assert policy_scenarios_seed(policy=policy_v1.policy) == 0  # idempotent


def test_every_seeded_scenario_passes_under_version_1(policy_v1):
    policy_scenarios_seed(policy=policy_v1.policy)
    results = policy_scenario_results(policy_v1)
    assert len(results) == len(SCENARIOS)
    assert all(result.passes for result in results)


def test_draft_shows_which_scenarios_change_outcome(policy_v1, policy_admin, policy_admin_client):
    policy_scenarios_seed(policy=policy_v1.policy)
    draft = recategorise_sijd(policy_admin)
    failing = [r for r in policy_scenario_results(draft) if not r.passes]
    assert [r.scenario.name for r in failing] == [
        "Sacroiliac joint dysfunction is outside statement"
    ]
    assert failing[0].outcome == "usual_pathway_exception"
    assert failing[0].in_effect_outcome == "outside_statement"
    assert failing[0].changes
    body = policy_admin_client.get(
        reverse("policy:draft_scenarios", args=[draft.pk])
    ).content.decode()
    assert body.count(">Fail<") == 1


def test_publishing_with_a_failing_scenario_needs_a_recorded_confirmation(
    policy_v1, policy_admin, second_policy_admin
):
    policy_scenarios_seed(policy=policy_v1.policy)
    draft = recategorise_sijd(policy_admin)
    with pytest.raises(PolicyError) as caught:
        publish_draft(
            draft,
            author=policy_admin,
            approver=second_policy_admin,
            effective_from=timezone.localdate(),
        )
    assert [p.field for p in caught.value.items] == ["failing_scenarios"]
    version = publish_draft(
        draft,
        author=policy_admin,
        approver=second_policy_admin,
        effective_from=timezone.localdate(),
        confirm=PublishConfirmations(warnings_read=True, failing_scenarios=True),
    )
    event = version.events.get(action="published")
    assert (
        "confirmed failing scenarios: Sacroiliac joint dysfunction is outside statement"
        in event.changed
    )


def test_export_then_import_round_trips(policy_v1, policy_admin):
    policy_scenarios_seed(policy=policy_v1.policy)
    exported = policy_scenarios_export(policy=policy_v1.policy)
    assert exported == sorted(json.loads(SEED_FILE.read_text()), key=lambda s: s["name"])
    added, updated = policy_scenarios_import(
        policy=policy_v1.policy, user=policy_admin, text=json.dumps(exported)
    )
    assert (added, updated) == (0, len(exported))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("not json", "not valid JSON (line 1, column 1)"),
        ('{"name": "x"}', "must contain a JSON list"),
        ("[]", "contains no scenarios"),
        ("[1]", "Scenario 1: must be an object"),
        (
            json.dumps([{"name": "", "answers": answers_for(), "expected_outcome": "x"}]),
            "Scenario 2: name is missing",
        ),
        (
            json.dumps(
                [
                    {
                        "name": "Hip",
                        "answers": answers_for(pain_location="hip"),
                        "expected_outcome": "outside_statement",
                    }
                ]
            ),
            "Scenario 2 ('Hip'): answers: ",
        ),
        (
            json.dumps([{"name": "Bad", "answers": answers_for(), "expected_outcome": "maybe"}]),
            "Scenario 2 ('Bad'): expected_outcome must be one of",
        ),
        (
            json.dumps(
                [
                    {
                        "name": "Twice",
                        "answers": answers_for(),
                        "expected_outcome": "urgent_pathway",
                    },
                    {
                        "name": "Twice",
                        "answers": answers_for(),
                        "expected_outcome": "urgent_pathway",
                    },
                ]
            ),
            "Scenario 3: the name 'Twice' is used twice",
        ),
    ],
)
def test_malformed_import_names_each_problem_and_imports_nothing(
    policy_v1, policy_admin, text, named
):
    good = {"name": "Good", "answers": answers_for(), "expected_outcome": "urgent_pathway"}
    with pytest.raises(ScenarioError) as caught:
        payload = text if not text.startswith("[{") else json.dumps([good, *json.loads(text)])
        policy_scenarios_import(policy=policy_v1.policy, user=policy_admin, text=payload)
    problems = " | ".join(caught.value.problems)
    assert (
        named.replace("Scenario 1", "Scenario 2").replace("Scenario 2:", "Scenario 3:")
        in (problems)
        or named in problems
    )
    assert not PolicyScenario.objects.exists()


def test_import_page_lists_every_problem_next_to_the_file_field(policy_v1, policy_admin_client):
    bad = json.dumps(
        [
            {"name": "A", "answers": {"pain_location": "back_only"}, "expected_outcome": "x"},
            {"name": "B"},
        ]
    )
    response = policy_admin_client.post(
        reverse("policy:scenario_import"),
        {"file": SimpleUploadedFile("cases.json", bad.encode(), "application/json")},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Scenario 1 (&#x27;A&#x27;): answers:" in body
    assert "Scenario 2 (&#x27;B&#x27;): answers must be an object" in body
    assert 'href="#id_file"' in body
    assert not PolicyScenario.objects.exists()


def test_add_edit_and_delete_a_test_case_through_the_pages(policy_v1, policy_admin_client):
    data = {
        "name": "Leg pain",
        "answers": json.dumps(answers_for(pain_location="back_and_leg")),
        "expected_outcome": "not_isolated_back_pain",
    }
    assert policy_admin_client.post(reverse("policy:scenario_add"), data).status_code == 302
    scenario = PolicyScenario.objects.get()
    bad = policy_admin_client.post(
        reverse("policy:scenario_edit", args=[scenario.pk]), {**data, "answers": "{oops"}
    )
    assert bad.status_code == 400
    assert "The answers are not valid JSON" in bad.content.decode()
    assert "{oops" in bad.content.decode()
    response = policy_admin_client.post(reverse("policy:scenario_delete", args=[scenario.pk]))
    assert response.status_code == 302
    assert not PolicyScenario.objects.exists()
    export = policy_admin_client.get(reverse("policy:scenario_export"))
    assert export.json() == []
