"""What stands between a draft and publishing: errors that block it, warnings that need a
confirmation, scheduled versions that would take over, and policy test cases that fail.

Each check returns Problems naming the form field that fixes it, so pages can put the message
next to that field and link to it from the error summary.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from policy import engine
from policy.models import SECTION_FIELDS, SECTIONS, PolicyVersion
from policy.quotes import content_problems as wording_and_quote_problems
from policy.scenarios import ScenarioResult, policy_scenario_results
from policy.selectors import policy_version_in_effect, policy_version_scheduled_list
from policy.services import (
    Approval,
    Problem,
    PublishConfirmations,
    canonical_content,
    policy_rules,
    questions_problems,
)
from policy.wording import version_wording

CATEGORY_SECTIONS = {"excluded": "exclusions", "exception": "exceptions"}
SECTION_TITLES = dict(SECTIONS)


def content_problems(version: PolicyVersion) -> list[Problem]:
    """Problems with the draft's text and rules, whatever the dates (each one blocks publishing)."""
    problems = [
        Problem(f"The '{title}' section is empty", f"section_{name}")
        for name, title in SECTIONS
        if not getattr(version, name).strip()
    ]
    try:
        policy_rules(version)
    except engine.RulesError as error:
        problems.extend(Problem(message) for message in error.problems)
    problems.extend(Problem(message) for message in questions_problems(version.questions))
    # Every GP-visible text present, and every quoted passage still in its section.
    problems.extend(Problem(message) for message in wording_and_quote_problems(version))
    in_effect = policy_version_in_effect(policy=version.policy)
    if in_effect is not None and _same_content(version, in_effect):
        problems.append(
            Problem(
                f"This draft makes no change from version {in_effect.number}, which is in effect"
            )
        )
    return problems


def _same_content(a: PolicyVersion, b: PolicyVersion) -> bool:
    keys = ("sections", "rules", "questions")
    left, right = canonical_content(a), canonical_content(b)
    same = all(left[key] == right[key] for key in keys)
    return same and version_wording(a) == version_wording(b)


def _mentioned(criterion: dict, text: str) -> bool:
    """Does a section's text name this condition? ("Sacroiliac joint dysfunction" in a list)."""
    text = text.lower()
    terms = {
        str(criterion.get("label", "")).split(",")[0].strip().lower(),
        str(criterion.get("code", "")).replace("_", " "),
    }
    return any(term and term in text for term in terms)


def consistency_warnings(version: PolicyVersion) -> list[Problem]:
    """Text that may no longer match the rules: a condition whose category changed from the
    version in effect while the section for its old category still names it."""
    in_effect = policy_version_in_effect(policy=version.policy)
    if in_effect is None:
        return []
    before = {c.get("code"): c.get("category") for c in in_effect.rules.get("criteria", [])}
    warnings = []
    for criterion in version.rules.get("criteria", []):
        code, category = criterion.get("code"), criterion.get("category")
        old = before.get(code)
        if old == category or old not in CATEGORY_SECTIONS or category not in CATEGORY_SECTIONS:
            continue
        section = CATEGORY_SECTIONS[old]
        if _mentioned(criterion, getattr(version, section)):
            warnings.append(
                Problem(
                    f"'{criterion.get('label')}' is now filed as "
                    f"{'an exception' if category == 'exception' else 'an excluded indication'}, "
                    f"but the '{SECTION_TITLES[section]}' section still names it",
                    f"section_{section}",
                )
            )
    return warnings


