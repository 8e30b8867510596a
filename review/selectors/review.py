"""What an ICB reviewer reads: every decision, its reviews and access log, queues and samples.

Lists page by keyset ("the 25 rows after this one"), never by OFFSET or COUNT, so a page costs
the same with a thousand decisions or a million.
"""

import datetime
import functools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import MD5, Concat
from django.http import Http404
from django.utils import timezone

from core import rows
from core.chain import GENESIS_HASH, chain_tail
from policy.selectors import (
    policy_version_heavy_fields,
)
from review.models import Review
from review.selectors.practice import review_and_reply_history_of, review_and_reply_reads
from triage.models import (
    AccessEvent,
    Decision,
    DecisionCorrection,
    Practice,
    ReferralCheck,
    StartBackScore,
)
from triage.selectors.practice import decision_relation_parts, decision_with_relations
from triage.services.startback import startback_latest_put
from triage.sources import decision_source_label

PAGE_SIZE = 25
ACCESS_LOG_LIMIT = 50

# Sort keys offered to users, each ending in a unique column so the order is total.
# (field, descending) pairs; a tie on the first column shows the newest decision first.
SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "-date": (("created_at", True), ("sequence", True)),
    "date": (("created_at", False), ("sequence", False)),
    "reference": (("reference", False),),
    "-reference": (("reference", True),),
    "outcome": (("outcome", False), ("sequence", True)),
    "-outcome": (("outcome", True), ("sequence", True)),
    "practice": (("practice__name", False), ("sequence", True)),
    "-practice": (("practice__name", True), ("sequence", True)),
}
DEFAULT_SORT = "-date"
QUEUE_ORDER: tuple[tuple[str, bool], ...] = (("sequence", False),)

_CURSOR_SALT = "triage.review.cursor"

# Columns the decision tables show (review/_decision_rows.html) and the keyset cursors read;
# the answers, findings, the GP and the policy version stay behind (two joins fewer).
LIST_FIELDS = (
    "reference",
    "sequence",
    "created_at",
    "nhs_number",
    "outcome",
    "practice__name",
    "practice__ods_code",
)


def latest_review(field: str) -> Subquery:
    """The `field` of the decision's latest review (None if it has none), as an annotation."""
    reviews = Review.objects.filter(decision=OuterRef("pk")).order_by("-sequence")
    return Subquery(reviews.values(field)[:1])


def decision_reviewed() -> Exists:
    return Exists(Review.objects.filter(decision=OuterRef("pk")))


def decision_entered_in_error() -> Exists:
    return Exists(DecisionCorrection.objects.filter(decision=OuterRef("pk")))


def decision_replaced_by() -> Subquery:
    """The reference of the decision that replaced this one after it was entered in error."""
    checks = ReferralCheck.objects.filter(corrects=OuterRef("pk"), decision__isnull=False)
    return Subquery(checks.order_by("-updated_at").values("decision__reference")[:1])


def decision_list_for_review() -> QuerySet[Decision]:
    """Every decision, with what the list shows, its latest verdict and how it was made
    (`source`: "via API: <client name>", or "" for the web form), in one query."""
    return (
        Decision.objects.select_related("practice")
        .only(*LIST_FIELDS)
        .annotate(
            latest_verdict=latest_review("verdict"),
            entered_in_error=decision_entered_in_error(),
            source=decision_source_label(),
        )
    )


@dataclass(frozen=True)
class DecisionForReview:
    """A decision as its reviewer's page shows it (decision_for_review_page)."""

    decision: Decision
    # The content hash of the decision before it in the chain (None when there is none).
    previous_hash: str | None
    # How it was made: "via API: <client name>", or "" for the web form.
    source: str


