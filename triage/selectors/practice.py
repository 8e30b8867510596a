"""What a GP may read: their own practice's decisions, and nothing else."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from policy.selectors import policy_version_heavy_fields, policy_version_whole
from triage.models import Clinician, Decision, Practice
from triage.references import reference_normalise


def clinician_for_user(user) -> Clinician | None:
    """The user's clinician link with its practice; no query when the sign-in backend
    (triage.auth) already read it with the user."""
    related = user.__class__.clinician.related  # __class__: request.user is a lazy proxy
    if related.is_cached(user):
        return related.get_cached_value(user)
    return Clinician.objects.select_related("practice").filter(user=user).first()


# The columns the start page's list shows, and nothing else: never a decision's JSON (answers,
# findings, advice), which would be decoded for every row. Query-count tests pin this.
DECISION_LIST_FIELDS = (
    "reference",
    "sequence",
    "created_at",
    "nhs_number",
    "outcome",
    "clinician__first_name",
    "clinician__last_name",
    "clinician__username",
    "correction__id",
)


def decision_list_for_practice(*, practice: Practice, search: str = "") -> QuerySet[Decision]:
    decisions = (
        Decision.objects.filter(practice=practice)
        .select_related("clinician", "correction")
        .only(*DECISION_LIST_FIELDS)
        .order_by("-sequence")
    )
    search = search.strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        condition = Q(reference=reference_normalise(search))
        if len(digits) == 10 and digits == search.replace(" ", "").replace("-", ""):
            condition |= Q(nhs_number=digits)
        decisions = decisions.filter(condition)
    return decisions


@dataclass(frozen=True)
class DecisionPage:
    """One page of a practice's decisions, found without counting them all (no COUNT(*))."""

    object_list: list[Decision]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def decision_page_for_practice(
    *, practice: Practice, search: str = "", page: str | int | None = 1, size: int = 20
) -> DecisionPage:
    """Page `page` (1 for anything that is not a positive number) of the practice's decisions,
    newest first. Reads one row more than it shows to know whether there is a next page."""
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(
        decision_list_for_practice(practice=practice, search=search)[start : start + size + 1]
    )
    if not rows and number > 1:
        return decision_page_for_practice(practice=practice, search=search, page=1, size=size)
    return DecisionPage(object_list=rows[:size], number=number, has_next=len(rows) > size)


def decision_get_for_practice(*, reference: str, practice: Practice) -> Decision:
    """404, not 403, for another practice's decision: references cannot be probed."""
    found = (
        Decision.objects.select_related("practice", "clinician", "policy_version__policy")
        .defer(*policy_version_heavy_fields("policy_version__"))
        .filter(reference=reference, practice=practice)[:1]
    )
    decision = next(iter(found), None)
    if decision is None:
        raise Http404("No decision with that reference at your practice")
    decision.policy_version = policy_version_whole(decision.policy_version)  # from memory
    return decision
