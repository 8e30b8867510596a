"""The fixed codes, outcomes and section slugs that every policy version is written in."""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal, get_args

# Bump whenever the vocabulary or the evaluation logic changes: every stored decision records it,
# so an auditor can tell which engine produced it.
ENGINE_VERSION: Final = "1.1.0"

# Codes live in code, not in the database: a policy admin may re-label and re-categorise
# criteria, but a new code would need a new question and new logic, so it needs a release.
RedFlagCode = Literal[
    "cauda_equina",
    "suspected_malignancy",
    "suspected_infection",
    "suspected_fracture",
    "progressive_neurological_deficit",
]
ConditionCode = Literal[
    "inflammatory",
    "serious_pathology",
    "scoliosis",
    "pregnancy_related",
    "sacroiliac_joint_dysfunction",
    "adjacent_segment_disease",
    "failed_back_surgery_syndrome",
    "spondylolisthesis",
    "symptomatic_deformity",
    "instability",
]
CriterionCode = RedFlagCode | ConditionCode
PainLocation = Literal["back_only", "back_and_leg"]
# The exposure question is the operating surgeon's judgement, which a GP may not have yet.
UNKNOWN: Final = "unknown"
Destabilising = bool | Literal["unknown"]
Group = Literal["red_flag", "condition"]
Category = Literal["red_flag", "excluded", "exception"]
ConditionCategory = Literal["excluded", "exception"]
# In the order the statement lists its sections.
SectionSlug = Literal[
    "statement",
    "exclusions",
    "decompression",
    "exceptions",
    "background",
    "primary-care-management",
    "rationale",
    "references",
]
RuleCode = Literal[
    "red_flag",
    "decompression_adjunct",
    "decompression_exposure_unknown",
    "decompression_without_instability",
    "excluded_indication",
    "exception_indication",
    "leg_pain",
    "isolated_back_pain",
]
AdviceCode = Literal["primary_care_management"]
# Advice codes that rules written for engine 1.0 carry and that are now ignored: the individual
# funding request route is ICB guidance, so it moved to each version's "what to do next" wording.
LEGACY_ADVICE_CODES: Final = ("individual_funding_request",)

# Tuple order is the canonical order: answers, criteria and findings are always listed in it.
RED_FLAG_CODES: Final[tuple[RedFlagCode, ...]] = get_args(RedFlagCode)
CONDITION_CODES: Final[tuple[ConditionCode, ...]] = get_args(ConditionCode)
CRITERION_CODES: Final[tuple[CriterionCode, ...]] = RED_FLAG_CODES + CONDITION_CODES
PAIN_LOCATIONS: Final[tuple[PainLocation, ...]] = get_args(PainLocation)
GROUPS: Final[tuple[Group, ...]] = get_args(Group)
CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)
CONDITION_CATEGORIES: Final[tuple[ConditionCategory, ...]] = get_args(ConditionCategory)
SECTION_SLUGS: Final[tuple[SectionSlug, ...]] = get_args(SectionSlug)
RULE_CODES: Final[tuple[RuleCode, ...]] = get_args(RuleCode)
ADVICE_CODES: Final[tuple[AdviceCode, ...]] = get_args(AdviceCode)


class Outcome(StrEnum):
    """What the tool tells the referrer, declared in precedence order (highest first)."""

    # A safety net: the tool must never delay an emergency, so red flags beat everything.
    URGENT_PATHWAY = "urgent_pathway"
    FUSION_APPROPRIATE_WITH_DECOMPRESSION = "fusion_appropriate_with_decompression"
    # Decompression planned, exposure not yet judged: within the statement only if the operating
    # surgeon judges it destabilising, so the surgeon decides; never "not routinely commissioned".
    SURGEON_TO_ASSESS = "surgeon_to_assess"
    OUTSIDE_STATEMENT = "outside_statement"
    USUAL_PATHWAY_EXCEPTION = "usual_pathway_exception"
    NOT_ISOLATED_BACK_PAIN = "not_isolated_back_pain"
    NOT_ROUTINELY_COMMISSIONED = "not_routinely_commissioned"


OUTCOME_PRECEDENCE: Final[tuple[Outcome, ...]] = (
    Outcome.URGENT_PATHWAY,
    Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION,
    Outcome.SURGEON_TO_ASSESS,
    Outcome.OUTSIDE_STATEMENT,
    Outcome.USUAL_PATHWAY_EXCEPTION,
    Outcome.NOT_ISOLATED_BACK_PAIN,
    Outcome.NOT_ROUTINELY_COMMISSIONED,
)

# Section headings as the statement gives them, in page order.
SECTION_TITLES: Final[Mapping[SectionSlug, str]] = MappingProxyType(
    {
        "statement": "Statement",
        "exclusions": "Exclusion criteria",
        "decompression": "Fusion with decompression",
        "exceptions": "Exceptions",
        "background": "Background information",
        "primary-care-management": "Primary care management",
        "rationale": "Rationale",
        "references": "References",
    }
)