def decision_for_review_page(*, reference: str) -> DecisionForReview:
    """The decision with its practice, clinician, policy version and policy, and whether it was
    entered in error (every view of a decision and every verdict reads it), with what its page
    shows of other rows: the content hash of the decision before it (the chain link the page
    checks), how it was made, and its latest STarT Back score (kept with it:
    triage.services.startback.startback_latest), all by SQL compiled once and sent in one round
    trip."""
    found, previous, source, startback = rows.read_together(
        *((compiled(), {"reference": reference}) for compiled in _REVIEW_PAGE_READS)
    )
    if not found:
        raise Http404("No decision with that reference")
    decision = decision_with_relations(
        *rows.parts_of(_decision_for_review(), decision_relation_parts(), found)[0]
    )
    scores = _startback_of().models_of(startback)
    for score in scores:
        score.decision = decision  # as decision.startback_scores links it
    startback_latest_put(decision, scores[0] if scores else None)
    return DecisionForReview(
        decision=decision,
        previous_hash=previous[0][0] if previous else None,
        source=source[0][0] if source else "",
    )


_REFERENCE = "FT-COMPILED-ONLY"  # placeholder for a reference (core.rows.Compiled)


@functools.cache
def _previous_hash() -> rows.Compiled:
    sequence = Decision.objects.filter(reference=_REFERENCE).values("sequence")[:1]
    before = Decision.objects.filter(sequence=Subquery(sequence) - 1)
    return rows.Compiled(before.values_list("content_hash").order_by(), reference=_REFERENCE)


@functools.cache
def _source_of() -> rows.Compiled:
    labelled = Decision.objects.filter(reference=_REFERENCE).annotate(
        source=decision_source_label()
    )
    return rows.Compiled(labelled.values_list("source").order_by(), reference=_REFERENCE)


@functools.cache
def _startback_of() -> rows.Compiled:
    scores = StartBackScore.objects.filter(decision__reference=_REFERENCE).order_by("-sequence")
    return rows.Compiled(scores[:1], reference=_REFERENCE)


@functools.cache
def _decision_for_review() -> rows.Compiled:
    correction_rest = [
        f"correction__{field.name}"
        for field in DecisionCorrection._meta.concrete_fields
        if field.attname not in ("id", "decision_id")
    ]
    found = (
        Decision.objects.select_related(
            "practice", "clinician", "policy_version__policy", "correction"
        )
        .defer(*policy_version_heavy_fields("policy_version__"), *correction_rest)
        .filter(reference=_REFERENCE)[:1]
    )
    return rows.Compiled(found, reference=_REFERENCE)


# decision_for_review_page's reads, in the order it sends them.
_REVIEW_PAGE_READS = (_decision_for_review, _previous_hash, _source_of, _startback_of)


def review_history(*, decision: Decision) -> list[Review]:
    """Every verdict on the decision, newest (the one that counts) first."""
    return list(decision.reviews.select_related("reviewer").order_by("-sequence"))


def decision_history_and_access_log(
    *, decision: Decision, limit: int = ACCESS_LOG_LIMIT
) -> tuple[list, list, bool]:
    """The decision's verdicts and practice replies, newest first (review_and_reply_history),
    its most recent `limit` access events and whether older ones exist: only what the log shows
    (when, what, and who). Three reads compiled once and sent in one round trip."""
    reviews, replies, events = rows.read_together(
        *review_and_reply_reads(decision=decision), (_access_log(limit), {"decision": decision.pk})
    )
    return (
        review_and_reply_history_of(decision, reviews, replies),
        *_access_log_of(events, limit),
    )


def _access_log_of(found: list[tuple], limit: int) -> tuple[list[AccessEvent], bool]:
    """The events (the first `limit`) of rows _access_log(limit) returned, each with its user,
    and whether there were more. A user who made several of them is one instance: most of a
    decision's log is the same few reviewers."""
    using = rows.parts_checked(_access_log(limit), ACCESS_LOG_PARTS)
    event_part, user_part = ACCESS_LOG_PARTS
    width = rows.width(AccessEvent, event_part.names)
    events, users = [], {}
    for row in found:
        (event,) = rows.split(row[:width], [event_part], using)
        if event.user_id not in users:
            (users[event.user_id],) = rows.split(row[width:], [user_part], using)
        event.user = users[event.user_id]
        events.append(event)
    return events[:limit], len(events) > limit


