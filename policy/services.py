"""Writes to policy versions: start a draft, edit it, publish it, and seed version 1.

The engine (policy.engine) decides what a version's rules mean; this module
only moves them between the database and the engine, and records who did what.
"""

import copy
import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from policy import engine
from policy.models import SECTION_FIELDS, SECTIONS, Policy, PolicyEditEvent, PolicyVersion
from policy.quotes import content_problems
from policy.selectors import POLICY_SLUG, policy_version_draft
from policy.wording import seed_wording, version_questions, version_wording

SEED_DIR = Path(__file__).resolve().parent / "seed"
QUESTION_KEYS = (
    "red_flags",
    "pain_location",
    "conditions",
    "decompression_planned",
    "decompression_destabilising",
)
QUESTION_OPTIONS = {
    "pain_location": engine.PAIN_LOCATIONS,
    "decompression_planned": ("yes", "no"),
    "decompression_destabilising": ("yes", "no"),
}


class PolicyError(Exception):
    """An action on a policy version was refused; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def canonical_content(version: PolicyVersion) -> dict:
    """Everything that makes a published version what it is, in a stable shape."""
    return {
        "policy": version.policy.slug,
        "number": version.number,
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "review_due": version.review_due.isoformat() if version.review_due else None,
        "sections": {field: getattr(version, field) for field in SECTION_FIELDS},
        "rules": version.rules,
        "questions": version.questions,
        # Only versions with wording of their own hash it, so older hashes stay valid.
        **({"wording": version.wording} if version.wording else {}),
    }


def content_hash_compute(version: PolicyVersion) -> str:
    payload = json.dumps(
        canonical_content(version), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def policy_rules(version: PolicyVersion) -> engine.Rules:
    """The engine's view of a version. Raises engine.RulesError when the rules are unusable."""
    return engine.parse_rules(version.rules)


def questions_problems(questions: object) -> list[str]:
    """Problems with a version's question wording, one line each (empty when fine)."""
    if not isinstance(questions, dict):
        return ["Question wording is missing"]
    problems = []
    for key in QUESTION_KEYS:
        question = questions.get(key)
        if not isinstance(question, dict) or not str(question.get("legend", "")).strip():
            problems.append(f"Enter the wording of the question '{key}'")
            continue
        options = question.get("options", {})
        for option in QUESTION_OPTIONS.get(key, ()):
            if not str(options.get(option, {}).get("label", "")).strip():
                problems.append(f"Enter a label for the answer '{option}' of question '{key}'")
    unknown = sorted(set(questions) - set(QUESTION_KEYS))
    if unknown:
        problems.append(f"Unknown question keys: {', '.join(unknown)}")
    return problems


def publish_problems(
    version: PolicyVersion,
    *,
    effective_from: datetime.date | None,
    review_due: datetime.date | None,
    today: datetime.date,
) -> list[str]:
    """Every reason a draft cannot be published on these dates, in plain English."""
    problems = []
    if not version.is_draft:
        problems.append(f"Version {version.number} is already published and cannot change")
    if effective_from is None:
        problems.append("Enter the date this version takes effect")
    elif effective_from < today:
        problems.append("The date this version takes effect must be today or in the future")
    if review_due is not None and effective_from is not None and review_due <= effective_from:
        problems.append("The review date must be after the date this version takes effect")
    for field, title in SECTIONS:
        if not getattr(version, field).strip():
            problems.append(f"The '{title}' section is empty")
    try:
        policy_rules(version)
    except engine.RulesError as error:
        problems.extend(error.problems)
    problems.extend(questions_problems(version.questions))
    problems.extend(content_problems(version))  # wording and quotes (policy.quotes)
    return problems


def _event(version: PolicyVersion, action: str, user, changed: list[str] | None = None) -> None:
    PolicyEditEvent.objects.create(
        policy=version.policy,
        version_number=version.number,
        action=action,
        changed=changed or [],
        user=user,
    )


@transaction.atomic
def policy_version_draft_start(*, user, policy: Policy | None = None) -> PolicyVersion:
    """Start a draft copied from the latest published version.

    That is the current version, unless a later one is already scheduled: copying the
    current one then would silently drop the scheduled version's changes. There is at
    most one draft at a time; if it exists it is returned unchanged.
    """
    policy = policy or Policy.objects.select_for_update().get(slug=POLICY_SLUG)
    existing = policy_version_draft(policy=policy)
    if existing:
        return existing
    source = (
        policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).order_by("-number").first()
    )
    if source is None:
        raise PolicyError(["There is no published version to start a draft from"])
    last_number = policy.versions.order_by("-number").values_list("number", flat=True).first()
    draft = PolicyVersion(
        policy=policy,
        number=(last_number or 0) + 1,
        status=PolicyVersion.Status.DRAFT,
        based_on=source,
        review_due=None,
        rules=copy.deepcopy(source.rules),
        questions=version_questions(source),
        wording=version_wording(source),  # the seed's, for versions that predate wording
        created_by=user,
        **{field: getattr(source, field) for field in SECTION_FIELDS},
    )
    draft.full_clean()
    draft.save()
    _event(draft, PolicyEditEvent.Action.CREATED, user, [f"copied from version {source.number}"])
    return draft