# How each criterion category is named: as a heading over its criteria, and as an admin's choice.
CATEGORY_TITLES: Final[Mapping[Category, str]] = MappingProxyType(
    {
        "red_flag": "Red flags (urgent pathway, outside this tool)",
        "excluded": "Excluded indications",
        "exception": "Exceptions (usual clinical pathway)",
    }
)
CONDITION_CATEGORY_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("excluded", "Excluded indication (outside the statement)"),
    ("exception", "Exception (usual clinical pathway)"),
)

# None marks a finding that is shown to explain the decision but can never decide it.
RULE_OUTCOMES: Final[Mapping[RuleCode, Outcome | None]] = MappingProxyType(
    {
        "red_flag": Outcome.URGENT_PATHWAY,
        "decompression_adjunct": Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION,
        "decompression_exposure_unknown": Outcome.SURGEON_TO_ASSESS,
        "decompression_without_instability": None,
        "excluded_indication": Outcome.OUTSIDE_STATEMENT,
        "exception_indication": Outcome.USUAL_PATHWAY_EXCEPTION,
        "leg_pain": Outcome.NOT_ISOLATED_BACK_PAIN,
        "isolated_back_pain": Outcome.NOT_ROUTINELY_COMMISSIONED,
    }
)

# Short names of the outcomes, for lists, filters and CSV; the words a GP reads on a decision
# (headline, summary, next steps) belong to each policy version's wording instead.
OUTCOME_LABELS: Final[Mapping[Outcome, str]] = MappingProxyType(
    {
        Outcome.URGENT_PATHWAY: "Follow the urgent pathway",
        Outcome.FUSION_APPROPRIATE_WITH_DECOMPRESSION: (
            "Fusion is appropriate as an adjunct to decompression"
        ),
        Outcome.SURGEON_TO_ASSESS: "Operating surgeon to assess the exposure",
        Outcome.OUTSIDE_STATEMENT: "Outside the position statement",
        Outcome.USUAL_PATHWAY_EXCEPTION: "Exception: usual clinical pathway",
        Outcome.NOT_ISOLATED_BACK_PAIN: "Not isolated back pain",
        Outcome.NOT_ROUTINELY_COMMISSIONED: "Not routinely commissioned",
    }
)
# (code, label) pairs in precedence order, for form and model choices.
OUTCOME_CHOICES: Final[tuple[tuple[str, str], ...]] = tuple(
    (outcome.value, OUTCOME_LABELS[outcome]) for outcome in OUTCOME_PRECEDENCE
)
OUTCOME_CODES: Final[tuple[str, ...]] = tuple(outcome.value for outcome in OUTCOME_PRECEDENCE)

# The statement names scoliosis and spondylolisthesis as excluded indications and, as a
# symptomatic deformity or as instability, as examples of exceptions. The questionnaire asks
# each pair as two clinical pictures a GP must choose between, never both for one patient
# (an interpretation awaiting clinical safety officer sign-off: docs/clinical-safety.md, H21).
ALTERNATIVE_CONDITIONS: Final[tuple[tuple[ConditionCode, ConditionCode], ...]] = (
    ("scoliosis", "symptomatic_deformity"),
    ("spondylolisthesis", "instability"),
)

# Conditions that, suspected rather than diagnosed, are red flags: the question offers a way back.
SUSPECTED_IS_RED_FLAG: Final[tuple[ConditionCode, ...]] = ("serious_pathology",)

# Which "what to do next" text applies: one per outcome, plus this situation, where the
# outcome alone would tell the GP to manage in primary care although a decompression may go ahead.
NEXT_STEPS_DECOMPRESSION_NOT_DESTABILISING: Final = "decompression_not_destabilising"
NEXT_STEPS_KEYS: Final[tuple[str, ...]] = (
    *(str(outcome) for outcome in OUTCOME_PRECEDENCE),
    NEXT_STEPS_DECOMPRESSION_NOT_DESTABILISING,
)


def next_steps_key(outcome: str, rules_matched: tuple[str, ...]) -> str:
    """Which next-steps text a decision shows, from its outcome and the rules that matched."""
    if (
        outcome == Outcome.NOT_ROUTINELY_COMMISSIONED
        and "decompression_without_instability" in rules_matched
    ):
        return NEXT_STEPS_DECOMPRESSION_NOT_DESTABILISING
    return str(outcome)


# Which finding rule a criterion's category leads to.
CATEGORY_RULES: Final[Mapping[Category, RuleCode]] = MappingProxyType(
    {
        "red_flag": "red_flag",
        "excluded": "excluded_indication",
        "exception": "exception_indication",
    }
)
