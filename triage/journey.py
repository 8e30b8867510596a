"""The GP's questionnaire in progress, kept in the server-side session between pages.

Nothing typed is lost on back, refresh or a validation error; the journey also pins the
policy version it started under and a submission key that makes the final submit idempotent.
"""

import uuid
from dataclasses import asdict, dataclass, field

from django.http import HttpRequest

SESSION_KEY = "referral_journey"
STEPS = ("patient", "red-flags", "pain", "conditions", "decompression")
CHECK = "check"
# Which answer key (or the NHS number) marks each page as answered.
STEP_ANSWER = {
    "red-flags": "red_flags",
    "pain": "pain_location",
    "conditions": "conditions",
    "decompression": "decompression_planned",
}


@dataclass
class Journey:
    submission_key: str
    policy_version_id: int
    nhs_number: str | None = None
    answers: dict = field(default_factory=dict)

    def is_answered(self, step: str) -> bool:
        if step == "patient":
            return bool(self.nhs_number)
        return STEP_ANSWER[step] in self.answers

    def next_step(self) -> str:
        """The first page not yet answered, or the check page when all are."""
        for step in STEPS:
            if not self.is_answered(step):
                return step
        return CHECK

    def can_visit(self, step: str) -> bool:
        """A page may be shown once every page before it has been answered."""
        if step == CHECK:
            return self.next_step() == CHECK
        return all(self.is_answered(s) for s in STEPS[: STEPS.index(step)])

    def full_answers(self) -> dict:
        """The answers contract; red flags end the questionnaire, leaving the rest unasked."""
        flags = self.answers.get("red_flags", [])
        if flags:
            return {
                "pain_location": None,
                "red_flags": flags,
                "conditions": [],
                "decompression_planned": None,
                "decompression_destabilising": None,
            }
        return {
            "pain_location": self.answers.get("pain_location"),
            "red_flags": [],
            "conditions": self.answers.get("conditions", []),
            "decompression_planned": self.answers.get("decompression_planned"),
            "decompression_destabilising": self.answers.get("decompression_destabilising"),
        }


def journey_get(request: HttpRequest) -> Journey | None:
    data = request.session.get(SESSION_KEY)
    return Journey(**data) if data else None


def journey_save(request: HttpRequest, journey: Journey) -> None:
    request.session[SESSION_KEY] = asdict(journey)


def journey_start(request: HttpRequest, *, policy_version_id: int) -> Journey:
    journey = Journey(submission_key=str(uuid.uuid4()), policy_version_id=policy_version_id)
    journey_save(request, journey)
    return journey


def journey_clear(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
