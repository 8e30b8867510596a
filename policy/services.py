"""Writes to policy versions: start a draft, edit it, send it for approval, publish, withdraw.

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
from django.db.models import Max
from django.utils import timezone

from policy import engine
from policy.models import (
    SECTION_FIELDS,
    Policy,
    PolicyEditEvent,
    PolicyVersion,
    PolicyVersionWithdrawal,
)
from policy.selectors import POLICY_SLUG, policy_edit_events_since, policy_version_draft
from policy.wording import editable_copy, seed_wording, version_questions, version_wording

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


@dataclass(frozen=True)
class Problem:
    """One reason an action was refused, and the form field that fixes it ("" when none)."""

    message: str
    field: str = ""


class PolicyError(Exception):
    """An action on a policy version was refused; `problems` says why, one line each."""

    def __init__(self, problems: list) -> None:
        self.items = [p if isinstance(p, Problem) else Problem(str(p)) for p in problems]
        self.problems = [p.message for p in self.items]
        super().__init__("; ".join(self.problems))


class StaleDraftError(PolicyError):
    """A save from an older revision of the draft: someone else saved in between."""

    def __init__(self, *, version: PolicyVersion, since: list[PolicyEditEvent]) -> None:
        self.version = version
        self.since = since
        lines = [
            f"{_name(event.user)} changed {', '.join(event.changed)} at {event.at:%H:%M}"
            for event in since
        ] or ["Someone else saved this draft after you opened it"]
        super().__init__(
            [
                "This draft was changed after you opened it, so your save was not applied. "
                "Your text is still in the form: check the changes listed, then save again.",
                *lines,
            ]
        )


class DraftClosedError(PolicyError):
    """The draft was published or discarded while it was open in someone's browser."""

    def __init__(self, version: PolicyVersion) -> None:
        self.version = version
        if version.is_published:
            what = (
                f"was published as version {version.number} by "
                f"{_name(version.published_by)} on {version.published_at:%-d %B %Y at %H:%M}"
            )
        else:
            when = f" on {version.discarded_at:%-d %B %Y at %H:%M}" if version.discarded_at else ""
            what = f"was discarded by {_name(version.discarded_by)}{when}"
        super().__init__([f"This draft {what}, so it can no longer be changed"])


def _name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


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


def _event(
    version: PolicyVersion,
    action: str,
    user,
    changed: list[str] | None = None,
    *,
    revision: int | None = None,
) -> PolicyEditEvent:
    return PolicyEditEvent.objects.create(
        policy=version.policy,
        version=version,
        version_number=version.number,
        action=action,
        changed=changed or [],
        revision=revision,
        user=user,
    )


def _locked(version: PolicyVersion) -> PolicyVersion:
    return (
        PolicyVersion.objects.select_for_update(of=("self",))
        .select_related("policy", "published_by", "discarded_by", "created_by", "ready_by")
        .get(pk=version.pk)
    )