ACCESS_LOG_PARTS = (
    rows.Part(AccessEvent, "event", ("id", "user_id", "action", "at")),
    rows.Part(get_user_model(), "user", ("id", "username", "first_name", "last_name")),
)
_DECISION_ID = -190102032  # placeholder for a decision's id (core.rows.Compiled)


@functools.cache
def _access_log(limit: int) -> rows.Compiled:
    events = (
        AccessEvent.objects.filter(decision_id=_DECISION_ID)
        .select_related("user")
        .only("action", "at", "user__username", "user__first_name", "user__last_name")
        .order_by("-at", "-id")[: limit + 1]
    )
    return rows.Compiled(events, decision=_DECISION_ID)


# Keyset pagination ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    number: int
    next_cursor: str
    prev_cursor: str


def _encode(value: Any) -> list:
    if isinstance(value, datetime.datetime):
        return ["t", value.isoformat()]
    return ["v", value]


def _decode(item: list) -> Any:
    kind, value = item
    return datetime.datetime.fromisoformat(value) if kind == "t" else value


def _order_key(order: Sequence[tuple[str, bool]]) -> list[str]:
    return [f"{'-' if descending else ''}{field}" for field, descending in order]


def _cursor_dump(order: Sequence[tuple[str, bool]], row, *, before: bool, number: int) -> str:
    values = [_encode(functools.reduce(getattr, f.split("__"), row)) for f, _ in order]
    return signing.dumps(
        {"o": _order_key(order), "v": values, "b": before, "p": number}, salt=_CURSOR_SALT
    )


def _cursor_load(cursor: str, order: Sequence[tuple[str, bool]]) -> dict | None:
    """The cursor's state, or None (first page) if it is missing, forged or for another sort."""
    if not cursor:
        return None
    try:
        state = signing.loads(cursor, salt=_CURSOR_SALT)
        if state["o"] != _order_key(order) or len(state["v"]) != len(order):
            return None
        state["v"] = [_decode(item) for item in state["v"]]
        state["p"] = max(int(state["p"]), 1)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return state


def _beyond(order: Sequence[tuple[str, bool]], values: Sequence) -> Q:
    """Rows that come after `values` in `order`: (a, b) > (x, y) written out column by column.

    The leading `a >= x` repeats what the rest implies so that PostgreSQL can start the index
    scan at the cursor instead of filtering its way there.
    """
    clauses, equal = [], {}
    for (field, descending), value in zip(order, values, strict=True):
        clauses.append(Q(**equal, **{f"{field}__{'lt' if descending else 'gt'}": value}))
        equal[field] = value
    (first, descending), start = order[0], values[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": start}) & functools.reduce(
        operator.or_, clauses
    )


PRACTICE_NAME = "practice__name"


def _rows_by_practice(
    queryset: QuerySet, walk: Sequence[tuple[str, bool]], after: Sequence | None, limit: int
) -> list:
    """The first `limit` rows in (practice name, sequence) order, after the cursor `after`.

    One ORDER BY across a join would sort every matching decision (over a second at a million).
    Instead the practices (a few hundred at most) are walked in name order and each one's
    decisions are read from the (practice, -sequence) index until the page is full: usually
    one or two short index scans.
    """

    def read(pks: list[int], after_sequence, count: int) -> list:
        return list(practice_rows(queryset, walk, pks, after_sequence)[:count])

    return rows_by_practice(practice_names(), walk, after, limit, read)


def practice_names(found: Sequence[tuple[int, str]] | None = None) -> dict[str, list[int]]:
    """{practice name: the ids of the practices with that name}, in name order, from the rows
    of practices_by_name() (read now if `found` is not given)."""
    names: dict[str, list[int]] = {}
    for pk, name in practices_by_name().rows() if found is None else found:
        names.setdefault(name, []).append(pk)
    return names


