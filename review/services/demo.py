"""Demo practices, users and synthetic decisions. Passwords are public: DEBUG-only (see seed_demo).

Synthetic decisions go through the real engine and the real chain helpers (one chain append
and its advisory locks), in chronological order, so `verify_chain` accepts them. They
are written in batches with bulk_create: 100,000 take about 35 seconds, not hours.
"""

import bisect
import datetime
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import reset_queries, transaction
from django.utils import timezone

from core.chain import chain_append
from core.roles import GP, POLICY_ADMIN, REVIEWER
from policy import engine
from policy.engine import OUTCOME_CHOICES
from policy.models import PolicyVersion
from policy.selectors import POLICY_SLUG
from policy.services import policy_rules
from review.models import Review
from review.services.reviews import REVIEW_CHAIN
from triage.models import Clinician, Decision, Practice
from triage.nhs_number import nhs_number_check_digit_ok
from triage.references import reference_generate
from triage.services.decisions import DECISION_CHAIN

DEMO_PRACTICES = {
    "C81001": "Peak View Surgery",
    "C81002": "Derwent Bank Medical Centre",
    "C81003": "Ashbourne Road Surgery",
    "C81004": "Belper Lane Health Centre",
    "C81005": "Matlock Dale Practice",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    role: str
    practice: str | None
    description: str


DEMO_USERS = (
    DemoUser("gp", "demo-gp-password", "Asha", "Patel", GP, "C81001",
             "GP at Peak View Surgery (C81001)"),
    DemoUser("gp2", "demo-gp2-password", "Tom", "Hughes", GP, "C81002",
             "GP at Derwent Bank Medical Centre (C81002)"),
    DemoUser("gp3", "demo-gp3-password", "Grace", "Adeyemi", GP, "C81003",
             "GP at Ashbourne Road Surgery (C81003)"),
    DemoUser("gp4", "demo-gp4-password", "Owen", "Price", GP, "C81004",
             "GP at Belper Lane Health Centre (C81004)"),
    DemoUser("gp5", "demo-gp5-password", "Mei", "Chen", GP, "C81005",
             "GP at Matlock Dale Practice (C81005)"),
    DemoUser("reviewer", "demo-reviewer-password", "Ruth", "Okafor", REVIEWER, None,
             "ICB reviewer"),
    DemoUser("admin", "demo-admin-password", "Sam", "Clarke", POLICY_ADMIN, None,
             "Policy admin"),
    DemoUser("admin2", "demo-admin2-password", "Priya", "Shah", POLICY_ADMIN, None,
             "Second policy admin (approves the first admin's drafts)"),
)  # fmt: skip

# Share of decisions from each practice, in DEMO_PRACTICES order.
PRACTICE_WEIGHTS = (30, 25, 20, 15, 10)
SPREAD_DAYS = 548  # about 18 months
BATCH_SIZE = 1000


@transaction.atomic
def demo_users_ensure() -> None:
    """Create or reset the demo practices and users (idempotent)."""
    User = get_user_model()
    practices = {
        code: Practice.objects.update_or_create(ods_code=code, defaults={"name": name})[0]
        for code, name in DEMO_PRACTICES.items()
    }
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.set_password(demo.password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=demo.role)[0])
        if demo.practice:
            Clinician.objects.update_or_create(
                user=user, defaults={"practice": practices[demo.practice]}
            )


# Synthetic decisions -------------------------------------------------------------------------


class NoPublishedPolicy(Exception):
    """Decisions need a published policy version: run `manage.py seed_policy` first."""


def nhs_number_random(rng: random.Random) -> str:
    """A random NHS number from the test range (999 …), never issued to a patient, that passes
    every check triage.nhs_number makes when the test range is allowed (as in development)."""
    while True:
        digits = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        for check in "0123456789":
            if nhs_number_check_digit_ok(digits + check) and len(set(digits + check)) > 1:
                return digits + check