def _latest_live(policy: Policy) -> PolicyVersion | None:
    return (
        policy.versions.filter(status=PolicyVersion.Status.PUBLISHED, withdrawal__isnull=True)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def policy_version_draft_start(*, user, policy: Policy | None = None) -> PolicyVersion:
    """Start a draft copied from the latest published (and not withdrawn) version.

    That is the version in effect, unless a later one is already scheduled: copying the
    current one then would silently drop the scheduled version's changes. There is at
    most one open draft at a time; if it exists it is returned unchanged. The draft has no
    number: numbers are given at publish, so a discarded draft never uses one up.
    """
    policy = policy or Policy.objects.select_for_update().get(slug=POLICY_SLUG)
    existing = policy_version_draft(policy=policy)
    if existing:
        return existing
    source = _latest_live(policy)
    if source is None:
        raise PolicyError(["There is no published version to start a draft from"])
    draft = PolicyVersion(
        policy=policy,
        number=None,
        status=PolicyVersion.Status.DRAFT,
        based_on=source,
        review_due=None,
        rules=copy.deepcopy(source.rules),
        questions=editable_copy(version_questions(source)),
        wording=editable_copy(
            version_wording(source)
        ),  # the seed's, for versions that predate wording
        created_by=user,
        revision=1,
        **{field: getattr(source, field) for field in SECTION_FIELDS},
    )
    draft.full_clean()
    draft.save()
    _event(
        draft,
        PolicyEditEvent.Action.CREATED,
        user,
        [f"copied from version {source.number}"],
        revision=1,
    )
    return draft


@dataclass(frozen=True)
class DraftChanges:
    """What an admin submitted for a draft: sections, criteria wording and question wording."""

    sections: dict[str, str]
    criteria: dict[str, dict[str, str]]  # code -> {"label", "hint", "category"}
    questions: dict[str, dict[str, str]]  # key -> {"legend", "hint"}


def changed_field_name(description: str) -> str:
    """The edit form's field for one line of an edit event ("section statement" -> ...)."""
    kind, _, rest = description.partition(" ")
    if kind == "section":
        return f"section_{rest.replace(' ', '_')}"
    if kind in ("criterion", "question"):
        code, _, part = rest.rpartition(" ")
        return f"{kind}_{code}_{part}"
    return ""


def draft_apply(version: PolicyVersion, changes: DraftChanges) -> list[str]:
    """Apply `changes` to `version` in memory; return what changed, one line each."""
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
    version.rules = rules
    version.questions = questions
    return changed


@transaction.atomic
def policy_version_draft_update(
    *, version: PolicyVersion, user, changes: DraftChanges, base_revision: int | None = None
) -> list[str]:
    """Apply an admin's edits to a draft; return the names of what changed.

    `base_revision` is the revision the admin's form was loaded from; a save from an older
    one is refused (StaleDraftError names who changed what since) so nobody's work is
    overwritten unseen. Editing a draft that was sent for approval returns it to draft.
    """
    version = _locked(version)
    if not version.is_draft:
        raise DraftClosedError(version)
    if base_revision is not None and base_revision != version.revision:
        raise StaleDraftError(
            version=version,
            since=policy_edit_events_since(version=version, revision=base_revision),
        )
    changed = draft_apply(version, changes)
    if changed:
        version.revision += 1
        if version.status == PolicyVersion.Status.READY:
            version.status = PolicyVersion.Status.DRAFT
            version.ready_by = None
            version.ready_at = None
            _event(
                version,
                PolicyEditEvent.Action.RETURNED,
                user,
                ["edited after it was sent for approval"],
            )
        version.full_clean()
        version.save()
        _event(version, PolicyEditEvent.Action.EDITED, user, changed, revision=version.revision)
    return changed


@transaction.atomic
def policy_version_mark_ready(
    *, version: PolicyVersion, user, base_revision: int | None = None
) -> PolicyVersion:
    """The author sends the draft for approval by a second policy admin.

    Refused while the draft has content errors (the date and approval are chosen later).
    """
    from policy.checks import content_problems

    version = _locked(version)
    if not version.is_draft:
        raise DraftClosedError(version)
    if version.status == PolicyVersion.Status.READY:
        raise PolicyError(["This draft is already waiting for approval"])
    if base_revision is not None and base_revision != version.revision:
        raise StaleDraftError(
            version=version,
            since=policy_edit_events_since(version=version, revision=base_revision),
        )
    problems = content_problems(version)
    if problems:
        raise PolicyError(problems)
    version.status = PolicyVersion.Status.READY
    version.ready_by = user
    version.ready_at = timezone.now()
    version.save()
    _event(version, PolicyEditEvent.Action.READY, user, [f"revision {version.revision}"])
    return version


@dataclass(frozen=True)
class Approval:
    """Who approved the version outside this service, e.g. a CPAG meeting, and when."""

    body: str
    date: datetime.date | None
    reference: str = ""


@dataclass(frozen=True)
class PublishConfirmations:
    """What the publisher explicitly accepted on the publish page (recorded with the event)."""

    withdraw_scheduled: bool = False  # withdraw the versions scheduled after this one's date
    keep_scheduled: bool = False  # ... or let them take over on their dates
    withdraw_reason: str = ""
    warnings_read: bool = False
    failing_scenarios: bool = False


@transaction.atomic
def policy_version_publish(
    *,
    version: PolicyVersion,
    user,
    effective_from: datetime.date | None,
    review_due: datetime.date | None = None,
    approval: Approval | None = None,
    confirm: PublishConfirmations = PublishConfirmations(),
    today: datetime.date | None = None,
) -> PolicyVersion:
    """Approve and freeze a draft as the next numbered version; refused with every problem listed.

    A version scheduled to take effect after this one's date would take over on its date
    (see policy.selectors.IN_EFFECT_RULE), so publishing is refused until the publisher either
    withdraws it in this same step or confirms it should take over.
    """
    from policy.checks import publish_check

    today = today or timezone.localdate()
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = _locked(version)
    if not version.is_draft:
        raise DraftClosedError(version)
    check = publish_check(
        version,
        user=user,
        effective_from=effective_from,
        review_due=review_due,
        approval=approval,
        today=today,
    )
    if check.errors:
        raise PolicyError(check.errors)
    refusals = check.unconfirmed(confirm)
    if refusals:
        raise PolicyError(refusals)

    recorded = [f"effective from {effective_from:%-d %B %Y}"]
    last_number = policy.versions.aggregate(last=Max("number"))["last"] or 0
    version.number = last_number + 1
    version.effective_from = effective_from
    version.review_due = review_due
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_by = user
    version.published_at = timezone.now()
    version.approved_by = user
    version.approval_body = approval.body.strip()
    version.approval_date = approval.date
    version.approval_reference = approval.reference.strip()
    version.content_hash = content_hash_compute(version)
    version.full_clean()
    version.save()

    for scheduled in check.scheduled_after:
        if confirm.withdraw_scheduled:
            _withdraw(
                scheduled,
                user,
                f"Replaced by version {version.number}: {confirm.withdraw_reason.strip()}",
            )
            recorded.append(f"withdrew scheduled version {scheduled.number}")
        else:
            recorded.append(
                f"confirmed version {scheduled.number} takes over on "
                f"{scheduled.effective_from:%-d %B %Y}"
            )
    if check.warnings:
        recorded.append("confirmed warnings: " + "; ".join(p.message for p in check.warnings))
    if check.failing_scenarios:
        recorded.append(
            "confirmed failing scenarios: "
            + "; ".join(result.scenario.name for result in check.failing_scenarios)
        )
    approved = [f"{version.approval_body} on {approval.date:%-d %B %Y}"]
    if version.approval_reference:
        approved.append(f"reference {version.approval_reference}")
    _event(version, PolicyEditEvent.Action.APPROVED, user, approved)
    _event(version, PolicyEditEvent.Action.PUBLISHED, user, recorded)
    return version


def _withdraw(version: PolicyVersion, user, reason: str) -> PolicyVersionWithdrawal:
    withdrawal = PolicyVersionWithdrawal(version=version, user=user, reason=reason)
    withdrawal.full_clean()
    withdrawal.save()
    _event(version, PolicyEditEvent.Action.WITHDRAWN, user, [reason])
    return withdrawal


@transaction.atomic
def policy_version_withdraw(
    *, version: PolicyVersion, user, reason: str, today: datetime.date | None = None
) -> PolicyVersionWithdrawal:
    """Withdraw a scheduled version before it takes effect. The version row stays frozen."""
    today = today or timezone.localdate()
    version = _locked(version)
    problems = []
    if not version.is_published:
        problems.append(Problem("Only a published, scheduled version can be withdrawn"))
    elif hasattr(version, "withdrawal"):
        problems.append(Problem(f"Version {version.number} has already been withdrawn"))
    elif version.effective_from <= today:
        problems.append(
            Problem(
                f"Version {version.number} took effect on {version.effective_from:%-d %B %Y} "
                "and cannot be withdrawn. To change the policy, publish a new version."
            )
        )
    if not reason.strip():
        problems.append(Problem("Enter why this version is being withdrawn", "reason"))
    if problems:
        raise PolicyError(problems)
    return _withdraw(version, user, reason.strip())


@transaction.atomic
def policy_version_discard(*, version: PolicyVersion, user) -> PolicyVersion:
    """Close a draft without publishing it; it stays in the history, read-only."""
    version = _locked(version)
    if not version.is_draft:
        raise DraftClosedError(version)
    version.status = PolicyVersion.Status.DISCARDED
    version.discarded_by = user
    version.discarded_at = timezone.now()
    version.save()
    _event(version, PolicyEditEvent.Action.DISCARDED, user, [f"at revision {version.revision}"])
    return version


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