@dataclass(frozen=True)
class DraftChanges:
    """What an admin submitted for a draft: sections, criteria wording and question wording."""

    sections: dict[str, str]
    criteria: dict[str, dict[str, str]]  # code -> {"label", "hint", "category"}
    questions: dict[str, dict[str, str]]  # key -> {"legend", "hint"}


@transaction.atomic
def policy_version_draft_update(
    *, version: PolicyVersion, user, changes: DraftChanges
) -> list[str]:
    """Apply an admin's edits to a draft; return the names of what changed."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise PolicyError([f"Version {version.number} is published and cannot be edited"])
    changed: list[str] = []
    for field, text in changes.sections.items():
        if field in SECTION_FIELDS and getattr(version, field) != text:
            setattr(version, field, text)
            changed.append(f"section {field.replace('_', ' ')}")
    rules = copy.deepcopy(version.rules)
    for criterion in rules.get("criteria", []):
        update = changes.criteria.get(criterion.get("code"), {})
        for key in ("label", "hint", "category"):
            if key in update and criterion.get(key) != update[key]:
                criterion[key] = update[key]
                changed.append(f"criterion {criterion['code']} {key}")
    questions = copy.deepcopy(version.questions)
    for key, update in changes.questions.items():
        question = questions.setdefault(key, {})
        for part in ("legend", "hint"):
            if part in update and question.get(part) != update[part]:
                question[part] = update[part]
                changed.append(f"question {key} {part}")
    if changed:
        version.rules = rules
        version.questions = questions
        version.save()
        _event(version, PolicyEditEvent.Action.EDITED, user, changed)
    return changed


@transaction.atomic
def policy_version_publish(
    *,
    version: PolicyVersion,
    user,
    effective_from: datetime.date | None,
    review_due: datetime.date | None = None,
    today: datetime.date | None = None,
) -> PolicyVersion:
    """Freeze a draft as a published version; refused with every problem listed."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    problems = publish_problems(
        version,
        effective_from=effective_from,
        review_due=review_due,
        today=today or timezone.localdate(),
    )
    if problems:
        raise PolicyError(problems)
    version.effective_from = effective_from
    version.review_due = review_due
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_by = user
    version.published_at = timezone.now()
    version.content_hash = content_hash_compute(version)
    version.full_clean()
    version.save()
    _event(version, PolicyEditEvent.Action.PUBLISHED, user, [f"effective from {effective_from}"])
    return version


@transaction.atomic
def policy_version_discard(*, version: PolicyVersion, user) -> None:
    if not version.is_draft:
        raise PolicyError([f"Version {version.number} is published and cannot be discarded"])
    _event(version, PolicyEditEvent.Action.DISCARDED, user)
    version.delete()


def seed_content() -> dict:
    """Version 1: the Derbyshire position statement as published by the ICB."""
    return {
        "sections": {
            field: (SEED_DIR / "v1" / f"{field}.md").read_text().strip() for field in SECTION_FIELDS
        },
        "rules": json.loads((SEED_DIR / "rules_v1.json").read_text()),
        "questions": json.loads((SEED_DIR / "questions_v1.json").read_text()),
        "wording": seed_wording(),
    }


SEED_EFFECTIVE_FROM = datetime.date(2025, 1, 1)
SEED_REVIEW_DUE = datetime.date(2027, 1, 1)


@transaction.atomic
def policy_seed() -> tuple[PolicyVersion, bool]:
    """Load the seed statement as published version 1 unless the policy already exists."""
    policy, _ = Policy.objects.get_or_create(
        slug=POLICY_SLUG,
        defaults={
            "title": "Fusion surgery for mechanical axial low back pain",
        },
    )
    existing = policy.versions.filter(number=1).first()
    if existing:
        return existing, False
    content = seed_content()
    version = PolicyVersion(
        policy=policy,
        number=1,
        status=PolicyVersion.Status.PUBLISHED,
        effective_from=SEED_EFFECTIVE_FROM,
        review_due=SEED_REVIEW_DUE,
        rules=content["rules"],
        questions=content["questions"],
        wording=content["wording"],
        published_at=timezone.now(),
        **content["sections"],
    )
    engine.parse_rules(version.rules)  # refuse to seed unusable rules
    version.content_hash = content_hash_compute(version)
    version.full_clean()
    version.save()
    return version, True