def answers_random(rng: random.Random) -> dict:
    """Answers in roughly the mix GPs send: mostly back pain with or without leg pain."""
    if rng.random() < 0.03:
        flags = rng.sample(engine.RED_FLAG_CODES, k=1 if rng.random() < 0.85 else 2)
        return {"pain_location": None, "red_flags": flags, "conditions": [],
                "decompression_planned": None, "decompression_destabilising": None}  # fmt: skip
    conditions = []
    if rng.random() < 0.18:
        conditions = rng.sample(engine.CONDITION_CODES, k=1 if rng.random() < 0.85 else 2)
    planned = rng.random() < 0.12
    return {
        "pain_location": "back_and_leg" if rng.random() < 0.45 else "back_only",
        "red_flags": [],
        "conditions": conditions,
        "decompression_planned": planned,
        "decompression_destabilising": (rng.random() < 0.5) if planned else None,
    }


def _times(rng: random.Random, count: int, start: datetime.datetime, end: datetime.datetime):
    """`count` sorted times in [start, end), mostly in weekday surgery hours."""
    zone = timezone.get_current_timezone()
    span = (end - start).total_seconds()
    times = []
    for _ in range(count):
        for _attempt in range(20):
            moment = start + datetime.timedelta(seconds=rng.random() * span)
            local = moment.astimezone(zone)
            if local.weekday() < 5 and 8 <= local.hour < 18:
                break
        times.append(moment)
    return sorted(times)


class _Evaluator:
    """The engine's decision for answers under a version, computed once per combination."""

    def __init__(self, versions: list[PolicyVersion]) -> None:
        self.versions = sorted(versions, key=lambda v: (v.effective_from, v.number))
        self.starts = [v.effective_from for v in self.versions]
        self.rules = {v.pk: policy_rules(v) for v in self.versions}
        self.cache: dict[tuple, tuple] = {}

    def version_on(self, day: datetime.date) -> PolicyVersion:
        index = bisect.bisect_right(self.starts, day) - 1
        return self.versions[max(index, 0)]

    def evaluate(self, version: PolicyVersion, answers: dict) -> tuple[dict, dict]:
        key = (version.pk, json.dumps(answers, sort_keys=True))
        if key not in self.cache:
            parsed = engine.parse_answers(answers)
            result = engine.evaluate(self.rules[version.pk], parsed).to_dict()
            self.cache[key] = (parsed.to_dict(), result)
        return self.cache[key]


VERDICT_WEIGHTS = (
    (Review.Verdict.AGREE, 80),
    (Review.Verdict.DISAGREE, 7),
    (Review.Verdict.MORE_INFORMATION, 8),
    (Review.Verdict.REFER_IFR, 5),
)
DISAGREE_REASONS = (
    "The answers describe radicular leg pain; the outcome should not rest on isolated back pain.",
    "Spondylolisthesis was recorded but the referral letter describes degenerative disc disease.",
    "Decompression is planned but the letter does not say it would destabilise the spine.",
    "The exclusion recorded does not match the imaging report attached to the referral.",
)
NOTES = (
    "Checked against the referral letter.",
    "Discussed with the clinical lead.",
    "Imaging report requested from the practice.",
    "Patient already known to the spinal service.",
)


def _verdict(rng: random.Random) -> str:
    verdicts, weights = zip(*VERDICT_WEIGHTS, strict=True)
    return rng.choices(verdicts, weights=weights)[0]


def _later(rng: random.Random, after: datetime.datetime, now: datetime.datetime, days: int):
    """A time a few hours to `days` days after `after`, but never in the future."""
    delay = datetime.timedelta(hours=rng.uniform(2, 24 * days))
    if after + delay >= now:
        delay = (now - after) * rng.random()
    return after + delay


def _review_specs(rng: random.Random, decisions: list[Decision], now: datetime.datetime):
    """(created_at, decision_id, verdict) for about one decision in eight, some reviewed twice."""
    specs = []
    for decision in decisions:
        if rng.random() >= 0.12:
            continue
        at = _later(rng, decision.created_at, now, 30)
        verdict = _verdict(rng)
        specs.append((at, decision.pk, verdict, decision.outcome))
        again = 0.7 if verdict == Review.Verdict.MORE_INFORMATION else 0.08
        if rng.random() < again:
            specs.append((_later(rng, at, now, 20), decision.pk, _verdict(rng), decision.outcome))
    return specs


def _append_decisions(rows: list[dict]) -> list[Decision]:
    """Append one batch to the decision chain, with references no stored decision has."""
    taken = set(
        Decision.objects.filter(reference__in={row["reference"] for row in rows}).values_list(
            "reference", flat=True
        )
    )
    for row in rows:
        while row["reference"] in taken:
            row["reference"] = reference_generate()
    decisions, _ = chain_append(
        DECISION_CHAIN, [Decision(**row) for row in rows], batch_size=BATCH_SIZE
    )
    return decisions


