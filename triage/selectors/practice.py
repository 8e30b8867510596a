"""What a GP may read: their own practice's decisions, and nothing else."""

import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.http import Http404

from core import rows
from core.prepared import statement_sql
from policy.models import Policy, PolicyVersion
from policy.selectors import policy_version_light_fields, policy_version_whole
from triage.models import (
    Clinician,
    Decision,
    DecisionCorrection,
    Practice,
    ReferralCheck,
    StartBackScore,
)
from triage.prefetch import DECISION, prefetched_take
from triage.references import reference_normalise
from triage.selectors.checks import check_list_in_progress, checks_from_rows, in_progress_sql
from triage.services.startback import startback_latest_put


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
    number = _page_number(page)
    start = (number - 1) * size
    if search.strip():
        found = list(
            decision_list_for_practice(practice=practice, search=search)[start : start + size + 1]
        )
    else:
        found = _decision_rows_for_practice(practice, offset=start, limit=size + 1)
    if not found and number > 1:
        return decision_page_for_practice(practice=practice, search=search, page=1, size=size)
    return DecisionPage(object_list=found[:size], number=number, has_next=len(found) > size)


def _page_number(page: str | int | None) -> int:
    try:
        return max(1, int(page or 1))
    except (TypeError, ValueError):
        return 1


def start_page_lists(
    *, practice: Practice, user, search: str = "", page: str | int | None = 1, size: int = 20
) -> tuple[DecisionPage, list[ReferralCheck]]:
    """The start page's two lists: decision_page_for_practice and the user's
    check_list_in_progress, the same rows; without a search, in one round trip instead of two
    (issue #15)."""
    number = _page_number(page)
    using = router.db_for_read(Decision)
    if search.strip() or router.db_for_read(ReferralCheck) != using:
        return (
            decision_page_for_practice(practice=practice, search=search, page=number, size=size),
            check_list_in_progress(user=user),
        )
    connection = connections[using]
    sql = "; ".join(statement_sql(connection, each) for each in (_list_sql(), in_progress_sql()))
    with connection.cursor() as cursor:
        cursor.execute(sql, [practice.pk, size + 1, (number - 1) * size, user.pk])
        found = cursor.fetchall()
        cursor.nextset()
        checks = checks_from_rows(cursor.fetchall(), using)
    if not found and number > 1:
        return decision_page_for_practice(practice=practice, page=1, size=size), checks
    decisions = _decisions_from_rows(found, using)[:size]
    return DecisionPage(object_list=decisions, number=number, has_next=len(found) > size), checks


def _decision_rows_for_practice(practice: Practice, *, offset: int, limit: int) -> list[Decision]:
    """decision_list_for_practice without a search, as plain SQL built once (core.rows): the
    same columns (DECISION_LIST_FIELDS, never the JSON), the same order, the start page's
    commonest query without compiling it every time."""
    using = router.db_for_read(Decision)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(statement_sql(connection, _list_sql()), [practice.pk, limit, offset])
        found = cursor.fetchall()
    return _decisions_from_rows(found, using)


def _decisions_from_rows(found: list[tuple], using: str) -> list[Decision]:
    decisions = []
    for row in found:
        decision, clinician, correction = rows.split(row, _LIST_PARTS(), using)
        Decision.clinician.field.set_cached_value(decision, clinician)
        Decision.correction.related.set_cached_value(decision, correction)
        decisions.append(decision)
    return decisions


@functools.cache
def _LIST_PARTS() -> tuple[rows.Part, ...]:  # noqa: N802 (a constant, built once)
    own = tuple(f for f in DECISION_LIST_FIELDS if "__" not in f)
    return (
        rows.Part(Decision, "d", ("id", *own, "clinician_id")),
        rows.Part(get_user_model(), "u", ("id", "first_name", "last_name", "username")),
        rows.Part(DecisionCorrection, "c", ("id", "decision_id")),
    )


@functools.cache
def _list_sql() -> str:
    return (
        f"SELECT {rows.select_list(_LIST_PARTS())} "  # noqa: S608 (the models' own names)
        f'FROM "{Decision._meta.db_table}" d '
        f'JOIN "{get_user_model()._meta.db_table}" u ON u."id" = d."clinician_id" '
        f'LEFT JOIN "{DecisionCorrection._meta.db_table}" c ON c."decision_id" = d."id" '
        'WHERE d."practice_id" = %s ORDER BY d."sequence" DESC LIMIT %s OFFSET %s'
    )


