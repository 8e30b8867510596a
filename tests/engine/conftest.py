"""Fixtures for the engine tests: the seed policy's rules, as JSON data and parsed."""

import copy
import json
from pathlib import Path

import pytest

from policy.engine import Rules, parse_rules

SEED_RULES_PATH = Path(__file__).resolve().parents[2] / "policy" / "seed" / "rules_v1.json"


@pytest.fixture(scope="session")
def seed_rules_json() -> dict:
    """The seed rules exactly as stored in policy/seed/rules_v1.json; never mutate it."""
    return json.loads(SEED_RULES_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def seed_rules_data(seed_rules_json: dict) -> dict:
    """A private copy of the seed rules JSON that a test may edit freely."""
    return copy.deepcopy(seed_rules_json)


@pytest.fixture(scope="session")
def seed_rules(seed_rules_json: dict) -> Rules:
    """The seed rules parsed, as the service would hand them to the engine."""
    return parse_rules(seed_rules_json)