def _other_outcome(rng: random.Random, outcome: str) -> str:
    return rng.choice([value for value, _ in OUTCOME_CHOICES if value != outcome])


def _append_reviews(specs: list[tuple], reviewer_id: int) -> None:
    rng = random.Random()
    reviews = [
        Review(
            decision_id=decision_id,
            reviewer_id=reviewer_id,
            verdict=verdict,
            reason=rng.choice(DISAGREE_REASONS) if verdict == Review.Verdict.DISAGREE else "",
            note=rng.choice(NOTES) if rng.random() < 0.3 else "",
            correct_outcome=_other_outcome(rng, outcome)
            if verdict == Review.Verdict.DISAGREE
            else None,
            created_at=at,
            submission_key=uuid.uuid4(),
        )
        for at, decision_id, verdict, outcome in specs
    ]
    chain_append(REVIEW_CHAIN, reviews, batch_size=BATCH_SIZE)


@dataclass(frozen=True)
class DemoDecisionsAdded:
    decisions: int
    reviews: int


def demo_decisions_add(
    *,
    count: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoDecisionsAdded:
    """Append `count` synthetic decisions over the last 18 months, and reviews of some.

    Dates follow the chain: each run starts after the newest decision already stored, so a
    second run fills the time since the first and the chain stays in date order.
    """
    versions = list(
        PolicyVersion.objects.filter(
            policy__slug=POLICY_SLUG,
            status=PolicyVersion.Status.PUBLISHED,
            withdrawal__isnull=True,  # a withdrawn version is never in effect
        )
    )
    if not versions:
        raise NoPublishedPolicy("No published policy version: run `manage.py seed_policy` first")
    User = get_user_model()
    gps = {
        c.practice.ods_code: c
        for c in Clinician.objects.select_related("practice").filter(
            user__username__in=[u.username for u in DEMO_USERS if u.practice]
        )
    }
    practices = [gps[code] for code in DEMO_PRACTICES if code in gps]
    weights = PRACTICE_WEIGHTS[: len(practices)]
    reviewer = User.objects.get(username="reviewer")
    rng = random.Random(seed)
    evaluator = _Evaluator(versions)

    now = timezone.now()
    last = Decision.objects.order_by("-sequence").values_list("created_at", flat=True).first()
    start = now - datetime.timedelta(days=SPREAD_DAYS)
    if last and last >= start:
        start = last + datetime.timedelta(seconds=1)
    end = now if start < now else start + datetime.timedelta(milliseconds=count + 1)
    times = _times(rng, count, start, end)

    added = 0
    specs = []
    for offset in range(0, count, BATCH_SIZE):
        rows = []
        for created_at in times[offset : offset + BATCH_SIZE]:
            clinician = rng.choices(practices, weights=weights)[0]
            version = evaluator.version_on(timezone.localdate(created_at))
            answers, result = evaluator.evaluate(version, answers_random(rng))
            rows.append(
                {
                    "reference": reference_generate(),
                    "submission_key": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "created_at": created_at,
                    "nhs_number": nhs_number_random(rng),
                    "practice_id": clinician.practice_id,
                    "clinician_id": clinician.user_id,
                    "policy_version_id": version.pk,
                    "policy_hash": version.content_hash,
                    "engine_version": result["engine_version"],
                    "answers": answers,
                    "outcome": result["outcome"],
                    "findings": result["findings"],
                    "advice": result["advice"],
                }
            )
        batch = _append_decisions(rows)
        reset_queries()  # seed_demo runs with DEBUG on, which keeps every (huge) INSERT
        specs.extend(_review_specs(rng, batch, now))
        added += len(batch)
        if progress:
            progress(added)

    specs.sort(key=lambda spec: spec[0])
    last_review = Review.objects.order_by("-sequence").values_list("created_at", flat=True).first()
    if last_review:
        specs = [(max(at, last_review), d, v, o) for at, d, v, o in specs]
    for offset in range(0, len(specs), BATCH_SIZE):
        _append_reviews(specs[offset : offset + BATCH_SIZE], reviewer.pk)
    return DemoDecisionsAdded(added, len(specs))
