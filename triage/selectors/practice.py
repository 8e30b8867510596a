"""What a GP may read: their own practice's decisions, and nothing else."""

from django.db.models import Q, QuerySet
from django.http import Http404

from triage.models import Clinician, Decision, Practice
from triage.references import reference_normalise


def clinician_for_user(user) -> Clinician | None:
    return Clinician.objects.select_related("practice").filter(user=user).first()


def decision_list_for_practice(*, practice: Practice, search: str = "") -> QuerySet[Decision]:
    decisions = (
        Decision.objects.filter(practice=practice)
        .select_related("clinician", "policy_version", "correction")
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


def decision_get_for_practice(*, reference: str, practice: Practice) -> Decision:
    """404, not 403, for another practice's decision: references cannot be probed."""
    decision = (
        Decision.objects.select_related("practice", "clinician", "policy_version__policy")
        .filter(reference=reference, practice=practice)
        .first()
    )
    if decision is None:
        raise Http404("No decision with that reference at your practice")
    return decision