@functools.cache
def practices_by_name() -> rows.Compiled:
    """Every practice's id and name in name order, compiled once (core.rows.Compiled)."""
    return rows.Compiled(Practice.objects.order_by("name", "pk").values_list("pk", "name"))


def practice_rows(
    queryset: QuerySet, walk: Sequence[tuple[str, bool]], pks: Sequence, after_sequence
) -> QuerySet:
    """`queryset`'s rows at the practices `pks` in the walk's sequence order, after the
    sequence `after_sequence` (None: from the first)."""
    (_, _), (sequence_field, sequence_descending) = walk
    in_practice = queryset.filter(practice_id__in=pks).order_by(
        f"{'-' if sequence_descending else ''}{sequence_field}"
    )
    if after_sequence is None:
        return in_practice
    beyond = "lt" if sequence_descending else "gt"
    return in_practice.filter(**{f"{sequence_field}__{beyond}": after_sequence})


def rows_by_practice(
    names: dict[str, list[int]],
    walk: Sequence[tuple[str, bool]],
    after: Sequence | None,
    limit: int,
    read: Callable[[list[int], Any, int], list],
) -> list:
    """The walk of _rows_by_practice over `names` (practice_names), reading at most `count`
    rows of the practices `pks` after a sequence (or None) with `read(pks, sequence, count)`."""
    (_, names_descending), _ = walk
    ordered = sorted(names, reverse=names_descending)
    start_name = start_sequence = None
    if after is not None:
        start_name, start_sequence = after
        ordered = [n for n in ordered if (n <= start_name if names_descending else n >= start_name)]
    found: list = []
    for name in ordered:
        after_sequence = start_sequence if after is not None and name == start_name else None
        found += read(names[name], after_sequence, limit - len(found))
        if len(found) >= limit:
            break
    return found


def keyset_page(
    queryset: QuerySet,
    *,
    order: Sequence[tuple[str, bool]],
    cursor: str = "",
    page_size: int | None = None,
) -> KeysetPage:
    """One page of `queryset` in `order`: page_size + 1 rows fetched, no COUNT, no OFFSET."""
    page_size = page_size or PAGE_SIZE
    state, walk = keyset_walk(order, cursor)
    after = state["v"] if state else None
    if walk[0][0] == PRACTICE_NAME:
        rows = _rows_by_practice(queryset, walk, after, page_size + 1)
    else:
        rows = list(keyset_rows(queryset, walk, after)[: page_size + 1])
    return keyset_page_of(order, state, rows, page_size)


def keyset_walk(order: Sequence[tuple[str, bool]], cursor: str) -> tuple[dict | None, list]:
    """The cursor's state (None on the first page) and the order the rows are read in: `order`,
    or its reverse when paging backwards."""
    state = _cursor_load(cursor, order)
    backwards = bool(state and state["b"])
    return state, [(field, descending != backwards) for field, descending in order]


def keyset_rows(
    queryset: QuerySet, walk: Sequence[tuple[str, bool]], after: Sequence | None
) -> QuerySet:
    """`queryset` in the order `walk`, from just after the values `after` (None: the start)."""
    rows = queryset.order_by(*[f"{'-' if d else ''}{f}" for f, d in walk])
    return rows.filter(_beyond(walk, after)) if after is not None else rows


def keyset_page_of(
    order: Sequence[tuple[str, bool]], state: dict | None, rows: list, page_size: int
) -> KeysetPage:
    """The page made of `rows` (up to page_size + 1, read in keyset_walk's order after the
    cursor `state`), with its links to the pages before and after it."""
    backwards = bool(state and state["b"])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    number = state["p"] if state else 1
    has_next = True if backwards else more
    has_prev = more if backwards else state is not None
    return KeysetPage(
        rows=rows,
        number=number,
        next_cursor=_cursor_dump(order, rows[-1], before=False, number=number + 1)
        if rows and has_next
        else "",
        prev_cursor=_cursor_dump(order, rows[0], before=True, number=number - 1)
        if rows and has_prev
        else "",
    )


