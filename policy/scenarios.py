"""Policy test cases: named clinical scenarios with the outcome the policy should give.

Like unit tests for the policy: each draft is run against them, and the JSON import/export
uses the answers contract (the same shape a decision stores).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from policy import engine
from policy.models import Policy, PolicyScenario, PolicyVersion
from policy.selectors import policy_version_in_effect

SEED_FILE = Path(__file__).resolve().parent / "seed" / "scenarios.json"
MAX_IMPORT = 500
OUTCOME_CODES = tuple(o.value for o in engine.Outcome)


class ScenarioError(Exception):
    """Scenarios were refused; `problems` names each one, and nothing was saved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ScenarioResult:
    scenario: PolicyScenario
    outcome: str  # under the version being checked
    in_effect_outcome: str | None  # under the version in effect today

    @property
    def passes(self) -> bool:
        return self.outcome == self.scenario.expected_outcome

    @property
    def changes(self) -> bool:
        return self.in_effect_outcome is not None and self.outcome != self.in_effect_outcome


def _outcome(rules: engine.Rules | None, answers: engine.Answers) -> str | None:
    if rules is None:
        return None
    return str(engine.evaluate(rules, answers).outcome)


def policy_scenario_results(version: PolicyVersion) -> list[ScenarioResult]:
    """Each scenario's outcome under `version` and under the version in effect.

    A version whose rules do not parse has no results (publishing is blocked anyway).
    """
    try:
        rules = engine.parse_rules(version.rules)
    except engine.RulesError:
        return []
    in_effect = policy_version_in_effect(policy=version.policy)
    current_rules = engine.parse_rules(in_effect.rules) if in_effect else None
    results = []
    for scenario in version.policy.scenarios.all():
        answers = engine.parse_answers(scenario.answers)
        results.append(
            ScenarioResult(scenario, _outcome(rules, answers), _outcome(current_rules, answers))
        )
    return results


def scenario_parse(item: object, *, label: str) -> tuple[dict, list[str]]:
    """One scenario from JSON: (clean data, problems naming `label` and the field)."""
    if not isinstance(item, dict):
        return {}, [f"{label}: must be an object with name, answers and expected_outcome"]
    problems = []
    unknown = sorted(set(item) - {"name", "answers", "expected_outcome"})
    if unknown:
        problems.append(f"{label}: unknown keys {', '.join(unknown)}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{label}: name is missing")
    elif len(name.strip()) > 200:
        problems.append(f"{label}: name is longer than 200 characters")
    else:
        label = f"{label} ('{name.strip()}')"
    answers = item.get("answers")
    clean_answers = None
    if not isinstance(answers, dict):
        problems.append(f"{label}: answers must be an object in the answers contract")
    else:
        try:
            clean_answers = engine.parse_answers(answers).to_dict()
        except engine.AnswersError as error:
            problems.append(f"{label}: answers: {error}")
    outcome = item.get("expected_outcome")
    if outcome not in OUTCOME_CODES:
        problems.append(f"{label}: expected_outcome must be one of {', '.join(OUTCOME_CODES)}")
    if problems:
        return {}, problems
    return {"name": name.strip(), "answers": clean_answers, "expected_outcome": outcome}, []


@transaction.atomic
def policy_scenarios_import(*, policy: Policy, user, text: str) -> tuple[int, int]:
    """Add or replace scenarios (matched by name) from JSON; all or nothing.

    Returns (added, updated). Raises ScenarioError naming every problem; nothing is saved then.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            [f"The file is not valid JSON (line {error.lineno}, column {error.colno})"]
        ) from error
    if not isinstance(data, list):
        raise ScenarioError(["The file must contain a JSON list of scenarios"])
    if not data:
        raise ScenarioError(["The file contains no scenarios"])
    if len(data) > MAX_IMPORT:
        raise ScenarioError([f"The file has {len(data)} scenarios; the most is {MAX_IMPORT}"])
    problems, clean, seen = [], [], set()
    for index, item in enumerate(data, start=1):
        parsed, item_problems = scenario_parse(item, label=f"Scenario {index}")
        problems.extend(item_problems)
        if parsed:
            if parsed["name"] in seen:
                problems.append(f"Scenario {index}: the name '{parsed['name']}' is used twice")
            seen.add(parsed["name"])
            clean.append(parsed)
    if problems:
        raise ScenarioError(problems)
    added = updated = 0
    for item in clean:
        _, created = PolicyScenario.objects.update_or_create(
            policy=policy,
            name=item["name"],
            defaults={
                "answers": item["answers"],
                "expected_outcome": item["expected_outcome"],
                "updated_by": user,
            },
        )
        added += created
        updated += not created
    return added, updated


def policy_scenarios_export(*, policy: Policy) -> list[dict]:
    return [
        {"name": s.name, "answers": s.answers, "expected_outcome": s.expected_outcome}
        for s in policy.scenarios.order_by("name")
    ]


@transaction.atomic
def policy_scenario_save(
    *, policy: Policy, user, data: dict, scenario: PolicyScenario | None = None
) -> PolicyScenario:
    """Add a scenario, or change one; `data` is one scenario in the import shape."""
    parsed, problems = scenario_parse(data, label="Scenario")
    if problems:
        raise ScenarioError(problems)
    clash = policy.scenarios.filter(name=parsed["name"])
    if scenario is not None:
        clash = clash.exclude(pk=scenario.pk)
    if clash.exists():
        raise ScenarioError([f"A scenario called '{parsed['name']}' already exists"])
    scenario = scenario or PolicyScenario(policy=policy)
    scenario.name = parsed["name"]
    scenario.answers = parsed["answers"]
    scenario.expected_outcome = parsed["expected_outcome"]
    scenario.updated_by = user
    scenario.full_clean()
    scenario.save()
    return scenario


def policy_scenario_delete(*, scenario: PolicyScenario) -> None:
    scenario.delete()


def policy_scenarios_seed(*, policy: Policy) -> int:
    """Load the named clinical scenarios the engine tests use, if the policy has none yet."""
    if policy.scenarios.exists():
        return 0
    added, _ = policy_scenarios_import(policy=policy, user=None, text=SEED_FILE.read_text())
    return added