@dataclass
class PublishCheck:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    scheduled_after: list[PolicyVersion] = field(default_factory=list)
    failing_scenarios: list[ScenarioResult] = field(default_factory=list)

    def unconfirmed(self, confirm: PublishConfirmations) -> list[Problem]:
        """What the publisher still has to accept explicitly before this can be published."""
        problems = []
        for scheduled in self.scheduled_after:
            if not (confirm.withdraw_scheduled or confirm.keep_scheduled):
                problems.append(
                    Problem(
                        f"Version {scheduled.number} is scheduled to take effect on "
                        f"{scheduled.effective_from:%-d %B %Y} and will replace this version "
                        "on that date. Choose whether to withdraw it now or let it take over.",
                        "scheduled",
                    )
                )
        if (
            self.scheduled_after
            and confirm.withdraw_scheduled
            and not confirm.withdraw_reason.strip()
        ):
            problems.append(
                Problem("Enter why the scheduled version is being withdrawn", "withdraw_reason")
            )
        if self.warnings and not confirm.warnings_read:
            problems.append(
                Problem(
                    "Confirm you have read the warnings and still want to publish",
                    "warnings_read",
                )
            )
        if self.failing_scenarios and not confirm.failing_scenarios:
            problems.append(
                Problem(
                    f"{len(self.failing_scenarios)} policy test case(s) would not give their "
                    "expected outcome. Update them first, or confirm you want to publish anyway.",
                    "failing_scenarios",
                )
            )
        return problems


def second_approver_required() -> bool:
    return settings.POLICY_REQUIRE_SECOND_APPROVER


def approval_problems(version: PolicyVersion, *, user) -> list[Problem]:
    """Two-person sign-off: the draft is sent for approval by its author, and someone else
    approves and publishes it."""
    if not second_approver_required():
        return []
    if version.status != PolicyVersion.Status.READY:
        return [Problem("The author must send this draft for approval before it can be published")]
    authors = {version.created_by_id, version.ready_by_id}
    if user.pk in authors:
        return [
            Problem(
                "You wrote this draft, so a second policy admin must approve and publish it",
            )
        ]
    return []


def publish_check(
    version: PolicyVersion,
    *,
    user,
    effective_from: datetime.date | None,
    review_due: datetime.date | None,
    approval: Approval | None,
    today: datetime.date,
) -> PublishCheck:
    check = PublishCheck()
    errors = check.errors
    if not version.is_draft:
        errors.append(Problem(f"{version.label.capitalize()} is no longer a draft"))
    errors.extend(approval_problems(version, user=user))
    in_effect = policy_version_in_effect(policy=version.policy, on=today)
    if effective_from is None:
        errors.append(Problem("Enter the date this version takes effect", "effective_from"))
    elif effective_from < today:
        errors.append(
            Problem(
                "The date this version takes effect must be today or in the future",
                "effective_from",
            )
        )
    elif in_effect is not None and effective_from < in_effect.effective_from:
        errors.append(
            Problem(
                f"The date this version takes effect must be on or after "
                f"{in_effect.effective_from:%-d %B %Y}, when version {in_effect.number} "
                "(in effect now) took effect",
                "effective_from",
            )
        )
    if review_due is not None and effective_from is not None and review_due <= effective_from:
        errors.append(
            Problem(
                "The review date must be after the date this version takes effect", "review_due"
            )
        )
    if approval is None or not approval.body.strip():
        errors.append(Problem("Enter who approved this version, for example CPAG", "approval_body"))
    if approval is None or approval.date is None:
        errors.append(Problem("Enter the date this version was approved", "approval_date"))
    elif approval.date > today:
        errors.append(Problem("The approval date must be today or in the past", "approval_date"))
    errors.extend(content_problems(version))

    if review_due is None:
        check.warnings.append(Problem("No review date is set", "review_due"))
    check.warnings.extend(consistency_warnings(version))
    if effective_from is not None:
        check.scheduled_after = [
            v
            for v in policy_version_scheduled_list(policy=version.policy, after=today)
            if v.effective_from > effective_from
        ]
    check.failing_scenarios = [
        result for result in policy_scenario_results(version) if not result.passes
    ]
    return check


def draft_readiness(version: PolicyVersion) -> dict:
    """What the draft's pages show before any date is chosen."""
    return {
        "errors": content_problems(version),
        "warnings": consistency_warnings(version),
        "section_fields": SECTION_FIELDS,
    }