# Audit sampling ------------------------------------------------------------------------------


def unreviewed_queue() -> QuerySet[Decision]:
    """Decisions nobody has reviewed yet; page it with QUEUE_ORDER (oldest first)."""
    return decision_list_for_review().filter(~decision_reviewed())


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight on the 1st of `month` and of the month after it."""
    start = month.replace(day=1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


def decision_sample_for_month(*, month: datetime.date, size: int) -> list[Decision]:
    """A random sample of the month's decisions that is the same every time it is drawn.

    Ordering by md5(reference || 'YYYY-MM') shuffles the month's decisions with the month as
    the seed: reproducible for an auditor, unpredictable to anyone choosing what to refer.
    """
    start, end = month_bounds(month)
    seed = Value(f"{month:%Y-%m}")
    return list(
        decision_list_for_review()
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by(MD5(Concat("reference", seed)))[:size]
    )


# Counts and worklists -------------------------------------------------------------------------

COUNT_CAP = 10_000


def count_capped(queryset: QuerySet, *, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(rows, more): the exact count up to `cap`; beyond it (cap, True), without a full COUNT."""
    n = queryset.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


WORKLIST_VERDICTS = ("more_information", "refer_ifr", "disagree")
_VERDICT_COUNTS_KEY = "review:worklist-verdict-counts"


def latest_verdict_counts(*, head: tuple[int, str] | None = None) -> dict[str, int]:
    """{verdict: decisions whose latest review has it} for the worklist verdicts.

    Counting reads every review (about 100 ms at 135,000 reviews, on every list page), so the
    counts are kept in the cache beside the head of the review chain and counted again only
    when the head has moved. They stay exact: reviews are append-only and hash-chained (the
    database refuses anything else), so the head's sequence and content hash stand for every
    review before it. The head is read first: a review recorded during the count then moves
    the head, and the next page counts again. `head`: the head, if the caller has read it.
    """
    from review.selectors.practice import latest_reviews

    head = head or chain_tail(Review)
    cached = cache.get(_VERDICT_COUNTS_KEY)
    if cached is not None and cached[0] == head:
        return cached[1]
    by_verdict = dict(
        latest_reviews()
        .filter(verdict__in=WORKLIST_VERDICTS)
        .values_list("verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {v: by_verdict.get(v, 0) for v in WORKLIST_VERDICTS}
    cache.set(_VERDICT_COUNTS_KEY, (head, counts), timeout=None)
    return counts


def worklist_counts() -> dict[str, tuple[int, bool]]:
    """{worklist: (count, more than the cap)} for the reviewer's start page: the review chain's
    head, then the capped count of unreviewed decisions, in one round trip (and the verdict
    counts if a review has been recorded since they were last counted)."""
    found, [(n,)] = rows.read_together(
        (_review_chain_head(), {}), (_unreviewed_counted(COUNT_CAP), {})
    )
    head = tuple(found[0]) if found else (0, GENESIS_HASH)
    counts = {v: (n, False) for v, n in latest_verdict_counts(head=head).items()}
    counts["unreviewed"] = (min(n, COUNT_CAP), n > COUNT_CAP)
    return counts


@functools.cache
def _review_chain_head() -> rows.Compiled:
    """core.chain.chain_tail(Review) compiled once: the last review's sequence and hash."""
    last = Review.objects.order_by("-sequence").values_list("sequence", "content_hash")[:1]
    return rows.Compiled(last)


@functools.cache
def _unreviewed_counted(cap: int) -> rows.Compiled:
    """count_capped of the decisions nobody has reviewed, compiled once (every list page)."""
    unreviewed = Decision.objects.filter(~decision_reviewed()).order_by().values("pk")[: cap + 1]
    return rows.Compiled(unreviewed, counted=True)