def decision_get_for_practice(*, reference: str, practice: Practice, user=None) -> Decision:
    """404, not 403, for another practice's decision: references cannot be probed.

    Plain SQL built once from the models (core.rows), with the practice, the clinician and the
    version (without its large fields, then whole from memory) and its policy joined. With
    `user` (the signed-in user, whose practice `practice` is), the row read with the session
    is used if there is one for this reference and user, and it is this practice's (H31)."""
    using = router.db_for_read(Decision)
    row = None
    if user is not None:
        _, row = prefetched_take(DECISION, reference, user.pk)
        if row is not None and row[_PRACTICE_ID_INDEX()] != practice.pk:
            row = None
    if row is None:
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(statement_sql(connection, _decision_sql()), [reference, practice.pk])
            row = cursor.fetchone()
    if row is None:
        raise Http404("No decision with that reference at your practice")
    *parts, startback = rows.split(row, _DECISION_PARTS(), using)
    decision = decision_with_relations(*parts)
    startback_latest_put(decision, startback)
    return decision


@functools.cache
def decision_relation_parts() -> tuple[rows.Part, ...]:
    """A decision row with what every page of one decision shows: its practice, clinician,
    version (without its large fields) and policy, and the id of any correction. Read them
    back with decision_with_relations (this page and the reviewer's decision page)."""
    return (
        rows.Part(Decision, "d"),
        rows.Part(Practice, "p"),
        rows.Part(get_user_model(), "u"),
        rows.Part(PolicyVersion, "v", policy_version_light_fields()),
        rows.Part(Policy, "pol"),
        rows.Part(DecisionCorrection, "c", ("id", "decision_id")),
    )


def decision_with_relations(
    decision: Decision, practice, clinician, version, policy, correction
) -> Decision:
    """The instances of a row read with decision_relation_parts, linked as the ORM's
    select_related would; the version made whole from memory."""
    # Whether it was entered in error (the correction's id only; the rest loads if it was).
    Decision.correction.related.set_cached_value(decision, correction)
    Decision.practice.field.set_cached_value(decision, practice)
    Decision.clinician.field.set_cached_value(decision, clinician)
    PolicyVersion.policy.field.set_cached_value(version, policy)
    decision.policy_version = policy_version_whole(version)  # from memory
    return decision


@functools.cache
def _DECISION_PARTS() -> tuple[rows.Part, ...]:  # noqa: N802 (a constant, built once)
    return (*decision_relation_parts(), rows.Part(StartBackScore, "s"))


def decision_sql_for_user() -> str:
    """decision_get_for_practice's SQL for a reference at a user's practice (parameters: the
    reference, the user's id), for the session store to send with the session (triage.prefetch)."""
    return _decision_sql(
        f'(SELECT cl."practice_id" FROM "{Clinician._meta.db_table}" cl '  # noqa: S608 (model)
        'WHERE cl."user_id" = %s)'
    )


@functools.cache
def _PRACTICE_ID_INDEX() -> int:  # noqa: N802 (a constant, built once)
    """Where the decision's practice_id is in a row of _decision_sql."""
    names = [f.attname for f in Decision._meta.concrete_fields]
    return names.index("practice_id")


@functools.cache
def _decision_sql(practice: str = "%s") -> str:
    return (
        f"SELECT {rows.select_list(_DECISION_PARTS())} "  # noqa: S608 (the models' own names)
        f'FROM "{Decision._meta.db_table}" d '
        f'JOIN "{Practice._meta.db_table}" p ON p."id" = d."practice_id" '
        f'JOIN "{get_user_model()._meta.db_table}" u ON u."id" = d."clinician_id" '
        f'JOIN "{PolicyVersion._meta.db_table}" v ON v."id" = d."policy_version_id" '
        f'JOIN "{Policy._meta.db_table}" pol ON pol."id" = v."policy_id" '
        f'LEFT JOIN "{DecisionCorrection._meta.db_table}" c ON c."decision_id" = d."id" '
        # The latest STarT Back score added to it, if any (the decision page shows it).
        f'LEFT JOIN LATERAL (SELECT * FROM "{StartBackScore._meta.db_table}" x '
        'WHERE x."decision_id" = d."id" ORDER BY x."sequence" DESC LIMIT 1) s ON true '
        f'WHERE d."reference" = %s AND d."practice_id" = {practice}'
    )
