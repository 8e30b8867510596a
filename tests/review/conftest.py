"""Fixtures for the reviewer workspace: decisions made through the real engine and chain."""

import datetime
import uuid

import pytest
from django.utils import timezone

from tests.conftest import VALID_NHS_NUMBERS, answers_for


@pytest.fixture
def make_decision(policy_v1, gp):
    """Record a decision (by `gp` at their practice unless told otherwise) via the real chain."""
    from triage.services.decisions import decision_record

    def make(*, user=None, practice=None, nhs_number=VALID_NHS_NUMBERS[0], created_at=None,
             **answers):  # fmt: skip
        user = user or gp
        decision, _ = decision_record(
            user=user,
            practice=practice or user.clinician.practice,
            nhs_number=nhs_number,
            answers=answers_for(**answers),
            submission_key=uuid.uuid4(),
            version=policy_v1,
            created_at=created_at,
        )
        return decision

    return make


@pytest.fixture
def make_review(reviewer):
    """Record a verdict on a decision through the real review chain."""
    from triage.services.reviews import review_record

    def make(decision, verdict="agree", *, user=None, reason="", note="", created_at=None):
        review, _ = review_record(
            decision=decision,
            reviewer=user or reviewer,
            verdict=verdict,
            reason=reason or ("Not isolated back pain" if verdict == "disagree" else ""),
            note=note,
            submission_key=uuid.uuid4(),
            created_at=created_at,
        )
        return review

    return make


def days_ago(days: int, hour: int = 10) -> datetime.datetime:
    """A time `days` days before today, at `hour` o'clock local time."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )
